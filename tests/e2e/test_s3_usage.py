"""The month's request count in S3 is kept in memory and written in batches (issue 19 item 8):
at the lock's release, every 30 s, and before the command exits (also on SIGTERM), each write
still conditional, so runners never lose each other's counts. moto's S3 server; the bucket
keeps versions, so every write of ``<key>.usage`` can be counted. The S3 requests per plan,
before and after, are in ``benchmarks/bench_s3.py``."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cli_run import Cli

pytest.importorskip("boto3", reason="the S3 tests need the test extra (boto3, moto)")
from apply_env import TOKEN, ApplyEnv, apply_command, cli_environ, simple_videos, write_project
from s3_env import KEY, S3Env, s3_environ, s3_project

from vidspec.emulator import EmulatorSettings, serve
from vidspec.state.s3usage import FLUSH_EVERY

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
USAGE = f"{KEY}.usage"


def writes(s3: S3Env, key: str) -> int:
    """How many times ``key`` was written (the bucket keeps every version)."""
    answer = s3.client.list_object_versions(Bucket=s3.bucket, Prefix=key)
    return sum(1 for v in answer.get("Versions", []) if v["Key"] == key)


def count(s3: S3Env) -> int:
    return sum(json.loads(s3.body(USAGE) or b"{}").values())


def test_a_plan_writes_its_count_once_not_once_per_request(
    s3: S3Env, tmp_path: Path, cli: Cli
) -> None:
    """Each provider request read and rewrote ``<key>.usage``: two S3 requests per API
    request. A plan's requests are now written in one conditional write."""
    s3.client.put_bucket_versioning(Bucket=s3.bucket, VersioningConfiguration={"Status": "Enabled"})
    root = s3_project(s3, tmp_path / "p", "intro", "promo")
    code, out, err = cli(root, "plan")
    assert code == 0, err
    requests = count(s3)
    assert requests >= 2  # the catalog and the listing, at least
    assert writes(s3, USAGE) == 1
    assert f"({requests} of 1500 used this month)" in out


def test_two_runners_counting_at_once_keep_each_others_counts(s3: S3Env, tmp_path: Path) -> None:
    """Six runners (two projects on one key, three commands each), each counting 20 requests
    in memory and writing every 30 s of its clock, and at its end: every count is kept."""
    s3.write_project(tmp_path / "a")
    s3.write_project(tmp_path / "b")
    stores = [s3.store(tmp_path / "a"), s3.store(tmp_path / "b")] * 3

    def counting(index: int) -> None:
        usage = stores[index].usage()
        for n in range(20):
            usage.add(1, NOW + timedelta(seconds=10 * n + index), durable=False)
        usage.flush()

    threads = [threading.Thread(target=counting, args=(i,)) for i in range(len(stores))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert json.loads(s3.body(USAGE) or b"") == {"2026-11": 6 * 20}


def test_a_count_waits_in_memory_at_most_thirty_seconds(s3: S3Env, tmp_path: Path) -> None:
    s3.write_project(tmp_path)
    usage = s3.store(tmp_path).usage()
    usage.add(1, NOW, durable=False)
    usage.add(1, NOW + timedelta(seconds=FLUSH_EVERY - 1), durable=False)
    assert s3.body(USAGE) is None  # nothing written yet: both kept in memory
    assert usage.used(NOW) == 2
    usage.add(1, NOW + timedelta(seconds=FLUSH_EVERY), durable=False)
    assert json.loads(s3.body(USAGE) or b"") == {"2026-11": 3}


def test_the_lock_release_writes_the_count(s3: S3Env, tmp_path: Path) -> None:
    s3.write_project(tmp_path)
    store = s3.store(tmp_path)
    with store.lock("vidspec apply"):
        store.usage().add(4, NOW, durable=False)
        assert s3.body(USAGE) is None
    assert json.loads(s3.body(USAGE) or b"") == {"2026-11": 4}


@pytest.mark.slow
def test_a_run_stopped_with_sigterm_writes_its_count(s3: S3Env, tmp_path: Path) -> None:
    """A CI job cancelled mid-apply (SIGTERM): the apply stops as after Ctrl-C, and the
    requests it made are in the month's count, though it ran for less than 30 s."""
    settings = EmulatorSettings(
        token=TOKEN, account="acme", queue_seconds=0.0, processing_seconds=600.0
    )
    with serve(settings) as server:
        root = tmp_path / "job"
        write_project(root, server, extra=s3.state_block())
        ApplyEnv(root, server, None).write_videos(simple_videos(3))  # type: ignore[arg-type]
        job = subprocess.Popen(
            apply_command(root),
            env=cli_environ(CDN_TOKEN=TOKEN, **s3_environ(s3.endpoint)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while sum(1 for m, _, _ in server.request_log if m == "POST") < 3:
            assert job.poll() is None and time.monotonic() < deadline, job.communicate()
            time.sleep(0.05)
        time.sleep(0.5)  # it waits for the videos (ten minutes each): mid-apply
        job.send_signal(signal.SIGTERM)
        _, err = job.communicate(timeout=60)
        assert job.returncode in (130, 143), err
        assert "Traceback" not in err
        sent = sum(1 for _, path, _ in server.request_log if not path.startswith("/files/"))
    assert count(s3) == sent
    assert s3.body(f"{KEY}.lock") is None  # released on the way out
