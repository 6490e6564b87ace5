"""The count of the requests a client sends (``RequestLedger``): every HTTP client (the
providers' and the forges') counts into one, and the month's usage listens to it."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable


class RequestLedger:
    """Counts every request a client sends, by kind ("GET", "POST", ...). Thread-safe.

    ``listener`` (when set) is told of each request as it is sent, so the month's count
    (``.vidspec/usage.json``) keeps the requests of a run that is killed; it returns whether
    it persisted the request, and ``unpersisted`` is what is left for the caller to persist.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._persisted = 0
        self.listener: Callable[[str], bool] | None = None

    def record(self, method: str) -> None:
        with self._lock:
            self._counts[method.upper()] += 1
            listener = self.listener
        if listener is not None and listener(method.upper()):
            with self._lock:
                self._persisted += 1

    @property
    def unpersisted(self) -> int:
        """Requests counted here that no ``listener`` persisted."""
        with self._lock:
            return sum(self._counts.values()) - self._persisted

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self._counts.values())

    def count(self, method: str) -> int:
        with self._lock:
            return self._counts[method.upper()]

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)


__all__ = ["RequestLedger"]
