"""The month's API request count beside a state kept in S3: ``<key>.usage``.

Same document as the local ``.vidspec/usage.json`` (``{"2026-11": 312}``), but shared by every
runner of the backend, so two CI jobs count one month together. Updated by read-modify-write
with the same conditional writes as the state (``If-Match`` the version read, ``If-None-Match:
*`` for the first); a runner that loses the race reads again and adds again, so no count is
lost. The count is vidspec's estimate; the service's own counter is the authority.

Counted in memory, written in batches (issue 19 item 8): each provider request used to cost
two S3 requests (a GET and a conditional PUT). ``add(..., durable=False)`` (a request as it is
sent) only counts; what is counted is written (``flush``) once ``FLUSH_EVERY`` seconds have
passed since the last write, when the command releases the lock, when it counts its requests
at its end (``durable=True``), and so before it exits, also on SIGINT or SIGTERM (the CLI turns
both into an exception, so these run). A killed runner (SIGKILL) loses at most the last
``FLUSH_EVERY`` seconds of its count.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import datetime

from vidspec.core.errors import BackendError, StateCorrupt, VidspecError
from vidspec.state.s3objects import ConditionFailed, S3Objects, StoredObject
from vidspec.state.usage import month_key

ATTEMPTS = 20  # read-modify-write rounds before giving up on a contended count
FLUSH_EVERY = 30.0  # seconds a count may wait in memory while requests go on


class S3Usage:
    """The per-month request count in ``s3://bucket/<key>.usage``, counted in memory and
    written in batches (see the module's docstring). Thread-safe: requests are counted from
    the threads that send them."""

    def __init__(self, objects: S3Objects, key: str) -> None:
        self.objects = objects
        self.key = key
        self._lock = threading.RLock()
        self._pending: Counter[str] = Counter()  # counted here, not written yet
        self._known: dict[str, int] | None = None  # the counts this runner read or wrote last
        self._since: datetime | None = None  # the first count not written yet

    def used(self, now: datetime) -> int:
        """The month's count: as this runner last read or wrote it, with what it counted since
        (one GET when it has read nothing yet)."""
        month = month_key(now)
        with self._lock:
            if self._known is None:
                self._known = self._parse(self.objects.get(self.key))
            return self._known.get(month, 0) + self._pending[month]

    def counts(self) -> dict[str, int]:
        return self._parse(self.objects.get(self.key))

    def add(self, count: int, now: datetime, *, durable: bool = True) -> int:
        """Count ``count`` requests in the month of ``now``: in memory (written when
        ``FLUSH_EVERY`` seconds have passed since the first count not written), or written now
        with ``durable``. Returns the month's count as far as this runner knows it."""
        if count < 0:
            raise ValueError("a request count cannot be negative")
        month = month_key(now)
        with self._lock:
            self._pending[month] += count
            if self._since is None and count:
                self._since = now
            due = self._since is not None and (now - self._since).total_seconds() >= FLUSH_EVERY
            if durable:
                self.flush()
                return self.used(now)
            if due:
                with contextlib.suppress(VidspecError):  # kept; written at the next chance
                    self.flush()
            known = self._known or {}
            return known.get(month, 0) + self._pending[month]

    def flush(self) -> None:
        """Write what was counted since the last write (a conditional read-modify-write; a
        ``BackendError`` leaves it counted, to be written at the next chance)."""
        with self._lock:
            pending = {month: n for month, n in self._pending.items() if n}
            if not pending:
                return

            def plus(counts: dict[str, int]) -> dict[str, int]:
                for month, count in pending.items():
                    counts[month] = counts.get(month, 0) + count
                return counts

            self._known = self._update(plus)
            self._pending.clear()
            self._since = None

    def merge(self, counts: Mapping[str, int]) -> None:
        def raised(current: dict[str, int]) -> dict[str, int]:
            for month, value in counts.items():
                current[month] = max(current.get(month, 0), value)
            return current

        with self._lock:
            self._known = self._update(raised)

    def _update(self, change: Callable[[dict[str, int]], dict[str, int]]) -> dict[str, int]:
        for _ in range(ATTEMPTS):
            found = self.objects.get(self.key)
            counts = change(self._parse(found))
            body = (json.dumps(counts, indent=2, sort_keys=True) + "\n").encode()
            try:
                if found is None:
                    self.objects.put(self.key, body, if_none_match=True)
                else:
                    self.objects.put(self.key, body, if_match=found.etag)
            except ConditionFailed:
                continue  # another runner counted meanwhile: read its count and add again
            return counts
        raise BackendError(
            f"{self.objects.url(self.key)}: the request count changed under this command "
            f"{ATTEMPTS} times in a row; it was not updated.",
            "Many runners are counting at once; run the command again.",
        )

    def _parse(self, found: StoredObject | None) -> dict[str, int]:
        if found is None:
            return {}
        try:
            data = json.loads(found.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            data = None
        if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and v >= 0
            for k, v in data.items()
        ):
            raise StateCorrupt(
                f'{self.objects.url(self.key)} is not a map of month to count, like {{"2026-11": '
                f"312}}",
                "It only holds the count of API requests per month; delete the object to start "
                "counting from zero (the service's own count is not affected).",
            )
        return dict(data)


__all__ = ["S3Usage"]
