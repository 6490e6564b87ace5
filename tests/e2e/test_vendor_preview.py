"""``vidspec preview`` (issue 23): free, watermarked test renders of the changed videos on
Synthesia (``test: true``), never the real videos nor the state; the day's 30 respected;
HeyGen (no test mode) says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_env import ApplyEnv
from cli_run import Cli
from vendor_env import heygen_videos, make_vendor_env, synthesia_videos

import vidspec.cli.preview as cli_preview
from vidspec.core.clock import ManualClock


def run_preview(env: ApplyEnv, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(cli_preview, "clock_factory", lambda: env.clock)
    return env.run("preview", *args)


@pytest.fixture
def synthesia(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    yield from make_vendor_env(
        "synthesia", tmp_path, monkeypatch, cli, queue_seconds=1.0, processing_seconds=20.0
    )


def test_previews_are_test_renders_that_never_touch_the_real_videos(
    synthesia: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = synthesia
    env.write_videos(synthesia_videos(2))
    state_file = env.root / ".vidspec" / "state.json"
    before = state_file.read_bytes() if state_file.exists() else None
    code, out, err = run_preview(env, monkeypatch)
    assert code == 0, err
    made = list(env.server.world.videos.values())
    assert len(made) == 2 and all(r.test for r in made)  # free and watermarked
    lines = out.splitlines()
    assert lines[0].startswith("video-00  done      http") and lines[1].startswith("video-01  done")
    assert lines[-1] == (
        "2 previews: free, watermarked test renders; the real videos and the state are untouched."
    )
    assert (state_file.read_bytes() if state_file.exists() else None) == before
    # the plan still creates both real videos: a preview is not one
    assert sorted(env.kinds()) == [("video-00", "create"), ("video-01", "create")]
    results = env.apply()
    assert results is not None and results.ok
    real = [r for r in env.server.world.videos.values() if not r.test]
    assert len(real) == 2 and env.plan().actions == ()


def test_one_named_video_is_previewed(synthesia: ApplyEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    env = synthesia
    env.write_videos(synthesia_videos(3))
    code, out, _ = run_preview(env, monkeypatch, "video-01", "--no-wait")
    assert code == 0 and out.startswith("video-01  queued    (id ")
    assert [r.title for r in env.server.world.videos.values()] == ["Video 1"]
    code, _, err = run_preview(env, monkeypatch, "video-9")
    assert code == 1 and "video-9: not a video the plan creates or regenerates" in err


def test_the_days_previews_are_counted_before_any_is_sent(
    synthesia: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = synthesia
    for n in range(29):  # made earlier today
        env.server.world.add_video(title=f"earlier {n}", test=True)
    env.write_videos(synthesia_videos(2))
    code, _, err = run_preview(env, monkeypatch)
    assert code == 1
    assert "2 previews asked for, and the service renders 1 more today" in err
    assert (
        sum(1 for r in env.server.world.videos.values() if not r.title.startswith("earlier")) == 0
    )
    assert isinstance(env.clock, ManualClock)
    env.clock.advance(86400)  # a day later the allowance is back
    code, _, err = run_preview(env, monkeypatch, "--no-wait")
    assert code == 0, err


def test_heygen_says_it_has_no_previews(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    for env in make_vendor_env("heygen", tmp_path, monkeypatch, cli):
        env.write_videos(heygen_videos(1))
        code, _, err = run_preview(env, monkeypatch)
        assert code == 1 and "HeyGen renders no free previews (its API has no test mode)" in err
        assert env.server.world.videos == {}
