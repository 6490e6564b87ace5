"""Issue 19 item 8b: when state writes start failing after a call was sent, the results say what
is known ("sent; its outcome could not be recorded (state write failed): the next plan
resolves it"), never "not attempted (not reached)" for work the service carried out; the
command still ends with the write's error, and the next plan resolves what was sent.

S3 state on moto's server with a failing-put rule (every PUT from the N-th on answers 403,
``tests/support/s3server.py``), N = 5 to 11, so the failure lands at each step of a regenerate: its
write-ahead record, the answer to its POST, its end. The CDNvideo emulator on its clock, the
real CLI in-process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_run import Cli

pytest.importorskip("boto3", reason="the S3 tests need the test extra (boto3, moto)")
from apply_env import ApplyEnv, make_env, simple_videos, video_names, write_project
from s3_env import S3Env, fail_puts

UNRECORDED = "its outcome could not be recorded (state write failed): the next plan resolves it"

SCRIPT = "A new script for the first video, said differently this time."


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    yield from make_env(tmp_path, monkeypatch, cli, queue_seconds=0.0, processing_seconds=3.0)


def posts(env: ApplyEnv) -> int:
    return sum(1 for method, _, _ in env.server.request_log if method == "POST")


def row_of(out: str, address: str) -> str:
    """What the results say of ``address``: its row in the table, or its line under "Not
    attempted:" (what follows the plan, which ends with its fingerprint)."""
    results = out[out.rindex("\nPlan fingerprint: ") :].splitlines()[1:]
    return next(
        line.strip()
        for line in results
        if line.startswith(address + " ") or line.startswith(f"  {address}: ")
    )


def test_s3_writes_failing_from_the_nth_on_say_what_was_sent_for_n_5_to_11(
    env: ApplyEnv, s3: S3Env
) -> None:
    write_project(env.root, env.server, extra=s3.state_block())
    videos = simple_videos(1)
    env.write_videos(videos)
    assert env.run("apply", "--auto-approve")[0] == 0
    unrecorded = []
    for first in range(5, 12):
        videos["video-00"]["script"] = f"{SCRIPT} Take {first}."
        env.write_videos(videos)  # a regenerate, applied with every PUT from the N-th failing
        before = posts(env)
        fail_puts(s3, first)
        code, out, err = env.run("apply", "--auto-approve")
        fail_puts(s3, 0)
        sent = posts(env) > before
        assert "Traceback" not in err and "not reached" not in out + err, (first, out, err)
        row = row_of(out, "video-00")
        if code == 1:
            assert f"Error: cannot write s3://{s3.bucket}/" in err and "access denied" in err
            assert "Apply stopped: a state write failed." in out and "complete!" not in out
        if sent:  # the service made a video: the row never says it was not attempted
            assert "not attempted" not in row, (first, row)
            done = row.split()[1:3] == ["regenerate", "done"]  # S3 usage is written once now
            assert done or "regenerated" in row or UNRECORDED in row, (first, row)
        if UNRECORDED in row:
            assert row.split()[1:3] == ["regenerate", "failed"], row
            assert row.endswith("sent; " + UNRECORDED) and code == 1
            unrecorded.append(first)
        # writes work again: the next plans resolve what was sent (adopt the video, then
        # delete the one it superseded)
        for _ in range(3):
            env.clock.advance(60)
            code, out, err = env.run("apply", "--auto-approve")
            assert code == 0, (first, err)
            if out.startswith("No changes."):
                break
        assert out.startswith("No changes."), (first, out)
        assert posts(env) == before + 1, first  # one regenerate sent, never paid twice
    assert unrecorded, "no failing write landed between a POST and its record"
    env.assert_exactly_the_manifest(video_names(videos))
    assert env.state().videos["video-00"].spec["script"] == videos["video-00"]["script"]
