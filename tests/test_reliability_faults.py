"""Fault injection: 20% of answers are gateway 5xx and 30% of successful creates lose their
answer (a 500 or a dropped connection after the video was made). Repeated applies converge to
exactly the manifest's videos: zero duplicates, zero orphans, and the state parses after every
run. In-process, on one ManualClock shared by the engine and the emulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from apply_env import ApplyEnv, make_env, simple_videos

from vidspec.errors import ProviderError
from vidspec.state import StateStore

FAULTS = {"fail_rate": 0.2, "lose_response_rate": 0.3}


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ApplyEnv]:
    yield from make_env(
        tmp_path, monkeypatch, seed=20261102, queue_seconds=1.0, processing_seconds=4.0
    )


def converge(env: ApplyEnv, *, runs: int = 15) -> tuple[int, int]:
    """Apply under faults until a (fault-free) plan is empty; returns (runs, failed runs)."""
    failed = 0
    for run in range(1, runs + 1):
        env.server.configure(**FAULTS)
        try:
            results = env.apply()
        except ProviderError:
            results = None  # the refresh itself failed after its retries: just run again
        if results is None or not results.ok:
            failed += 1
        StateStore(env.project).load()  # parses (raises StateCorrupt otherwise)
        env.server.configure(fail_rate=0.0, lose_response_rate=0.0)
        plan = env.plan()
        if not plan.actions and not plan.pending:
            return run, failed
        # time for what is in flight to finish, and for unresolved creates to pass the grace
        env.clock.advance(31 * 60)
    raise AssertionError(f"no convergence after {runs} runs: {env.kinds()}")


def names(videos: dict[str, dict[str, Any]]) -> set[str]:
    return {v["video_name"] for v in videos.values()}


def test_repeated_applies_converge_under_faults_without_duplicates(env: ApplyEnv) -> None:
    videos = simple_videos(12)
    env.write_videos(videos)
    _, failed = converge(env)
    assert failed >= 1, "the faults should have bitten at least once"
    env.assert_exactly_the_manifest(names(videos))
    lost = [p for m, p, s in env.server.request_log if m == "POST" and s in (0, 500, 503)]
    assert lost, "some creates lost their answer or met a gateway error"

    # now every kind of change, still under faults
    for n in (0, 1, 2):
        videos[f"video-{n:02d}"]["video_name"] = f"Renamed {n}"
    for n in (3, 4, 5):
        videos[f"video-{n:02d}"]["script"] = f"A new script for video {n}, said differently."
    for n in (6, 7, 8):
        del videos[f"video-{n:02d}"]
    videos.update(simple_videos(3, prefix="extra"))
    env.write_videos(videos)
    converge(env)
    env.assert_exactly_the_manifest(names(videos))
    state = env.state()
    assert all(v.previous == () for v in state.videos.values())
