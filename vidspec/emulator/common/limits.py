"""Request limits on the emulator's clock: a sliding window, several windows at once, and a
calendar-month counter.

Both read an injected ``Clock``, so a test that advances a ``ManualClock`` sees windows open
and months turn without sleeping. They only count; what a refusal looks like on the wire is
the emulated service's business.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Sequence
from datetime import datetime

from vidspec.core.clock import Clock
from vidspec.core.rate import Rate


class SlidingWindow:
    """At most ``rate.count`` accepted calls in any ``rate.seconds`` (monotonic clock).

    A refused call is not counted: a client that waits ``retry_after`` gets through.
    """

    def __init__(self, rate: Rate, clock: Clock) -> None:
        self._clock = clock
        self._rate = rate
        self._times: deque[float] = deque()
        self._lock = threading.Lock()

    def set_rate(self, rate: Rate) -> None:
        with self._lock:
            self._rate = rate

    def acquire(self) -> int | None:
        """Count one call and return ``None``, or return the whole seconds to wait."""
        with self._lock:
            now = self._clock.monotonic()
            window = self._rate.seconds
            while self._times and self._times[0] <= now - window:
                self._times.popleft()
            if len(self._times) >= self._rate.count:
                oldest = self._times[len(self._times) - self._rate.count]
                return max(1, math.ceil(oldest + window - now))
            self._times.append(now)
            return None


class SlidingWindows:
    """Several sliding windows over the same calls (60 a minute *and* 1,000 a day): a call is
    accepted when every window has room, and then counted in all of them. No windows: no limit.

    A refused call is counted in none: a client that waits ``retry_after`` gets through.
    """

    def __init__(self, rates: Sequence[Rate], clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._rates: tuple[Rate, ...] = ()
        self._times: list[deque[float]] = []
        self.set_rates(rates)

    def set_rates(self, rates: Sequence[Rate]) -> None:
        """Take new windows (calls already counted stay counted where the window is kept)."""
        with self._lock:
            if tuple(rates) != self._rates:
                kept = dict(zip(self._rates, self._times, strict=True))
                self._rates = tuple(rates)
                self._times = [kept.get(rate, deque()) for rate in self._rates]

    def acquire(self) -> int | None:
        """Count one call and return ``None``, or return the whole seconds to wait (for the
        window that frees last)."""
        refused = self.admit()
        return None if refused is None else refused[1]

    def admit(self) -> tuple[Rate, int] | None:
        """Count one call and return ``None``, or return the window that frees last and the
        whole seconds until it does (at least 1): what a 429 names (Synthesia's
        ``RateLimit-Limit`` and ``RateLimit-Reset``). A window of 0 calls refuses every call
        for its whole length."""
        with self._lock:
            now = self._clock.monotonic()
            last: tuple[Rate, float] | None = None
            for rate, times in zip(self._rates, self._times, strict=True):
                while times and times[0] <= now - rate.seconds:
                    times.popleft()
                if len(times) >= rate.count:
                    frees = times[len(times) - rate.count] if rate.count else now
                    wait = frees + rate.seconds - now
                    if last is None or wait > last[1]:
                        last = (rate, wait)
            if last is not None:
                return last[0], max(1, math.ceil(last[1]))
            for times in self._times:
                times.append(now)
            return None


def month_key(moment: datetime) -> str:
    """``YYYY-MM`` of a UTC moment: the calendar month a monthly cap counts in."""
    return f"{moment.year:04d}-{moment.month:02d}"


class MonthlyCounter:
    """Counts calls per calendar month of the clock's ``now()``; restarts when the month turns."""

    def __init__(self, clock: Clock, month: str | None = None, count: int = 0) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._month = month or month_key(clock.now())
        self._count = count

    def add(self) -> int:
        """Count one call; return the count this month including it."""
        with self._lock:
            self._roll()
            self._count += 1
            return self._count

    @property
    def count(self) -> int:
        with self._lock:
            self._roll()
            return self._count

    def snapshot(self) -> dict[str, object]:
        with self._lock:
            self._roll()
            return {"month": self._month, "count": self._count}

    def _roll(self) -> None:
        current = month_key(self._clock.now())
        if current != self._month:
            self._month, self._count = current, 0
