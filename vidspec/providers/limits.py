"""Generation limits of every shape, as one pure model: the engine's gate and the plan's
estimate both run it, so the pace apply keeps and the time the plan announces cannot drift.

A service limits generations by any of:

- **windows**, several at once (Synthesia: 60 a minute AND 300 an hour AND 1,000 a day);
- **concurrency**: at most N videos generating at once (HeyGen: 10 on pay-as-you-go);
- both, or one single rate (CDNvideo's 10 a minute is one window).

``Window`` is one "at most N per S seconds" limit with the times passed in (no clock): a call
takes a token when it starts and the token comes back ``S`` seconds after the call *ended*
(see ``vidspec.providers.pacing.TokenBucket``, which runs it on the injected clock). ``Windows``
is every window of a limit at once: a call may start when each has room.
``send_moments`` runs the same ``Windows`` with the concurrency rule on simulated time, for
the plan (``vidspec.plan.duration``, ``vidspec.plan.cost``). Pure: numbers in, numbers out.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from vidspec.core.rate import Rate

__all__ = [
    "GenerationLimits",
    "Window",
    "Windows",
    "binding_limit",
    "concurrency_full",
    "send_moments",
]


@dataclass(frozen=True)
class GenerationLimits:
    """Every limit on sending generations: all ``windows`` hold at once, and at most
    ``concurrency`` videos may be generating at once (``None``: no such cap)."""

    windows: tuple[Rate, ...] = ()
    concurrency: int | None = None

    def describe(self) -> str:
        """``60/60s + 300/3600s``, ``10 at once``: for messages and ``vidspec providers``."""
        parts = [str(rate) for rate in self.windows]
        if self.concurrency is not None:
            parts.append(f"{self.concurrency} at once")
        return " + ".join(parts) or "none"


class Window:
    """One "at most ``rate.count`` per ``rate.seconds``" limit; times are passed in."""

    def __init__(self, rate: Rate) -> None:
        if rate.count < 1 or not rate.seconds > 0:
            raise ValueError(f"a rate needs at least 1 call per positive window, not {rate}")
        self.rate = rate
        self._returns: deque[float] = deque()  # when each used token comes back, in order
        self._running = 0  # calls started and not ended: their tokens are not on the way back
        self._not_before = -math.inf

    def wait(self, now: float) -> float:
        """Seconds from ``now`` until a call may start (0.0: now; inf: only a running call's
        end can free a token)."""
        while self._returns and self._returns[0] <= now:
            self._returns.popleft()
        wait = 0.0
        if len(self._returns) + self._running >= self.rate.count:
            wait = self._returns[0] - now if self._returns else math.inf
        return max(0.0, wait, self._not_before - now)

    def start(self) -> None:
        """A call starts: it holds a token (the service counts it from now on)."""
        self._running += 1

    def end(self, now: float) -> None:
        """A call ended at ``now``: its token comes back one window later."""
        self._running = max(0, self._running - 1)
        self._returns.append(now + self.rate.seconds)

    def hold_off(self, now: float, seconds: float) -> None:
        """No call before ``seconds`` after ``now`` (a 429's wait)."""
        self._not_before = max(self._not_before, now + max(0.0, seconds))

    def held_off(self, now: float) -> bool:
        return self._not_before > now


class Windows:
    """Several windows at once: a call may start when every one has room."""

    def __init__(self, rates: Iterable[Rate]) -> None:
        self.windows = tuple(Window(rate) for rate in rates)
        if not self.windows:
            raise ValueError("at least one window is needed")

    def wait(self, now: float) -> float:
        return max(window.wait(now) for window in self.windows)

    def binding(self, now: float) -> Rate:
        """The window that keeps the next call waiting longest (the first when none does)."""
        return max(self.windows, key=lambda w: w.wait(now)).rate

    def start(self) -> None:
        for window in self.windows:
            window.start()

    def end(self, now: float) -> None:
        for window in self.windows:
            window.end(now)

    def hold_off(self, now: float, seconds: float) -> None:
        for window in self.windows:
            window.hold_off(now, seconds)

    def held_off(self, now: float) -> bool:
        return any(window.held_off(now) for window in self.windows)


def concurrency_full(limits: GenerationLimits, generating: int) -> bool:
    """True when ``generating`` videos fill the cap: no generation may start before one ends."""
    return limits.concurrency is not None and generating >= limits.concurrency


def send_moments(
    generations: int, limits: GenerationLimits, generation_seconds: float
) -> list[float]:
    """When ``generations`` POSTs go out (seconds after the first), each one's video taking
    ``generation_seconds``: the windows as the engine's buckets run them (a POST's token comes
    back a window after it), and a slot of ``concurrency`` freed when a video finishes."""
    if len(limits.windows) == 1 and limits.concurrency is None:  # one rate: a closed form
        rate = limits.windows[0]
        return [(n // rate.count) * rate.seconds for n in range(generations)]
    windows = Windows(limits.windows) if limits.windows else None
    took = max(0.0, generation_seconds)
    finishing: list[float] = []  # when each video generating now is done (a heap)
    now, moments = 0.0, []
    for _ in range(generations):
        while True:
            while finishing and finishing[0] <= now:
                heapq.heappop(finishing)
            wait = windows.wait(now) if windows is not None else 0.0
            if concurrency_full(limits, len(finishing)):
                wait = max(wait, finishing[0] - now)
            if wait <= 0:
                break
            now += wait
        if windows is not None:
            windows.start()
            windows.end(now)
        moments.append(now)
        heapq.heappush(finishing, now + took)
    return moments


def binding_limit(
    generations: int, limits: GenerationLimits, generation_seconds: float
) -> Rate | int | None:
    """The limit that sets how long ``generations`` take: the window (a ``Rate``) or the
    concurrency (an ``int``) that alone would take longest; ``None`` when none holds back."""
    if generations <= 1:
        return None
    last = generations - 1  # the last POST of a limit alone waits for this many before it
    alone: list[tuple[float, Rate | int]] = [
        ((last // rate.count) * rate.seconds, rate) for rate in limits.windows
    ]
    if limits.concurrency is not None:
        took = max(0.0, generation_seconds)
        alone.append(((last // limits.concurrency) * took, limits.concurrency))
    slowest = max(alone, key=lambda pair: pair[0], default=None)
    return None if slowest is None or slowest[0] <= 0 else slowest[1]
