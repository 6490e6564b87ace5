"""Vidnoz's one-request-a-second pacing: one pacer per API key and clock, shared in-process."""

from __future__ import annotations

import contextlib
import hashlib
import threading
import weakref
from collections.abc import Iterator

from vidspec.core.clock import Clock
from vidspec.providers.vidnoz.api import API


class MinInterval:
    """At least ``seconds`` from the end of one call to the start of the next, on ``clock``.

    One call at a time: the lock is held for the whole call, so threads queue up in turn."""

    def __init__(self, clock: Clock, seconds: float) -> None:
        self._clock = clock
        self._seconds = seconds
        self._lock = threading.Lock()
        self._last_end: float | None = None

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        with self._lock:
            if self._last_end is not None:
                wait = self._last_end + self._seconds - self._clock.monotonic()
                if wait > 0:
                    self._clock.sleep(wait)
            try:
                yield
            finally:
                self._last_end = self._clock.monotonic()


_PACERS: weakref.WeakKeyDictionary[Clock, dict[str, MinInterval]] = weakref.WeakKeyDictionary()
_PACERS_LOCK = threading.Lock()


def shared_pacer(clock: Clock, base_url: str, api_key: str) -> MinInterval:
    """The pacer of ``api_key`` at ``base_url`` on ``clock`` (times of two clocks do not
    compare), made on first use; the key is kept only as a hash."""
    name = hashlib.sha256(f"{base_url}\n{api_key}".encode()).hexdigest()
    with _PACERS_LOCK:
        pacers = _PACERS.setdefault(clock, {})
        if name not in pacers:
            pacers[name] = MinInterval(clock, API.request_interval)
        return pacers[name]
