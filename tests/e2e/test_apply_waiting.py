"""Waiting for generations with the fewest requests: one listing call per round, rounds when
videos should be ready (issue 19), per-task status only for what the listing cannot answer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_env import ApplyEnv, Recorder, make_env, simple_videos

from vidspec.core.clock import ManualClock
from vidspec.engine import EngineOptions, Outcome, WaitPolicy
from vidspec.engine.waiting import PollSchedule


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ApplyEnv]:
    yield from make_env(tmp_path, monkeypatch)


def calls(env: ApplyEnv, method: str, kind: str, since: int = 0) -> int:
    return sum(
        1
        for m, p, _ in env.server.request_log[since:]
        if m == method and p.split("/accounts/acme/")[-1].split("/")[0] == kind
    )


def test_the_engine_polls_on_the_schedule_of_the_flights_in_flight() -> None:
    """``PollSchedule`` runs ``vidspec.plan.polling.Schedule`` on the engine's clock: rounds
    when the videos in flight should be ready (``tests/unit/test_polling.py`` has the rules)."""
    clock = ManualClock()
    sent: list[float] = [clock.monotonic()]
    schedule = PollSchedule(WaitPolicy(), clock, 120.0, lambda: sent)
    assert schedule.wait_time() == float("inf")  # not waiting yet
    schedule.start()
    gaps = []
    for _ in range(3):
        gaps.append(schedule.wait_time())
        clock.advance(gaps[-1])
        schedule.polled()
    # looks at 3, 12 and 39 s while none is due, three times as long each time
    assert gaps == [3.0, 9.0, 27.0]
    clock.advance(99.0 - 39.0)
    schedule.polled()
    assert schedule.wait_time() == 22.0  # at 99 s: next, when the video is due (121 s)
    clock.advance(22.0)
    schedule.polled()
    assert schedule.overdue(sent[0]) and not schedule.overdue(clock.monotonic())
    assert schedule.wait_time() == 12.0  # not there yet: a tenth of its time later
    schedule.stop()
    schedule.start()
    assert schedule.wait_time() == 3.0  # a new wait starts with a look soon


def test_slow_videos_one_listing_per_round_and_rare_status_calls(env: ApplyEnv) -> None:
    """Videos of five minutes where CDNvideo's two were expected: one listing call per
    round; looked for closely once due, the pause growing while they are late; the status
    of a late video the listing does not show is asked in every third round that finds it
    late."""
    env.server.configure(queue_seconds=60.0, processing_seconds=240.0)  # five minutes each
    env.write_videos(simple_videos(4))
    mark = len(env.server.request_log)
    results = env.apply()
    assert results is not None and results.ok
    stats = results.stats
    assert calls(env, "POST", "generate", mark) == 4
    # the plan's refresh lists once; every round after that is exactly one listing call
    assert calls(env, "GET", "videos", mark) == 1 + stats.listing_calls
    rounds = [round(t, 1) for t in stats.poll_times]  # seconds since the POSTs went
    assert rounds == [3.0, 12.0, 39.0, 99.0, 121.0, 133.0, 151.0, 178.0, 218.5, 278.5, 338.5]
    # late from 121 s: asked in the third (151 s) and the sixth (278.5 s) late round
    assert stats.status_calls == 4 * 2
    assert calls(env, "GET", "tasks", mark) == stats.status_calls


def test_with_tasks_in_the_listing_no_status_call_is_needed(env: ApplyEnv) -> None:
    env.server.configure(list_in_progress=True, queue_seconds=30.0, processing_seconds=90.0)
    env.write_videos(simple_videos(3))
    mark = len(env.server.request_log)
    results = env.apply()
    assert results is not None and results.ok
    assert results.stats.status_calls == 0
    assert calls(env, "GET", "tasks", mark) == 0


def test_a_task_that_vanishes_is_asked_about_and_reported(env: ApplyEnv) -> None:
    env.server.configure(list_in_progress=True, queue_seconds=30.0, processing_seconds=30.0)
    env.write_videos(simple_videos(2))

    class CancelFirst(Recorder):
        def submitted(self, address: str, video_id: str, progress: object) -> None:
            if address == "video-00":
                env.server.world.cancel(video_id)

    results = env.apply(reporter=CancelFirst())
    assert results is not None
    first = results.rows[0]
    assert (first.address, first.outcome, first.detail) == (
        "video-00",
        Outcome.FAILED,
        "task canceled",
    )
    assert results.rows[1].outcome is Outcome.DONE
    # a canceled task is never listed: once the listing had shown tasks, its absence was
    # asked about at once (one status call), not waited for
    assert results.stats.status_calls == 1
    assert [(a, k) for a, k in env.kinds()] == [("video-00", "create")]


def test_giving_up_after_max_wait_leaves_the_video_recorded_as_generating(
    env: ApplyEnv,
) -> None:
    env.server.configure(queue_seconds=3600.0 * 3)
    env.write_videos(simple_videos(1))
    policy = WaitPolicy(max_wait=600.0)
    results = env.apply(engine=EngineOptions(policy=policy))
    assert results is not None
    (row,) = results.rows
    assert row.outcome is Outcome.FAILED
    assert row.detail.endswith(
        "still generating after waiting 10 minutes; the next plan shows it in flight"
    )
    plan = env.plan()
    assert plan.actions == () and [p.address for p in plan.pending] == ["video-00"]


def test_polling_pauses_are_reported_but_not_as_pacing(env: ApplyEnv) -> None:
    env.server.configure(queue_seconds=0.0, processing_seconds=30.0)
    env.write_videos(simple_videos(2))
    recorder = Recorder()
    env.apply(reporter=recorder)
    polls = [(s, r) for s, r, pacing in recorder.of("waiting") if not pacing]
    assert polls and all(r == "2 videos to finish" for _, r in polls)
