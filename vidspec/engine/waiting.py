"""Waiting for generations to finish, with the fewest requests.

When to poll is ``vidspec.plan.polling.Schedule`` (by expectation: each video is looked for
when it should be ready; the plan's estimate simulates the same schedule); ``PollSchedule``
runs it on the engine's clock over the flights in flight.

One listing call per round answers for every video in flight: a video in the listing as done
(or failed) is finished; a video absent from it is, as far as the listing can tell, still
generating (a service may list a video only once it is made). Per-task status calls are the
fallback for what the listing cannot answer, and stay rare:

- once a listing has shown a task in flight, the listing evidently includes tasks, so an id
  absent from it has ended some other way (failed, canceled, deleted): ask its status at once;
- otherwise, ask the status of an id only in every ``status_every``-th round that finds it
  overdue (expected by then) and absent (to learn a failure the listing never shows);
- a video the listing shows as failed without a reason: ask its status once, for the reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from vidspec.core.clock import Clock
from vidspec.core.videos import RemoteVideo, TaskState
from vidspec.plan.polling import PollTiming, Schedule


@dataclass(frozen=True)
class WaitPolicy:
    """How apply waits. ``timing``: when rounds are due (``vidspec.plan.polling``).
    ``lost_create_wait``: how long after a create whose answer was lost apply keeps looking
    for its video in the listing (after that, the next plan resolves it). ``max_wait``: give
    up waiting (the videos stay recorded as generating). ``listing_failures``: rounds in a row
    whose listing failed before apply stops waiting."""

    timing: PollTiming = field(default_factory=PollTiming)
    lost_create_wait: float = 300.0
    max_wait: float = 2 * 3600.0
    listing_failures: int = 3

    def __post_init__(self) -> None:
        if self.listing_failures < 1:
            raise ValueError("listing_failures must be at least 1")


class PollSchedule:
    """When the next round is due: the polling ``Schedule`` on the engine's clock, for the
    generations ``in_flight`` gives (when each was sent, on the clock's monotonic scale)."""

    def __init__(
        self,
        policy: WaitPolicy,
        clock: Clock,
        generation_seconds: float,
        in_flight: Callable[[], Iterable[float]],
    ) -> None:
        self._schedule = Schedule(policy.timing, generation_seconds)
        self._clock = clock
        self._in_flight = in_flight
        self._waiting = False
        self.started: float | None = None

    def start(self) -> None:
        """Begin waiting (no-op when already waiting)."""
        if not self._waiting:
            now = self._clock.monotonic()
            self._schedule.begin(now)
            self._waiting = True
            if self.started is None:
                self.started = now

    @property
    def waiting(self) -> bool:
        return self._waiting

    def wait_time(self) -> float:
        if not self._waiting:
            return float("inf")
        due = self._schedule.next_round(self._in_flight())
        return max(0.0, due - self._clock.monotonic())

    def polled(self, finished: Iterable[float] = ()) -> None:
        """A round happened; it saw the generations sent at ``finished`` finished (the
        flights still in flight are the others)."""
        self._schedule.polled(self._clock.monotonic(), finished, self._in_flight())

    def overdue(self, sent: float) -> bool:
        """Whether a generation sent at ``sent`` should be ready by now."""
        return self._schedule.due(sent) <= self._clock.monotonic()

    def stop(self) -> None:
        """Nothing in flight any more; a later ``start`` waits afresh."""
        self._waiting = False

    def waited(self) -> float:
        return 0.0 if self.started is None else self._clock.monotonic() - self.started


@dataclass
class Round:
    """What one round learned. ``seen``: videos (of the ids asked about) the listing or a status
    call reported; ``gone``: ids the service no longer knows; ``listing``: the whole listing."""

    listing: list[RemoteVideo]
    seen: dict[str, RemoteVideo] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    status_calls: int = 0


class Watcher:
    """Learns, round by round, what became of the ids in flight."""

    def __init__(self, policy: WaitPolicy) -> None:
        self._policy = policy
        self._absent: Counter[str] = Counter()  # rounds that found an id overdue and absent
        self.listing_shows_tasks = False
        self.rounds = 0

    def round(
        self,
        ids: Collection[str],
        list_videos: Callable[[], list[RemoteVideo]],
        status: Callable[[Sequence[str]], dict[str, RemoteVideo]],
        overdue: Callable[[str], bool] = lambda _: True,
    ) -> Round:
        """One round for ``ids``; ``overdue(id)``: whether that video should be ready by now."""
        listing = list_videos()
        self.rounds += 1
        if any(v.state.in_flight for v in listing):
            self.listing_shows_tasks = True
        by_id = {v.id: v for v in listing}
        result = Round(listing, seen={i: by_id[i] for i in ids if i in by_id})
        ask = []
        for video_id in (i for i in ids if i not in by_id):
            if self.listing_shows_tasks:
                ask.append(video_id)
            elif overdue(video_id):
                self._absent[video_id] += 1
                if self._absent[video_id] % self._policy.timing.status_every == 0:
                    ask.append(video_id)
        ask += [i for i, v in result.seen.items() if v.state is TaskState.FAILED and not v.message]
        if ask:
            found = status(ask)
            result.status_calls = len(ask)
            for video_id in ask:
                if video_id not in found:
                    if video_id not in result.seen:
                        result.gone.add(video_id)
                elif video_id not in result.seen or found[video_id].state.finished:
                    result.seen[video_id] = found[video_id]
        return result

    def forget(self, video_id: str) -> None:
        self._absent.pop(video_id, None)


@dataclass(frozen=True)
class EngineOptions:
    """``wait``: poll until generations finish (``--no-wait``: False). ``fail_fast``: start
    nothing new after the first failure. ``rate_limited_retries``: 429s on one create before
    it counts as failed. ``clock_skew``: tolerance when matching a lost create's video by its
    creation time (as the planner does)."""

    wait: bool = True
    fail_fast: bool = False
    policy: WaitPolicy = field(default_factory=WaitPolicy)
    rate_limited_retries: int = 20
    clock_skew: timedelta = timedelta(minutes=2)
