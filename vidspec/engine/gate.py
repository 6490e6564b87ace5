"""When the engine may make its next call: the provider's pacing (every window, and the cap on
videos generating at once), interruptible sleeps, Ctrl-C.

The provider owns the pacing (``provider.pacing``) and takes every call's turn there; the gate
reads the same buckets first, so the engine sleeps here instead (on the injected clock, in
slices short enough to notice a stop request) and tells the reporter what it waits for.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import TypeVar

from vidspec.core.clock import Clock
from vidspec.engine.progress import ApplyReporter, Progress
from vidspec.engine.results import ApplyResults
from vidspec.providers.limits import concurrency_full
from vidspec.providers.pacing import Pacing

T = TypeVar("T")

_SLICE = 1.0  # longest single sleep, so a stop request is noticed within a second
_REPORTED_WAIT = 1.0  # waits longer than this are reported


class Gate:
    """Waits for the provider's pacing and for nothing else; notices a stop request."""

    def __init__(
        self,
        pacing: Pacing,
        clock: Clock,
        stop: threading.Event,
        reporter: ApplyReporter,
        progress: Callable[[], Progress],
        results: ApplyResults,
        generating: Callable[[], int] = lambda: 0,
    ) -> None:
        self._pacing = pacing
        self._generating = generating  # videos of this run generating now (the flights)
        self._clock = clock
        self._stop = stop
        self._reporter = reporter
        self._progress = progress
        self._results = results
        self._retry_after_sent = False  # whether the last 429 came with a Retry-After

    def call(self, fn: Callable[[], T]) -> T:
        """One provider call, after the wait its request rate asks for (if the service has
        one); the provider takes the call's turn itself."""
        requests = self._pacing.requests
        if requests is not None:
            wait = requests.wait_time()
            if wait > 0:
                self.sleep(wait, f"the request rate limit ({requests.describe()})", pacing=True)
        return fn()

    def generation_wait(self) -> tuple[float, str]:
        """Seconds until the next generation may be sent, and what they wait for: every
        window of the pacing, and (inf) while the videos generating fill the service's cap
        (a finished one, seen by polling, frees its slot)."""
        limits = self._pacing.limits
        if concurrency_full(limits, self._generating()):
            return math.inf, f"a free slot ({limits.concurrency} videos generating at once)"
        generations = self._pacing.generations
        wait = generations.wait_time()
        if generations.held_off:
            why = "the service asked to slow down (HTTP 429" + (
                " Retry-After)" if self._retry_after_sent else ")"
            )
        else:
            why = f"the generation rate limit ({generations.describe()})"
        requests = self._pacing.requests
        if requests is not None and requests.wait_time() > wait:
            wait = requests.wait_time()
            why = f"the request rate limit ({requests.describe()})"
        return wait, why

    def hold_off(self, seconds: float, *, retry_after_sent: bool) -> None:
        """The service refused a generation with a 429: none before ``seconds`` from now
        (its ``Retry-After`` when it sent one, which the wait message then names)."""
        self._pacing.generations.hold_off(seconds)
        self._retry_after_sent = retry_after_sent

    def sleep(self, seconds: float, why: str, *, pacing: bool) -> None:
        reported = seconds > _REPORTED_WAIT
        if reported:
            self._reporter.waiting(seconds, why, self._progress(), pacing=pacing)
        end = self._clock.monotonic() + seconds
        while not self._stop.is_set():
            left = end - self._clock.monotonic()
            if left <= 0:
                return
            self._clock.sleep(min(left, _SLICE))
            if reported:  # a live display ticks every second of a long wait
                left = max(0.0, end - self._clock.monotonic())
                self._reporter.ticking(left, why, self._progress())

    def stopping(self) -> bool:
        """True (and the run marked interrupted) once a stop was asked for."""
        if self._stop.is_set():
            self._results.interrupted = True
            return True
        return False
