"""The S3 backend under the conditions it exists for: two CI jobs applying one project at once,
and runners killed with SIGKILL mid-apply. Real processes, a real CDNvideo emulator served by
this test process, moto's S3 server, real clock with shrunk timings.

- Two jobs at once: the one that gets the lock applies; the other fails fast naming it, or,
  with --lock-timeout, waits and then finds nothing left to do. Never a lost state.
- SIGKILL: a killed runner leaves its lock object behind (nothing releases it, as in
  Terraform); the test plays the operator and force-unlocks it after checking that the holder
  is the dead process. The state parses after every kill, and the applies that follow converge
  with zero duplicates and zero orphans.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

pytest.importorskip("boto3", reason="the S3 tests need the test extra (boto3, moto)")
from apply_env import (
    TOKEN,
    ApplyEnv,
    apply_command,
    change_for_run,
    cli_environ,
    crash_settings,
    finish_after_kills,
    simple_videos,
    write_project,
)
from s3_env import KEY, S3Env, assert_no_credentials, assert_no_credentials_in_tree, s3_environ

from vidspec.core.clock import SystemClock
from vidspec.emulator import EmulatorSettings, serve
from vidspec.project.config import load_project
from vidspec.state import open_state_store

pytestmark = pytest.mark.slow  # real processes and clock; see pyproject

S3_KILLS = 8


def wait_for(condition: object, timeout: float = 60.0) -> None:
    """Poll the real world (another process) until ``condition()`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def test_two_ci_jobs_at_once_one_applies_the_other_fails_fast_or_waits(
    s3: S3Env, tmp_path: Path
) -> None:
    settings = EmulatorSettings(
        token=TOKEN, account="acme", queue_seconds=0.2, processing_seconds=3.0, seed=5
    )
    environ = cli_environ(CDN_TOKEN=TOKEN, **s3_environ(s3.endpoint))
    videos = simple_videos(3)
    with serve(settings) as server:
        jobs = {}
        for name in ("job-a", "job-b"):  # two checkouts of one repository, on two runners
            root = tmp_path / name
            write_project(root, server, extra=s3.state_block())
            ApplyEnv(root, server, SystemClock()).write_videos(videos)  # type: ignore[arg-type]
            jobs[name] = root

        first = subprocess.Popen(
            apply_command(jobs["job-a"]),
            env=environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_for(lambda: s3.body(f"{KEY}.lock") is not None)
        second = subprocess.run(
            apply_command(jobs["job-b"]),
            env=environ,
            capture_output=True,
            text=True,
            timeout=120,
        )
        out_a, err_a = first.communicate(timeout=120)
        assert first.returncode == 0, err_a
        assert second.returncode == 1
        assert f"The state s3://{s3.bucket}/{KEY} is locked by another vidspec command" in (
            second.stderr
        )
        assert "Command: vidspec apply" in second.stderr and "vidspec force-unlock" in second.stderr

        env = ApplyEnv(jobs["job-b"], server, SystemClock())  # type: ignore[arg-type]
        env.assert_exactly_the_manifest({v["video_name"] for v in videos.values()})
        serial = env.state().serial

        # Next merge: job A applies a change while job B, started meanwhile, waits its turn.
        videos["video-01"]["video_name"] = "Video 1, renamed"
        videos["video-04"] = {"video_name": "Video 4", "script": "A fourth one."}
        for root in jobs.values():
            ApplyEnv(root, server, SystemClock()).write_videos(videos)  # type: ignore[arg-type]
        first = subprocess.Popen(
            apply_command(jobs["job-a"]),
            env=environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_for(lambda: s3.body(f"{KEY}.lock") is not None)
        waiting = subprocess.run(
            [*apply_command(jobs["job-b"]), "--lock-timeout", "2m"],
            env=environ,
            capture_output=True,
            text=True,
            timeout=180,
        )
        out_a2, err_a2 = first.communicate(timeout=120)
        assert first.returncode == 0, err_a2
        assert waiting.returncode == 0, waiting.stderr
        assert "No changes" in waiting.stdout  # job A did it all; B found the state it left
        env.assert_exactly_the_manifest({v["video_name"] for v in videos.values()})
        assert env.state().serial > serial
        assert s3.body(f"{KEY}.lock") is None
    assert_no_credentials(out_a, err_a, second.stdout, second.stderr, out_a2, err_a2)
    assert_no_credentials(waiting.stdout, waiting.stderr)
    assert_no_credentials_in_tree(tmp_path)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_with_the_s3_backend_never_duplicates_nor_orphans(
    s3: S3Env, tmp_path: Path
) -> None:
    settings = crash_settings(seed=23)
    rng = random.Random(20261202)
    environ = cli_environ(CDN_TOKEN=TOKEN, **s3_environ(s3.endpoint))
    with serve(settings) as server:
        write_project(tmp_path, server, extra=s3.state_block())
        env = ApplyEnv(tmp_path, server, SystemClock())  # type: ignore[arg-type]
        videos = simple_videos(6)
        env.write_videos(videos)
        # A runner's start-up (interpreter, boto3, S3 lock, listing) varies with the machine's
        # load: kill within [half of a plan's time, a plan's time + 2 s] so kills land both
        # before and during the generations.
        started = time.monotonic()
        plan = subprocess.run(
            [*apply_command(tmp_path)[:-2], "plan"], env=environ, capture_output=True, timeout=120
        )
        assert plan.returncode == 0, plan.stderr
        startup = time.monotonic() - started
        window = (startup / 2, startup + 2.0)
        killed = unlocked = 0
        for run in range(S3_KILLS):
            if run:
                change_for_run(videos, run, rng)
                env.write_videos(videos)
            proc = subprocess.Popen(
                apply_command(tmp_path),
                env=environ,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            try:
                proc.wait(timeout=rng.uniform(*window))
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                killed += 1
            _, err = proc.communicate(timeout=30)
            assert b"Traceback" not in err, err.decode()
            assert_no_credentials(err)
            store = open_state_store(load_project(tmp_path))
            store.load()  # the state parses after every kill
            holder = store.lock_holder()
            if holder is not None:  # the operator's part: the holder is dead, unlock
                assert holder.pid == proc.pid and proc.returncode == -signal.SIGKILL
                store.force_unlock(holder.id)
                unlocked += 1
        assert killed >= S3_KILLS // 2, "most runs should have been cut short"
        assert unlocked > 0, "a killed runner leaves its lock object behind"
        assert any(m == "POST" for m, _, _ in server.request_log)

        finish_after_kills(tmp_path, environ, settle=1.0)
        env.assert_exactly_the_manifest({v["video_name"] for v in videos.values()})
        stored = json.loads(s3.body(KEY) or b"")
        assert sorted(stored["videos"]) == sorted(videos)
        assert not (tmp_path / ".vidspec" / "state.json").exists()  # all of it in S3
    assert_no_credentials_in_tree(tmp_path)
