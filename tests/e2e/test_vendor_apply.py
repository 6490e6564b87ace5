"""``kind: synthesia`` and ``kind: heygen`` through plan and apply against their emulators
(issue 23): the whole lifecycle, lost create answers with no duplicate, fresh download links,
and limits of every shape with 0 × 429, on the emulator's clock (no real sleeping)."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from apply_env import ApplyEnv, Recorder
from vendor_env import heygen_videos, make_vendor_env, synthesia_videos, write_vendor_project

from vidspec.app.apply import ApplyRequest, apply_project
from vidspec.core.clock import Clock
from vidspec.engine import EngineOptions
from vidspec.project.config import Project
from vidspec.providers.base import Provider, Rate
from vidspec.providers.synthesia.api import CAPABILITIES as SYNTHESIA
from vidspec.providers.synthesia.api import Limits
from vidspec.providers.synthesia.provider import SynthesiaProvider
from vidspec.state.correlation import correlation_key


@pytest.fixture
def synthesia(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ApplyEnv]:
    yield from make_vendor_env(
        "synthesia", tmp_path, monkeypatch, queue_seconds=1.0, processing_seconds=30.0
    )


@pytest.fixture
def heygen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ApplyEnv]:
    yield from make_vendor_env(
        "heygen", tmp_path, monkeypatch, queue_seconds=1.0, processing_seconds=30.0
    )


def live(env: ApplyEnv) -> dict[str, Any]:
    """The account's videos by id (deleted ones left out)."""
    world = env.server.world
    return {i: r for i, r in world.videos.items() if getattr(r, "deleted", False) is False}


def titles(env: ApplyEnv) -> list[str]:
    return sorted(str(r.title) for r in env.server.world.videos.values())


def applied(env: ApplyEnv) -> None:
    results = env.apply()
    assert results is not None and results.ok, results.rows
    assert [s for _, _, s in env.server.request_log if s == 429] == []
    assert env.plan().actions == ()  # converged


def test_synthesia_lifecycle_create_rename_regenerate_delete_and_drift(synthesia: ApplyEnv):
    env = synthesia
    videos = synthesia_videos(3)
    videos["video-00"]["download"] = "out/v0.mp4"
    env.write_videos(videos)
    applied(env)
    state = env.state()
    assert set(state.videos) == {"video-00", "video-01", "video-02"}
    assert titles(env) == ["Video 0", "Video 1", "Video 2"]
    saved = (env.root / "out/v0.mp4").read_bytes()
    assert hashlib.sha256(saved).hexdigest() == state.videos["video-00"].download.sha256
    first_ids = {a: r.id for a, r in state.videos.items()}

    videos["video-01"]["title"] = "Video one"  # a rename, in place (PATCH)
    videos["video-02"]["input"][0]["scriptText"] = "Other words."  # a regenerate
    del videos["video-00"]  # a delete (and its saved file goes with it)
    env.write_videos(videos)
    assert sorted(env.kinds()) == [
        ("video-00", "delete"),
        ("video-01", "rename"),
        ("video-02", "regenerate"),
    ]
    applied(env)
    state = env.state()
    assert state.videos["video-01"].id == first_ids["video-01"]
    assert state.videos["video-02"].id != first_ids["video-02"]
    assert not (env.root / "out/v0.mp4").exists()
    world = env.server.world.videos
    assert world[first_ids["video-01"]].title == "Video one"
    assert first_ids["video-00"] not in world and first_ids["video-02"] not in world

    # drift: renamed outside vidspec, then undone by the next apply
    env.server.world.update(first_ids["video-01"], {"title": "Changed by hand"})
    assert env.kinds() == [("video-01", "rename")]
    applied(env)
    assert world[first_ids["video-01"]].title == "Video one"


def test_heygen_lifecycle_create_regenerate_for_a_new_title_and_delete(heygen: ApplyEnv):
    env = heygen
    videos = heygen_videos(3)
    videos["video-00"]["download"] = "out/v0.mp4"
    env.write_videos(videos)
    applied(env)
    state = env.state()
    assert set(state.videos) == {"video-00", "video-01", "video-02"}
    assert (env.root / "out/v0.mp4").stat().st_size > 0
    first_ids = {a: r.id for a, r in state.videos.items()}

    videos["video-01"]["title"] = "Video one"  # HeyGen cannot rename: a new video
    del videos["video-02"]
    env.write_videos(videos)
    assert sorted(env.kinds()) == [("video-01", "regenerate"), ("video-02", "delete")]
    applied(env)
    state = env.state()
    assert state.videos["video-01"].id != first_ids["video-01"]
    world = env.server.world
    assert first_ids["video-01"] not in world.videos and first_ids["video-02"] not in world.videos

    # drift: deleted outside vidspec, made again by the next apply
    world.delete(state.videos["video-00"].id)
    assert env.kinds() == [("video-00", "create")]
    applied(env)


