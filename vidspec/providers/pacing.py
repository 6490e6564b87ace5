"""Request pacing (``TokenBucket``) and the monthly request ledger (``MonthlyUsage``).

``TokenBucket`` keeps calls inside a limit of the form "at most N per window" (CDNvideo: 10
generation POSTs a minute; Vidnoz: 1 call a second). It only computes: the apply engine asks
how long to wait, sleeps on its injected ``Clock`` (so it can poll other work meanwhile), and
tells the bucket when a call starts and ends.

``MonthlyUsage`` counts the API requests this project has spent per UTC month, in
``.vidspec/usage.json`` (local, git-ignored, so a ``plan`` in CI leaves tracked files alone)::

    {"2026-11": 312}

Every command that talks to the provider adds each request as it is sent (``open_provider``;
a killed run's requests still count), and at its end whatever could not be added then
(``plan`` and ``apply`` alike), so the plan's cost line can say "312 of 1500 used this month"
and refuse a plan that would go over the cap. The count is what *this* project spent from this
machine; the service's own counter is the authority, this is the best local estimate.
"""

from __future__ import annotations

import contextlib
import json
import math
import threading
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path

import filelock

from vidspec.core.atomic import atomic_write_text
from vidspec.core.clock import Clock
from vidspec.core.errors import StateCorrupt, StateError
from vidspec.providers.base import Rate

__all__ = ["MonthlyUsage", "TokenBucket", "month_key"]


class TokenBucket:
    """At most ``rate.count`` calls in any ``rate.seconds``, on an injected clock.

    The bucket holds ``rate.count`` tokens. A call takes one when it starts, and the token
    comes back ``rate.seconds`` after the call *ended* (its answer arrived). Two choices make
    this match a service that counts calls in a sliding window:

    - tokens come back one window after use, not continuously: a continuously refilled bucket
      of N tokens lets 2N calls through in one window (a full bucket, then N refills);
    - the window starts when the answer arrives, which is after the service counted the call,
      so network jitter can never squeeze N + 1 calls into the service's window.

    ``hold_off(seconds)``: the service said "retry after" (HTTP 429): no call before then.
    Thread-safe, though the engine uses it from one thread.
    """

    def __init__(self, rate: Rate, clock: Clock) -> None:
        if rate.count < 1 or not rate.seconds > 0:
            raise ValueError(f"a rate needs at least 1 call per positive window, not {rate}")
        self.rate = rate
        self._clock = clock
        self._lock = threading.Lock()
        self._returns: list[float] = []  # when each used token comes back (inf: call running)
        self._not_before = -math.inf

    def wait_time(self) -> float:
        """Seconds until a call may start (0.0: now)."""
        with self._lock:
            now = self._clock.monotonic()
            self._returns = [t for t in self._returns if t > now]
            wait = 0.0
            if len(self._returns) >= self.rate.count:
                wait = min(self._returns) - now
            return max(0.0, wait, self._not_before - now)

    @property
    def held_off(self) -> bool:
        """True while a ``hold_off`` is what keeps the next call waiting."""
        with self._lock:
            return self._not_before > self._clock.monotonic()

    @contextlib.contextmanager
    def call(self) -> Iterator[None]:
        """Spend a token on the call made inside the ``with`` block. Wait for ``wait_time()``
        first; a call started early still counts (the bucket never refuses, it only tells)."""
        with self._lock:
            self._returns.append(math.inf)
        try:
            yield
        finally:
            with self._lock:
                self._returns.remove(math.inf)
                self._returns.append(self._clock.monotonic() + self.rate.seconds)

    def hold_off(self, seconds: float) -> None:
        """No call before ``seconds`` from now (a 429's ``Retry-After``)."""
        with self._lock:
            self._not_before = max(self._not_before, self._clock.monotonic() + max(0.0, seconds))

    def describe(self) -> str:
        """``10 per 60 s``: the limit as a wait message names it."""
        return f"{self.rate.count} per {self.rate.seconds:g} s"


def month_key(now: datetime) -> str:
    """``2026-11``: the UTC month ``now`` falls in."""
    return now.astimezone(timezone.utc).strftime("%Y-%m")


class MonthlyUsage:
    """The per-month request count in ``path``. Read-modify-write under its own small lock,
    so a plan and an apply running side by side do not lose each other's counts."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # "lock.usage" beside it: matched by the `.vidspec/lock*` line `vidspec init` ignores.
        self._lock_path = path.with_name("lock.usage")

    def used(self, now: datetime) -> int:
        """Requests counted for the month of ``now`` (0 when the file does not exist)."""
        return self._read().get(month_key(now), 0)

    def add(self, count: int, now: datetime, *, durable: bool = True) -> int:
        """Add ``count`` requests to the month of ``now``; returns that month's new total.
        ``durable=False``: no fsync (a count written after each request, see ``open_provider``)."""
        if count < 0:
            raise ValueError("a request count cannot be negative")
        key = month_key(now)
        if count == 0:
            return self.used(now)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with filelock.FileLock(str(self._lock_path), timeout=30):
                counts = self._read()
                counts[key] = counts.get(key, 0) + count
                text = json.dumps(counts, indent=2, sort_keys=True) + "\n"
                atomic_write_text(self.path, text, durable=durable)
        except filelock.Timeout as exc:
            raise StateError(
                f"{self._lock_path} stayed locked for 30 seconds",
                "Another vidspec process is updating the request count; try again.",
            ) from exc
        except OSError as exc:
            raise StateError(f"cannot write {self.path}: {exc.strerror or exc}") from exc
        return counts[key]

    def counts(self) -> dict[str, int]:
        """Every month's count."""
        return self._read()

    def merge(self, counts: Mapping[str, int]) -> None:
        """Raise each month to at least ``counts[month]`` (``state migrate``; never lowers)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with filelock.FileLock(str(self._lock_path), timeout=30):
                current = self._read()
                for month, value in counts.items():
                    current[month] = max(current.get(month, 0), value)
                atomic_write_text(self.path, json.dumps(current, indent=2, sort_keys=True) + "\n")
        except filelock.Timeout as exc:
            raise StateError(f"{self._lock_path} stayed locked for 30 seconds") from exc
        except OSError as exc:
            raise StateError(f"cannot write {self.path}: {exc.strerror or exc}") from exc

    def _read(self) -> dict[str, int]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as exc:
            raise self._corrupt(f"cannot be read ({exc})") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise self._corrupt(f"is not valid JSON ({exc.msg}, line {exc.lineno})") from exc
        except RecursionError as exc:  # thousands of nested brackets
            raise self._corrupt("is not a map of month to count: it is nested too deeply") from exc
        if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and v >= 0
            for k, v in data.items()
        ):
            raise self._corrupt('is not a map of month to count, like {"2026-11": 312}')
        return dict(data)

    def _corrupt(self, what: str) -> StateCorrupt:
        return StateCorrupt(
            f"{self.path} {what}",
            "It only holds this machine's count of API requests per month; delete it to start "
            "counting from zero (the service's own count is not affected).",
        )
