"""The apply engine against the CDNvideo emulator (loopback HTTP, one shared ManualClock):
order, regenerate safety, partial failure, fail-fast, persistence, lost answers, Ctrl-C."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from apply_env import TOKEN, ApplyEnv, Recorder, make_env, simple_videos

from vidspec.app.apply import ApplyRequest, apply_session
from vidspec.core.videos import TaskState
from vidspec.engine import ApplyInput, EngineOptions, Outcome
from vidspec.plan.planner import plan as pure_plan
from vidspec.project.loader import load_desired
from vidspec.providers.cdnvideo.api import CAPABILITIES
from vidspec.state import OUTCOME_UNKNOWN


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ApplyEnv]:
    yield from make_env(tmp_path, monkeypatch)


def posts(env: ApplyEnv, since: int = 0) -> int:
    return sum(1 for m, p, _ in env.server.request_log[since:] if m == "POST")


def rows(results: object) -> dict[tuple[str, str], tuple[Outcome, str]]:
    return {(r.address, r.kind): (r.outcome, r.detail) for r in results.rows}  # type: ignore[attr-defined]


# --- creating -----------------------------------------------------------------------------------


def test_creates_are_recorded_as_done_and_the_next_plan_is_empty(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(3))
    results = env.apply()
    assert results is not None and results.ok
    assert [(r.address, r.outcome) for r in results.rows] == [
        ("video-00", Outcome.DONE),
        ("video-01", Outcome.DONE),
        ("video-02", Outcome.DONE),
    ]
    state = env.state()
    assert {a: v.status for a, v in state.videos.items()} == dict.fromkeys(
        ("video-00", "video-01", "video-02"), TaskState.DONE
    )
    assert set(state.managed_ids()) == set(env.server.world.videos)
    assert state.pending == ()
    assert posts(env) == 3
    # one listing call per round answered for all three; no per-task status call
    assert results.stats.status_calls == 0
    assert results.stats.listing_calls <= 2
    assert env.plan().actions == ()
    env.assert_exactly_the_manifest({"Video 0", "Video 1", "Video 2"})


def test_every_request_is_counted_in_the_months_usage(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(2))
    env.apply()
    usage = json.loads((env.root / ".vidspec" / "usage.json").read_text())
    assert list(usage.values()) == [env.server.world.requests_this_month]


def test_order_is_renames_and_deletes_first_then_generations(env: ApplyEnv) -> None:
    videos = simple_videos(3)
    env.write_videos(videos)
    env.apply()
    old_ids = {a: v.id for a, v in env.state().videos.items()}
    videos["video-00"]["script"] = "A new script for the first video, with different words."
    videos["video-01"]["video_name"] = "Video one, renamed"
    del videos["video-02"]
    videos["video-03"] = {"video_name": "Video 3", "script": "The third video, new today."}
    env.write_videos(videos)
    mark = len(env.server.request_log)
    results = env.apply()
    assert results is not None and results.ok, results
    calls = [(m, p.rsplit("/", 2)[-2:]) for m, p, _ in env.server.request_log[mark:]]
    kinds = [m for m, _ in calls if m != "GET"]
    # rename, delete of the removed video, then the two generations, then (once the new
    # video-00 is done) the delete of its old video
    assert kinds == ["PATCH", "DELETE", "POST", "POST", "DELETE"]
    assert calls[-1] == ("DELETE", ["videos", old_ids["video-00"]])
    state = env.state()
    assert state.videos["video-00"].id != old_ids["video-00"]
    assert state.videos["video-00"].previous == ()
    assert old_ids["video-00"] not in env.server.world.videos
    assert env.plan().actions == ()
    env.assert_exactly_the_manifest({"Video 0", "Video one, renamed", "Video 3"})


def test_delete_first_when_create_before_destroy_is_false(env: ApplyEnv) -> None:
    videos = simple_videos(1)
    videos["video-00"]["lifecycle"] = {"create_before_destroy": False}
    env.write_videos(videos)
    env.apply()
    old = env.state().videos["video-00"].id
    videos["video-00"]["script"] = "Replaced, the old one goes first."
    env.write_videos(videos)
    mark = len(env.server.request_log)
    results = env.apply()
    assert results is not None and results.ok
    kinds = [(m, p.rsplit("/", 1)[-1]) for m, p, _ in env.server.request_log[mark:] if m != "GET"]
    assert kinds == [("DELETE", old), ("POST", "generate")]
    assert env.plan().actions == ()


def test_a_failed_regenerate_keeps_the_old_video_managed(env: ApplyEnv) -> None:
    videos = simple_videos(2)
    env.write_videos(videos)
    env.apply()
    before = env.state().videos["video-00"]
    videos["video-00"]["script"] = "This replacement will be canceled in the vendor's UI."
    env.write_videos(videos)

    class CancelNew(Recorder):
        def submitted(self, address: str, video_id: str, progress: object) -> None:
            super().submitted(address, video_id, progress)  # type: ignore[arg-type]
            env.server.world.cancel(video_id)

    results = env.apply(reporter=CancelNew())
    assert results is not None
    outcome, detail = rows(results)[("video-00", "regenerate")]
    assert outcome is Outcome.FAILED
    assert detail == "task canceled; the old video stays"
    after = env.state().videos["video-00"]
    assert after.id == before.id and after.spec == before.spec
    assert before.id in env.server.world.videos  # never deleted
    # the next plan is exactly what is left: the regenerate again (and the canceled task,
    # which the listing does not show, is dropped from the state)
    assert sorted(env.kinds()) == [("video-00", "forget"), ("video-00", "regenerate")]
    results = env.apply()
    assert results is not None and results.ok
    assert env.plan().actions == ()
    env.assert_exactly_the_manifest({"Video 0", "Video 1"})


# --- partial failure ------------------------------------------------------------------------


def _plan_without_catalog(env: ApplyEnv) -> ApplyInput:
    """A plan made without the catalog check (as ``plan --no-refresh`` would), so a video the
    service refuses reaches the engine."""
    project = env.project
    desired = load_desired(project)
    state = env.state()
    plan = pure_plan(desired, state, [], None, CAPABILITIES, env.clock.now())
    return ApplyInput(plan=plan, state=state, desired=desired, remote=())


def _run(env: ApplyEnv, work: ApplyInput, **options: object) -> object:
    with apply_session(
        env.project,
        command="test",
        lock_timeout=0,
        clock=env.clock,
        environ={"CDN_TOKEN": TOKEN},
    ) as session:
        return session.execute(work, options=EngineOptions(**options))  # type: ignore[arg-type]


def test_one_refused_create_does_not_stop_the_others(env: ApplyEnv) -> None:
    videos = simple_videos(3)
    videos["video-01"]["voice"] = "Nobody"
    env.write_videos(videos)
    results = _run(env, _plan_without_catalog(env))
    table = rows(results)
    assert table[("video-00", "create")][0] is Outcome.DONE
    assert table[("video-02", "create")][0] is Outcome.DONE
    outcome, detail = table[("video-01", "create")]
    assert outcome is Outcome.FAILED
    assert "Nobody" in detail
    assert env.state().pending == ()  # refused: nothing was made, nothing is pending
    # the next plan is exactly what is left (the catalog now refuses it at its line)
    videos["video-01"]["voice"] = "Sara"
    env.write_videos(videos)
    assert env.kinds() == [("video-01", "create")]


def test_fail_fast_starts_nothing_after_the_first_failure(env: ApplyEnv) -> None:
    videos = simple_videos(3)
    videos["video-00"]["voice"] = "Nobody"
    env.write_videos(videos)
    results = _run(env, _plan_without_catalog(env), fail_fast=True)
    assert [(r.address, r.outcome) for r in results.rows] == [  # type: ignore[attr-defined]
        ("video-00", Outcome.FAILED),
        ("video-01", Outcome.NOT_ATTEMPTED),
        ("video-02", Outcome.NOT_ATTEMPTED),
    ]
    assert posts(env) == 1


# --- lost answers ---------------------------------------------------------------------------


def test_a_lost_answer_is_pending_then_adopted_from_the_listing(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(1))
    env.server.configure(lose_response_rate=1.0)
    recorder = Recorder()
    results = env.apply(reporter=recorder)
    env.server.configure(lose_response_rate=0.0)
    assert results is not None and results.ok, results.rows
    assert posts(env) == 1  # never sent twice
    (video_id,) = env.server.world.videos
    assert env.state().videos["video-00"].id == video_id
    assert env.state().pending == ()
    assert recorder.of("submitted") == [("video-00", video_id)]
    env.assert_exactly_the_manifest({"Video 0"})


def test_a_lost_answer_with_no_wait_is_resolved_by_the_next_apply(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(2))
    env.server.configure(lose_response_rate=1.0)
    results = env.apply(engine=EngineOptions(wait=False))
    env.server.configure(lose_response_rate=0.0)
    assert results is not None
    assert {r.outcome for r in results.rows} == {Outcome.FAILED}
    state = env.state()
    assert [(p.address, p.outcome) for p in state.pending] == [
        ("video-00", OUTCOME_UNKNOWN),
        ("video-01", OUTCOME_UNKNOWN),
    ]
    assert state.videos == {}
    env.clock.advance(10)  # the videos are generated meanwhile
    assert env.kinds() == [("video-00", "adopt"), ("video-01", "adopt")]
    results = env.apply()
    assert results is not None and results.ok
    assert posts(env) == 2
    env.assert_exactly_the_manifest({"Video 0", "Video 1"})


def test_a_create_that_never_happened_is_sent_again_only_after_the_grace(
    env: ApplyEnv,
) -> None:
    env.write_videos(simple_videos(1))
    with apply_session(
        env.project, command="t", lock_timeout=0, clock=env.clock, environ={"CDN_TOKEN": TOKEN}
    ) as session:
        work = session.plan(ApplyRequest())
        env.server.configure(fail_rate=1.0)  # the gateway fails before the service sees it
        results = session.execute(work, options=EngineOptions(wait=False))
    env.server.configure(fail_rate=0.0)
    assert [r.outcome for r in results.rows] == [Outcome.FAILED]
    assert env.server.world.videos == {}
    # inside the grace the address waits: never a second paid video for an unknown outcome
    assert env.plan().actions == ()
    assert [p.state for p in env.plan().pending] == ["unknown"]
    env.clock.advance(31 * 60)
    assert [(a.kind, a.reason) for a in env.plan().actions] == [
        ("create", "previous create's outcome unknown; not found in listing")
    ]
    results = env.apply()
    assert results is not None and results.ok
    env.assert_exactly_the_manifest({"Video 0"})


# --- Ctrl-C -------------------------------------------------------------------------------------


def test_ctrl_c_stops_new_calls_and_records_what_was_sent(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(3))
    stop = threading.Event()

    class PressCtrlC(Recorder):
        def submitted(self, address: str, video_id: str, progress: object) -> None:
            super().submitted(address, video_id, progress)  # type: ignore[arg-type]
            stop.set()

    with apply_session(
        env.project,
        command="t",
        lock_timeout=0,
        clock=env.clock,
        environ={"CDN_TOKEN": TOKEN},
    ) as session:
        work = session.plan(ApplyRequest())
        results = session.execute(work, reporter=PressCtrlC(), stop=stop)
    assert results.interrupted
    assert [(r.address, r.outcome) for r in results.rows] == [
        ("video-00", Outcome.SUBMITTED),
        ("video-01", Outcome.NOT_ATTEMPTED),
        ("video-02", Outcome.NOT_ATTEMPTED),
    ]
    assert posts(env) == 1
    state = env.state()
    assert list(state.videos) == ["video-00"]
    assert state.videos["video-00"].status is TaskState.QUEUED
    plan = env.plan()
    assert [p.address for p in plan.pending] == ["video-00"]  # in flight, not created again
    assert env.kinds(plan) == [("video-01", "create"), ("video-02", "create")]


def test_a_keyboard_interrupt_inside_the_engine_is_recorded_too(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(2))

    class Interrupt(Recorder):
        def submitted(self, address: str, video_id: str, progress: object) -> None:
            raise KeyboardInterrupt

    results = env.apply(reporter=Interrupt())
    assert results is not None and results.interrupted
    assert {r.outcome for r in results.rows} == {Outcome.SUBMITTED, Outcome.NOT_ATTEMPTED}
    assert list(env.state().videos) == ["video-00"]
    usage = json.loads((env.root / ".vidspec" / "usage.json").read_text())
    assert list(usage.values()) == [env.server.world.requests_this_month]


def test_no_wait_records_videos_as_generating(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(2))
    results = env.apply(engine=EngineOptions(wait=False))
    assert results is not None and results.ok
    assert {r.outcome for r in results.rows} == {Outcome.SUBMITTED}
    assert {v.status for v in env.state().videos.values()} == {TaskState.QUEUED}
    assert env.plan().actions == ()
    env.clock.advance(timedelta(minutes=1).total_seconds())
    assert env.plan().actions == ()
    env.assert_exactly_the_manifest({"Video 0", "Video 1"})


def test_removing_a_video_mid_regenerate_deletes_the_old_one_too(env: ApplyEnv) -> None:
    """A regenerate sent with --no-wait keeps the old video in the state until the new one is
    done; if the video leaves the manifests before that, both go: never an orphan."""
    videos = simple_videos(2)
    env.write_videos(videos)
    env.apply()
    old = env.state().videos["video-00"].id
    videos["video-00"]["script"] = "A new take, still generating when it is removed."
    env.write_videos(videos)
    env.apply(engine=EngineOptions(wait=False))
    record = env.state().videos["video-00"]
    assert record.previous == (old,) and record.status is TaskState.QUEUED
    del videos["video-00"]
    env.write_videos(videos)
    assert sorted(env.kinds()) == [("video-00", "delete"), ("video-00", "delete")]
    results = env.apply()
    assert results is not None and results.ok
    assert env.plan().actions == ()
    env.assert_exactly_the_manifest({"Video 1"})