def test_a_lost_synthesia_answer_is_found_by_its_callback_id(synthesia: ApplyEnv):
    env = synthesia
    env.write_videos(synthesia_videos(1))
    env.server.configure(lose_response_rate=1.0)
    results = env.apply(engine=EngineOptions(wait=False))
    env.server.configure(lose_response_rate=0.0)
    assert results is not None
    (pending,) = env.state().pending
    (made,) = env.server.world.videos.values()
    assert made.callback_id == f"vs:{correlation_key(pending)}"
    # someone makes a video just like it, listed first: the title alone would adopt that one
    impostor = env.server.world.add_video(
        id="00000000-0000-4000-8000-000000000000",
        title=made.title,
        created_at=made.created_at,
        status="complete",
    )
    plan = env.plan()
    (adopt,) = plan.actions
    assert (adopt.kind, adopt.video_id) == ("adopt", made.id)
    applied(env)
    assert env.state().videos["video-00"].id == made.id != impostor.id
    assert env.state().pending == ()


def test_a_lost_heygen_answer_is_replayed_by_its_idempotency_key(heygen: ApplyEnv):
    env = heygen
    env.write_videos(heygen_videos(3))
    env.server.configure(lose_response_rate=0.5)
    results = env.apply()
    env.server.configure(lose_response_rate=0.0)
    assert results is not None and results.ok, results.rows
    # every lost answer was retried with the same key: HeyGen answered the first video again
    assert len(env.server.world.videos) == 3
    assert sorted(r.id for r in env.state().videos.values()) == sorted(env.server.world.videos)
    assert env.plan().actions == ()


# -- limits of every shape, through apply ---------------------------------------------------------


def most_in_any_window(times: list[Any], seconds: float) -> int:
    ordered = sorted(times)
    return max(
        sum(1 for t in ordered[i:] if (t - start).total_seconds() < seconds)
        for i, start in enumerate(ordered)
    )


def test_synthesias_windows_hold_at_once_with_no_429(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the documented shape (a minute, an hour, a day), compressed: 3 per 10 s, 5 per 60 s
    windows = (Rate(3, 10.0), Rate(5, 60.0), Rate(1000, 86400.0))
    limits = Limits(writes=windows, reads=(Rate(600, 60.0),))

    def shrunk(project: Project, environ: Mapping[str, str], clock: Clock) -> Provider:
        caps = dataclasses.replace(
            SYNTHESIA, generation_rate=windows[0], generation_windows=windows[1:]
        )
        key = environ["SYNTHESIA_API_KEY"]
        base = project.provider.base_url
        return SynthesiaProvider(
            api_key=key, base_url=base, clock=clock, capabilities=caps, limits=limits
        )

    for env in make_vendor_env(
        "synthesia",
        tmp_path,
        monkeypatch,
        queue_seconds=1.0,
        processing_seconds=5.0,
        synthesia_write_limits=windows,
    ):
        env.write_videos(synthesia_videos(12))
        recorder = Recorder()
        outcome = apply_project(
            env.project,
            ApplyRequest(),
            env.clock,
            environ=env.environ,
            provider_factory=shrunk,
            reporter=recorder,
        )
        assert outcome.results is not None and outcome.results.ok, outcome.results.rows
        estimate = outcome.work.plan.apply_time
        assert estimate is not None and estimate.rate == Rate(5, 60.0)  # what binds: the minute
        assert [s for _, _, s in env.server.request_log if s == 429] == []
        made = [r.created_at for r in env.server.world.videos.values()]
        assert len(made) == 12
        assert most_in_any_window(made, 10.0) == 3 and most_in_any_window(made, 60.0) == 5
        span = (max(made) - min(made)).total_seconds()
        assert 120.0 <= span <= 125.0  # 5, 5 a minute later, 2 a minute after that
        reasons = {why for _, why, pacing in recorder.of("waiting") if pacing}
        assert "the generation rate limit (5 per 60 s)" in reasons


def test_heygens_cap_on_videos_generating_at_once_with_no_429(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for env in make_vendor_env(
        "heygen",
        tmp_path,
        monkeypatch,
        queue_seconds=1.0,
        processing_seconds=30.0,
        heygen_max_concurrent=3,
    ):
        write_vendor_project(env.root, env.server, extra="")
        text = (env.root / "vidspec.yaml").read_text(encoding="utf-8")
        text = text.replace(
            "api_key: env/HEYGEN_API_KEY}",
            "api_key: env/HEYGEN_API_KEY, options: {concurrency: 3}}",
        )
        (env.root / "vidspec.yaml").write_text(text, encoding="utf-8")
        env.write_videos(heygen_videos(8))
        plan = env.plan()
        assert plan.apply_time is not None and plan.apply_time.concurrency == 3
        recorder = Recorder()
        results = env.apply(reporter=recorder)
        assert results is not None and results.ok, results.rows
        assert [s for _, _, s in env.server.request_log if s == 429] == []
        world = env.server.world.videos.values()
        spans = [(r.created_at, r.created_at + timedelta(seconds=31)) for r in world]
        at_once = max(sum(1 for a, b in spans if a <= t < b) for t, _ in spans)
        assert len(spans) == 8 and at_once == 3
        reasons = {why for _, why, _ in recorder.of("waiting")}
        assert any("3 videos generating at once" in why for why in reasons), reasons
