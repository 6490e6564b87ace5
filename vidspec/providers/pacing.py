"""Request pacing: ``Pacing`` (one per provider instance) over ``TokenBucket``.

``TokenBucket`` keeps calls inside a limit of the form "at most N per window" (CDNvideo: 10
generation POSTs a minute; Vidnoz: 1 call a second). It only computes.

``Pacing`` is the one place a command paces its calls: the provider instance owns it (one
provider per command, so the plan's refresh and apply's calls share it) and every call the
client sends takes its turn there, sleeping on the injected ``Clock`` when it must. The apply
engine reads the same buckets' wait times first, so it can sleep interruptibly, say what it
waits for, and poll other work meanwhile.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence

from vidspec.core.clock import Clock
from vidspec.core.rate import Rate
from vidspec.providers.limits import GenerationLimits, Windows

__all__ = ["Pacing", "TokenBucket"]


class TokenBucket:
    """At most ``rate.count`` calls in any ``rate.seconds`` (and as much for each of ``also``:
    several windows at once), on an injected clock: ``vidspec.providers.limits.Windows`` run
    on the clock, the same model the plan's estimate runs on simulated time.

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

    def __init__(self, rate: Rate, clock: Clock, *, also: Sequence[Rate] = ()) -> None:
        self.rate = rate
        self._windows = Windows((rate, *also))
        self._clock = clock
        self._lock = threading.Lock()

    def wait_time(self) -> float:
        """Seconds until a call may start (0.0: now)."""
        with self._lock:
            return self._windows.wait(self._clock.monotonic())

    @property
    def held_off(self) -> bool:
        """True while a ``hold_off`` is what keeps the next call waiting."""
        with self._lock:
            return self._windows.held_off(self._clock.monotonic())

    @contextlib.contextmanager
    def call(self) -> Iterator[None]:
        """Spend a token on the call made inside the ``with`` block. Wait for ``wait_time()``
        first; a call started early still counts (the bucket never refuses, it only tells)."""
        with self._lock:
            self._windows.start()
        try:
            yield
        finally:
            with self._lock:
                self._windows.end(self._clock.monotonic())

    def hold_off(self, seconds: float) -> None:
        """No call before ``seconds`` from now (a 429's ``Retry-After``)."""
        with self._lock:
            self._windows.hold_off(self._clock.monotonic(), seconds)

    def describe(self) -> str:
        """``10 per 60 s``: the limit as a wait message names it (with several windows, the
        one that keeps the next call waiting longest)."""
        with self._lock:
            rate = self._windows.binding(self._clock.monotonic())
        return f"{rate.count} per {rate.seconds:g} s"


class Pacing:
    """The limits of one provider instance: generations (``generation_rate``, or every window
    of ``limits``) and, when the service limits every call, requests (``request_rate``). One
    call at a time takes its turn (``request()``, ``generation()``); a turn waits on the clock
    until its bucket allows it."""

    def __init__(
        self,
        generation_rate: Rate,
        request_rate: Rate | None,
        clock: Clock,
        *,
        limits: GenerationLimits | None = None,
    ) -> None:
        """``limits``: every limit on generations (``Capabilities.limits``); by default the
        one window ``generation_rate``. The engine's gate reads ``limits.concurrency``."""
        self.limits = limits or GenerationLimits((generation_rate,))
        windows = self.limits.windows or (generation_rate,)
        self.generations = TokenBucket(windows[0], clock, also=windows[1:])
        self.requests = TokenBucket(request_rate, clock) if request_rate is not None else None
        self._clock = clock
        self._turn = threading.Lock()  # one paced call at a time: tokens of a running call
        self._generation_turn = threading.Lock()  # are not back yet, so a second one waits

    def request_wait(self) -> float:
        """Seconds until the next call may start (0.0: now, or no request limit)."""
        return 0.0 if self.requests is None else self.requests.wait_time()

    @contextlib.contextmanager
    def request(self) -> Iterator[None]:
        """One API call, inside ``request_rate`` (no wait when the service has none)."""
        if self.requests is None:
            yield
            return
        with self._turn, self._spend(self.requests):
            yield

    @contextlib.contextmanager
    def generation(self) -> Iterator[None]:
        """One generation request, inside ``generation_rate``."""
        with self._generation_turn, self._spend(self.generations):
            yield

    @contextlib.contextmanager
    def _spend(self, bucket: TokenBucket) -> Iterator[None]:
        wait = bucket.wait_time()
        while wait > 0:
            self._clock.sleep(wait)
            wait = bucket.wait_time()
        with bucket.call():
            yield
