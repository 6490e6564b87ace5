"""The sandbox: the CDNvideo client against an in-process emulator, data in .vidspec/sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from vidspec.app.providers import open_provider
from vidspec.core.clock import ManualClock, SystemClock
from vidspec.core.errors import ProjectError, RateLimited
from vidspec.core.location import SourceLocation
from vidspec.core.videos import TaskState
from vidspec.emulator.common.store import DataDirBusy
from vidspec.project.config import Project, ProviderConfig
from vidspec.providers.base import Provider, Rate
from vidspec.providers.cdnvideo.api import CAPABILITIES
from vidspec.providers.cdnvideo.provider import CdnvideoProvider
from vidspec.sandbox.provider import SANDBOX_ACCOUNT, SANDBOX_TOKEN, SandboxOptions, SandboxProvider

SPEC = {
    "script": "Hello from the sandbox.",
    "actor": {"name": "Natalia", "version": "4.0.0", "shot": "waist"},
    "voice": "Sara",
    "video_name": "sandboxed",
}


def _project(root: Path, **options: Any) -> Project:
    return Project(
        root=root,
        file=root / "vidspec.yaml",
        provider=ProviderConfig(
            kind="sandbox", options=options, location=SourceLocation("vidspec.yaml", 2, 3)
        ),
        state_path=root / ".vidspec" / "state.json",
    )


def test_the_sandbox_is_the_cdnvideo_client_under_its_own_kind(tmp_path):
    provider = open_provider(_project(tmp_path), clock=ManualClock())
    try:
        assert isinstance(provider, SandboxProvider) and isinstance(provider, CdnvideoProvider)
        assert isinstance(provider, Provider)
        caps = provider.capabilities
        assert caps.kind == "sandbox"
        assert (caps.can_rename, caps.can_delete, caps.can_cancel) == (True, True, True)
        assert caps.listing_fields == CAPABILITIES.listing_fields
        assert caps.generation_rate == Rate(10, 60.0) and caps.monthly_requests == 1500
        assert provider.server.base_url.startswith("http://127.0.0.1:")
        assert provider.catalog().quota.left == 544.0
        assert provider.ledger.total == 1
    finally:
        provider.close()


def test_videos_are_made_listed_and_kept_across_two_provider_instances(tmp_path):
    clock = ManualClock()
    project = _project(tmp_path)
    first = open_provider(project, clock=clock)
    try:
        video_id = first.create(SPEC)
        assert first.list_videos() == []  # still in the queue: not a generated video yet
        clock.advance(0.5 + 2.0)  # the sandbox's default queue and processing times
        (video,) = first.list_videos()
        assert (video.id, video.state, video.name) == (video_id, TaskState.DONE, "sandboxed")
    finally:
        first.close()
    assert (tmp_path / ".vidspec" / "sandbox").is_dir()
    second = open_provider(project, clock=clock)
    try:
        assert [v.id for v in second.list_videos()] == [video_id]
        second.rename(video_id, "renamed")
    finally:
        second.close()
    third = open_provider(project, clock=clock)
    try:
        assert [v.name for v in third.list_videos()] == ["renamed"]
    finally:
        third.close()


def test_with_the_real_clock_a_video_is_done_in_well_under_a_second(tmp_path):
    provider = open_provider(
        _project(tmp_path, queue_seconds=0.05, processing_seconds=0.1), clock=SystemClock()
    )
    try:
        video_id = provider.create(SPEC)
        deadline = time.monotonic() + 3.0
        states: list[TaskState] = []
        while time.monotonic() < deadline:
            states = [v.state for v in provider.list_videos() if v.id == video_id]
            if states == [TaskState.DONE]:
                break
            time.sleep(0.05)
        assert states == [TaskState.DONE]
    finally:
        provider.close()


def test_options_shrink_the_limits_and_show_in_the_capabilities(tmp_path):
    clock = ManualClock()
    provider = open_provider(
        _project(tmp_path, post_limit="2/10s", monthly_requests=100, list_in_progress=True),
        clock=clock,
    )
    try:
        assert provider.capabilities.generation_rate == Rate(2, 10.0)
        assert provider.capabilities.monthly_requests == 100
        provider.create(SPEC)
        provider.create(SPEC)
        assert [v.state for v in provider.list_videos()] == [TaskState.QUEUED] * 2
        # The client paces itself at the shrunk rate: the third create waits its turn...
        start = clock.monotonic()
        provider.create(SPEC)
        assert clock.monotonic() - start >= 10.0
        # ...and the emulator enforces it: a client of its own, paced at CDNvideo's rate,
        # meets the 429 at once.
        other = CdnvideoProvider(
            account=SANDBOX_ACCOUNT,
            base_url=provider.server.base_url,
            token=SANDBOX_TOKEN,
            clock=clock,
            trust_env=False,
        )
        try:
            other.create(SPEC)
            with pytest.raises(RateLimited):
                other.create(SPEC)
        finally:
            other.close()
    finally:
        provider.close()


def test_close_stops_the_server(tmp_path):
    provider = open_provider(_project(tmp_path), clock=ManualClock())
    assert isinstance(provider, SandboxProvider)
    provider.close()
    assert provider.server.wait(0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10/60s", Rate(10, 60.0)),
        ("10/1m", Rate(10, 60.0)),
        ("5/s", Rate(5, 1.0)),
        ({"count": 3, "seconds": 2}, Rate(3, 2.0)),
    ],
)
def test_post_limit_forms(value, expected):
    assert SandboxOptions.parse({"post_limit": value}, "").post_limit == expected


def test_bad_options_are_all_reported_with_the_place(tmp_path):
    project = _project(
        tmp_path, queue_seconds=-1, post_limit="often", colour="blue", list_in_progress="yes"
    )
    with pytest.raises(ProjectError) as caught:
        open_provider(project)
    text = str(caught.value)
    assert text.startswith("vidspec.yaml:2:3: provider.options of the sandbox: ")
    for words in (
        "unknown option 'colour'",
        "option queue_seconds: -1",
        "option post_limit:",
        "option list_in_progress:",
    ):
        assert words in text
    assert not (tmp_path / ".vidspec").exists()  # nothing was started


# --- one command at a time on a project's sandbox data --------------------------------------


def test_a_second_sandbox_on_the_project_waits_then_names_the_holder(tmp_path):
    clock = ManualClock()
    first = open_provider(_project(tmp_path), clock=clock)
    try:
        started = clock.monotonic()
        with pytest.raises(DataDirBusy) as caught:
            open_provider(_project(tmp_path, lock_timeout=0.25), clock=clock)
        assert clock.monotonic() - started == pytest.approx(0.25)  # waited, on the clock
        text = str(caught.value)
        sandbox = tmp_path / ".vidspec" / "sandbox"
        assert text.startswith(f"the emulator data in {sandbox} is in use by another process: ")
        assert f"pid {os.getpid()} " in text
        assert "(waited 0.25s)" in text
        assert "set provider.options.lock_timeout (seconds) in vidspec.yaml" in text
        assert first.list_videos() == []  # the holder is unharmed
    finally:
        first.close()


def test_close_releases_the_sandbox_lock(tmp_path):
    clock = ManualClock()
    project = _project(tmp_path, lock_timeout=0)
    first = open_provider(project, clock=clock)
    video_id = first.create(SPEC)
    first.close()
    assert not (tmp_path / ".vidspec" / "sandbox" / "lock.info").exists()
    clock.advance(0.5 + 2.0)
    second = open_provider(project, clock=clock)  # at once: no wait allowed
    try:
        assert [v.id for v in second.list_videos()] == [video_id]
    finally:
        second.close()


def test_the_emulator_command_refuses_a_sandbox_in_use(tmp_path):
    data_dir = tmp_path / ".vidspec" / "sandbox"
    sandbox = open_provider(_project(tmp_path), clock=ManualClock())
    try:
        done = subprocess.run(
            [sys.executable, "-m", "vidspec", "emulator", "--port", "0", "--data-dir", data_dir],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=30,
        )
    finally:
        sandbox.close()
    assert done.returncode == 1, done.stderr
    assert f"is in use by another process: pid {os.getpid()} " in done.stderr
    assert "stop that process, or serve another --data-dir" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""  # refused before serving
