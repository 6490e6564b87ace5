"""Issue 19 item 1: API calls and downloads get different bounds.

An API call (listing, catalog, status, create...; an S3 state object) ends within
``safety.request_deadline`` (60 s by default) from sending to its last byte; a download has no
fixed deadline but a speed floor, like curl's ``--speed-limit/--speed-time``
(``download.min_speed``, 10 KB/s, over ``download.stall_time``, 30 s). Real waiting is kept
short by small settings against the hostile proxy (``tests/support/hostile.py``); the defaults are
checked as values."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cli_run import Cli
from hostile import FTYP, drip, elapsed, serve_hostile, stall_after, trickle, trickle_head
from hostile_env import FILES, LISTING, HostileEnv, make_hostile_env

from vidspec.app.providers import project_policy
from vidspec.engine import Outcome
from vidspec.http.client import HttpPolicy
from vidspec.http.watchdog import deadline, expired
from vidspec.project.config import DownloadLimits, Safety

TARGET = "out/v.mp4"


@pytest.fixture
def hostile_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[HostileEnv]:
    yield from make_hostile_env(tmp_path, monkeypatch, cli)


def test_the_defaults_bound_an_api_call_to_60s_and_a_download_by_its_speed(
    hostile_env: HostileEnv,
) -> None:
    assert Safety().request_deadline == timedelta(seconds=60)
    assert DownloadLimits().min_speed == 10 * 1024
    assert DownloadLimits().stall_time == timedelta(seconds=30)
    assert HttpPolicy().deadline == 60.0
    policy = project_policy(hostile_env.env.project)  # a vidspec.yaml that sets none of them
    assert (policy.deadline, policy.min_speed, policy.stall_time) == (60.0, 10240, 30.0)
    # one read never waits past the deadline: a trickled call ends at 60 s, well under 90 s
    assert max(policy.timeout) <= 60.0


def test_the_download_bounds_are_settings(hostile_env: HostileEnv) -> None:
    hostile_env.configure(
        "safety: {request_deadline: 2m}\ndownload: {min_speed: 2048, stall_time: 1m}\n"
    )
    project = hostile_env.env.project
    assert project.download == DownloadLimits(min_speed=2048, stall_time=timedelta(minutes=1))
    policy = project_policy(project)
    assert (policy.deadline, policy.min_speed, policy.stall_time) == (120.0, 2048, 60.0)


def test_a_trickling_listing_ends_plan_at_the_deadline_exit_1_naming_host_and_bound(
    hostile_env: HostileEnv,
) -> None:
    hostile_env.configure("safety: {request_deadline: 300ms}\n")
    hostile_env.hostile.add("GET", LISTING, trickle(b"[]" + b" " * 400, every=0.05))
    took, (code, _, err) = elapsed(lambda: hostile_env.env.run("plan"))
    assert code == 1
    assert f"{hostile_env.host} did not finish answering within the request deadline (0.3s)" in err
    assert "safety.request_deadline" in err
    assert took < 3  # the deadline, not the 60 s read timeout nor retries
    assert hostile_env.hostile.count("GET", LISTING) == 1


def saving(hostile_env: HostileEnv) -> tuple[Outcome, str]:
    outcome, detail, _ = hostile_env.apply_one(download=TARGET)
    return outcome, detail


def assert_no_file(hostile_env: HostileEnv) -> None:
    out = hostile_env.env.root / "out"
    assert not out.exists() or list(out.iterdir()) == []  # no file, no .part
    assert hostile_env.env.state().videos["video-00"].download is None


def test_a_download_that_stops_sending_ends_after_stall_time_and_leaves_no_file(
    hostile_env: HostileEnv,
) -> None:
    hostile_env.configure("download: {stall_time: 400ms}\n")
    hostile_env.hostile.add("GET", FILES, stall_after(FTYP + b"\0" * 100))
    took, (outcome, detail) = elapsed(lambda: saving(hostile_env))
    assert outcome is Outcome.FAILED
    assert (
        f"the download from {hostile_env.host} stalled: fewer than 10 KB/s (download.min_speed) "
        "over 0.4s (download.stall_time)" in detail
    )
    assert took < 5
    assert_no_file(hostile_env)


def test_a_slow_download_above_the_floor_outlives_the_request_deadline_and_is_saved(
    hostile_env: HostileEnv,
) -> None:
    # 40 KB in ten drops of 4 KB, 0.1 s apart: about 1 s, more than the 300 ms an API call
    # may take, and faster than the floor of 1000 B/s over 500 ms
    hostile_env.configure(
        "safety: {request_deadline: 300ms}\ndownload: {min_speed: 1000, stall_time: 500ms}\n"
    )
    body = FTYP + b"\0" * (40 * 1024 - len(FTYP))
    hostile_env.hostile.add("GET", FILES, drip(body, size=4096, every=0.1))
    took, (outcome, detail) = elapsed(lambda: saving(hostile_env))
    assert outcome is Outcome.DONE, detail
    assert took > 0.9
    assert (hostile_env.env.root / TARGET).read_bytes() == body


def test_a_download_whose_head_trickles_ends_at_the_request_deadline(
    hostile_env: HostileEnv,
) -> None:
    hostile_env.configure("safety: {request_deadline: 400ms}\n")
    hostile_env.hostile.add("GET", FILES, trickle_head(every=0.05))
    took, (outcome, detail) = elapsed(lambda: saving(hostile_env))
    assert outcome is Outcome.FAILED
    assert "did not finish answering within the request deadline (0.4s)" in detail
    assert took < 5
    assert_no_file(hostile_env)


def test_a_trickling_s3_store_ends_the_command_at_the_deadline_naming_the_object(
    s3: Any, tmp_path: Path, cli: Cli
) -> None:
    with serve_hostile(s3.endpoint, keep_headers=True) as hostile:
        proxied = type(s3)(endpoint=hostile.root_url, bucket=s3.bucket, client=s3.client)
        root = tmp_path / "proj"
        proxied.write_project(root)
        path = root / "vidspec.yaml"
        path.write_text(path.read_text() + "safety: {request_deadline: 500ms}\n")
        (root / "videos" / "main.yaml").write_text("videos: {}\n")
        state = rf"^/{s3.bucket}/marketing/state\.json$"
        hostile.add("GET", state, trickle(b"{}" + b" " * 400, every=0.05))

        took, (code, _, err) = elapsed(lambda: cli(root, "plan", "--no-refresh"))
    assert code == 1, err
    assert (
        f"cannot read s3://{s3.bucket}/marketing/state.json: the store did not finish "
        "answering within the request deadline (0.5s)" in err
    )
    assert took < 5


def test_a_deadline_that_passes_inside_a_nested_one_still_ends_its_request() -> None:
    # a provider request counts itself as it is sent; with the S3 backend that count is an S3
    # call with a deadline of its own, inside the request's: leaving it must not disarm the
    # outer one (real time: the watchdog's timers are the real clock's)
    with deadline(0.1):
        with deadline(5.0):
            time.sleep(0.3)  # the outer deadline passes here
        assert expired()
    assert not expired()
