"""The client's own pacing of Synthesia's windows: every window of every endpoint at once.

Synthesia limits each endpoint by several windows together (writes: 60 a minute, 300 an hour,
1,000 a day; reads: 60 a minute, 20,000 a day) [doc RL]. ``Windows`` holds one
``TokenBucket`` per window and counter (an endpoint, or ``writes`` when writes share their
windows) and gives each call its turn when every bucket of its endpoint has room, waiting on
the injected clock: so a command never meets a 429 of its own making.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from vidspec.core.clock import Clock
from vidspec.providers.pacing import TokenBucket
from vidspec.providers.synthesia.api import Limits

WRITE_METHODS = frozenset({"POST", "PATCH", "DELETE"})


class Windows:
    """Buckets by counter, built on first use."""

    def __init__(self, limits: Limits, clock: Clock) -> None:
        self._limits = limits
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[TokenBucket, ...]] = {}
        self._turns: dict[str, threading.Lock] = {}

    def counter(self, endpoint: str) -> str:
        """What ``endpoint`` (``"POST /v2/videos"``) counts in."""
        write = endpoint.split(" ", 1)[0] in WRITE_METHODS
        return "writes" if write and self._limits.scope == "shared" else endpoint

    def buckets(self, endpoint: str) -> tuple[TokenBucket, ...]:
        counter = self.counter(endpoint)
        with self._lock:
            found = self._buckets.get(counter)
            if found is None:
                write = endpoint.split(" ", 1)[0] in WRITE_METHODS
                rates = self._limits.writes if write else self._limits.reads
                found = tuple(TokenBucket(rate, self._clock) for rate in rates)
                self._buckets[counter] = found
                self._turns[counter] = threading.Lock()
            return found

    def wait_time(self, endpoint: str) -> float:
        """Seconds until a call of ``endpoint`` may start (0.0: now)."""
        return max(bucket.wait_time() for bucket in self.buckets(endpoint))

    @contextlib.contextmanager
    def turn(self, endpoint: str) -> Iterator[None]:
        """One call of ``endpoint``: wait until every window has room, then spend a token in
        each for the call made inside the ``with`` block."""
        buckets = self.buckets(endpoint)
        with contextlib.ExitStack() as spent:
            with self._turns[self.counter(endpoint)]:  # waiting and taking, one call at a time
                wait = self.wait_time(endpoint)
                while wait > 0:
                    self._clock.sleep(wait)
                    wait = self.wait_time(endpoint)
                for bucket in buckets:
                    spent.enter_context(bucket.call())
            yield

    def hold_off(self, endpoint: str, seconds: float) -> None:
        """The service answered 429 for ``endpoint``: no call of it before ``seconds``."""
        for bucket in self.buckets(endpoint):
            bucket.hold_off(seconds)
