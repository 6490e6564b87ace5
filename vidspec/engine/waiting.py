"""Waiting for generations to finish, with the fewest requests.

One listing call per round answers for every video in flight: a video in the listing as done
(or failed) is finished; a video absent from it is, as far as the listing can tell, still
generating (a service may list a video only once it is made). Per-task status calls are the
fallback for what the listing cannot answer, and stay rare:

- once a listing has shown a task in flight, the listing evidently includes tasks, so an id
  absent from it has ended some other way (failed, canceled, deleted): ask its status at once;
- otherwise, ask the status of ids still absent only every ``status_every`` rounds (to learn
  a failure the listing never shows);
- a video the listing shows as failed without a reason: ask its status once, for the reason.

Rounds start ``first_interval`` seconds after waiting begins; the pause grows by ``growth``
after each round that finished nothing, up to ``max_interval`` (a round that finished
something keeps the pace). All on the injected clock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

from vidspec.core.clock import Clock
from vidspec.plan.cost import (
    POLL_FIRST_INTERVAL,
    POLL_GROWTH,
    POLL_MAX_INTERVAL,
    POLL_STATUS_EVERY,
)
from vidspec.providers.base import RemoteVideo, TaskState


@dataclass(frozen=True)
class WaitPolicy:
    """How apply waits. ``lost_create_wait``: how long after a create whose answer was lost
    apply keeps looking for its video in the listing (after that, the next plan resolves it).
    ``max_wait``: give up waiting (the videos stay recorded as generating).
    ``listing_failures``: rounds in a row whose listing failed before apply stops waiting."""

    first_interval: float = POLL_FIRST_INTERVAL
    growth: float = POLL_GROWTH
    max_interval: float = POLL_MAX_INTERVAL
    status_every: int = POLL_STATUS_EVERY
    lost_create_wait: float = 300.0
    max_wait: float = 2 * 3600.0
    listing_failures: int = 3

    def __post_init__(self) -> None:
        if not (0 < self.first_interval <= self.max_interval) or self.growth < 1:
            raise ValueError("intervals must grow from a positive first one to the maximum")
        if self.status_every < 1 or self.listing_failures < 1:
            raise ValueError("status_every and listing_failures must be at least 1")


class PollSchedule:
    """When the next round is due."""

    def __init__(self, policy: WaitPolicy, clock: Clock) -> None:
        self._policy = policy
        self._clock = clock
        self._interval = policy.first_interval
        self._next: float | None = None
        self.started: float | None = None

    def start(self) -> None:
        """Begin waiting (no-op when already waiting): the first round is one interval away."""
        if self._next is None:
            now = self._clock.monotonic()
            self._next = now + self._interval
            if self.started is None:
                self.started = now

    @property
    def waiting(self) -> bool:
        return self._next is not None

    def wait_time(self) -> float:
        if self._next is None:
            return float("inf")
        return max(0.0, self._next - self._clock.monotonic())

    def polled(self, progressed: bool) -> None:
        """A round happened; ``progressed``: it finished something."""
        if not progressed:
            self._interval = min(self._policy.max_interval, self._interval * self._policy.growth)
        self._next = self._clock.monotonic() + self._interval

    def stop(self) -> None:
        """Nothing in flight any more; a later ``start`` begins from the first interval."""
        self._next = None
        self._interval = self._policy.first_interval

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
        self._absent: Counter[str] = Counter()
        self.listing_shows_tasks = False
        self.rounds = 0

    def round(
        self,
        ids: Collection[str],
        list_videos: Callable[[], list[RemoteVideo]],
        status: Callable[[Sequence[str]], dict[str, RemoteVideo]],
    ) -> Round:
        listing = list_videos()
        self.rounds += 1
        if any(v.state.in_flight for v in listing):
            self.listing_shows_tasks = True
        by_id = {v.id: v for v in listing}
        result = Round(listing, seen={i: by_id[i] for i in ids if i in by_id})
        absent = [i for i in ids if i not in by_id]
        for video_id in absent:
            self._absent[video_id] += 1
        ask = [
            i
            for i in absent
            if self.listing_shows_tasks or self._absent[i] % self._policy.status_every == 0
        ]
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
