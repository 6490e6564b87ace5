"""When apply polls: the one schedule the engine follows and the plan's estimate simulates.

Polling by expectation (issue 19 item 6). Each generation in flight is expected ready at its
submission time plus the generation time (``Capabilities.generation_seconds``, then what this
run observes), plus a ``margin`` for the clocks. A round is due:

- at the earliest expected time among the generations in flight, but never sooner than
  ``close`` after the round before (rounds close together while videos are due: one round
  serves every video due by then; a video is seen at most ``close`` after it is ready);
- while none is due yet: ``spacing`` after waiting begins, then three times as long after each
  round, up to ``heartbeat`` (3, 12, 39, 99 s, then once a minute): a few looks, rarely, for a
  service faster than expected (what they see teaches the generation time), a create refused
  at once, a failure, a create whose answer was lost;
- when a video expected by the last round was not seen finished (overdue), ``close`` after
  it, the pause growing by ``growth`` after each round that finished nothing, up to
  ``heartbeat``; a round that finishes something brings it back to ``close``.

Rounds are never closer than ``spacing``. ``close`` is a tenth of the generation time, between
``spacing`` and ``close_max``. The generation time is adapted as videos finish: the median of
what this run observed (the time from a video's submission to the round that saw it
finished: an upper bound of how long it took).

A listing that shows only finished videos says nothing of one absent: its status is asked in
every ``status_every``-th round that found it overdue and absent (to learn a failure the
listing never shows); ``vidspec.engine.waiting.Watcher`` applies that rule.

Pure: times are plain seconds on any monotonic scale; the engine passes its clock's, the
estimate (``vidspec.plan.cost``) simulated ones.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass

POLL_SPACING = 3.0  # seconds at least between two rounds
POLL_HEARTBEAT = 60.0  # a round this often, at least, while nothing is due
POLL_PROBE_GROWTH = 3.0  # the looks before anything is due: 3 s, then 3x longer each time
POLL_CLOSE_MAX = 12.0  # at most this late to see a video that is ready
POLL_GROWTH = 1.5
POLL_MARGIN = 1.0  # a video is looked for this long after it is expected (clocks, latency)
POLL_STATUS_EVERY = 3


@dataclass(frozen=True)
class PollTiming:
    """The schedule's numbers (see the module's docstring)."""

    spacing: float = POLL_SPACING
    heartbeat: float = POLL_HEARTBEAT
    close_max: float = POLL_CLOSE_MAX
    growth: float = POLL_GROWTH
    margin: float = POLL_MARGIN
    status_every: int = POLL_STATUS_EVERY

    def __post_init__(self) -> None:
        if not (0 < self.spacing <= self.close_max <= self.heartbeat) or self.growth < 1:
            raise ValueError("need 0 < spacing <= close_max <= heartbeat and growth >= 1")
        if self.status_every < 1 or self.margin < 0:
            raise ValueError("status_every must be at least 1 and margin not negative")


class Schedule:
    """The rounds of one apply: told when each generation in flight was sent, it says when
    the next round is due, and learns the generation time from what the rounds see."""

    def __init__(self, timing: PollTiming, generation_seconds: float) -> None:
        self.timing = timing
        self._expected = max(0.0, generation_seconds)  # the median observed, once there is one
        self._observed: list[float] = []
        self._since = 0.0  # the last round, or when waiting began
        self._looked: float | None = None  # the last round
        self._look = timing.spacing  # the pause before the next look while nothing is due
        self._overdue_pause: float | None = None  # while a video looked for is not seen

    @property
    def generation_seconds(self) -> float:
        """The generation time expected now: the median observed, until then the given one."""
        return self._expected

    @property
    def close(self) -> float:
        """The pause between rounds while videos are due."""
        t = self.timing
        return min(t.close_max, max(t.spacing, self.generation_seconds / 10))

    def due(self, sent: float) -> float:
        """When a generation sent at ``sent`` is looked for."""
        return sent + self.generation_seconds + self.timing.margin

    def begin(self, now: float) -> None:
        """Waiting begins (again, after nothing was in flight): the heartbeat counts from
        ``now``."""
        self._since = now
        self._overdue_pause = None
        self._look = self.timing.spacing

    def next_round(self, in_flight: Iterable[float]) -> float:
        """When the next round is due, for the generations in flight (sent at ``in_flight``)."""
        t, since, close = self.timing, self._since, self.close
        # the earliest due after the last round (a send time: dues keep the sends' order)
        later = min((sent for sent in in_flight if self.due(sent) > since), default=None)
        upcoming = None if later is None else self.due(later)
        look = since + self._look
        if upcoming is None or upcoming > look + close:
            moment = look  # nothing due before the next look: look
        else:  # one round for what is due within `close` (no look just before a due)
            moment = max(upcoming, since + close)
        if self._overdue_pause is not None:
            moment = min(moment, since + self._overdue_pause)
        return max(since + t.spacing, moment)

    def polled(self, now: float, finished: Iterable[float], in_flight: Iterable[float]) -> None:
        """A round at ``now`` saw the generations sent at ``finished`` finished; those sent at
        ``in_flight`` are not finished (or not seen yet)."""
        expected = self.generation_seconds
        found = 0
        for sent in finished:
            found += 1
            # it took more than `low` (it was not finished at the round before) and at most
            # `high`: the expectation stands if it lies between, else `high` replaces it
            low = self._looked - sent if self._looked is not None else 0.0
            high = now - sent
            self._observed.append(expected if low < expected <= high else high)
        if found:
            self._expected = statistics.median(self._observed)
        self._since = self._looked = now
        self._look = min(self.timing.heartbeat, self._look * POLL_PROBE_GROWTH)
        if not any(self.due(sent) <= now for sent in in_flight):
            self._overdue_pause = None
        elif found or self._overdue_pause is None:
            self._overdue_pause = self.close
        else:
            grown = self._overdue_pause * self.timing.growth
            self._overdue_pause = min(self.timing.heartbeat, grown)
