"""Fault injection: 20% of answers are gateway 5xx and 30% of successful creates lose their
answer (a 500 or a dropped connection after the video was made). Repeated applies converge to
exactly the manifest's videos: zero duplicates, zero orphans, and the state parses after every
run. In-process, on one ManualClock shared by the engine and the emulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_env import (
    ApplyEnv,
    change_every_kind,
    converge,
    make_env,
    simple_videos,
    video_names,
)

pytestmark = pytest.mark.slow  # real processes and clock; see pyproject


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ApplyEnv]:
    yield from make_env(
        tmp_path, monkeypatch, seed=20261102, queue_seconds=1.0, processing_seconds=4.0
    )


def test_repeated_applies_converge_under_faults_without_duplicates(env: ApplyEnv) -> None:
    videos = simple_videos(12)
    env.write_videos(videos)
    _, failed = converge(env)
    assert failed >= 1, "the faults should have bitten at least once"
    env.assert_exactly_the_manifest(video_names(videos))
    lost = [p for m, p, s in env.server.request_log if m == "POST" and s in (0, 500, 503)]
    assert lost, "some creates lost their answer or met a gateway error"

    # now every kind of change, still under faults
    change_every_kind(videos)
    env.write_videos(videos)
    converge(env)
    env.assert_exactly_the_manifest(video_names(videos))
    state = env.state()
    assert all(v.previous == () for v in state.videos.values())
