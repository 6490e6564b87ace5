"""The month's API request count beside a state kept in S3: ``<key>.usage``.

Same document as the local ``.vidspec/usage.json`` (``{"2026-11": 312}``), but shared by every
runner of the backend, so two CI jobs count one month together. Updated by read-modify-write
with the same conditional writes as the state (``If-Match`` the version read, ``If-None-Match:
*`` for the first); a runner that loses the race reads again and adds again, so no count is
lost. The count is vidspec's estimate; the service's own counter is the authority.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime

from vidspec.core.errors import BackendError, StateCorrupt
from vidspec.state.s3objects import ConditionFailed, S3Objects, StoredObject
from vidspec.state.usage import month_key

ATTEMPTS = 20  # read-modify-write rounds before giving up on a contended count


class S3Usage:
    """The per-month request count in ``s3://bucket/<key>.usage``."""

    def __init__(self, objects: S3Objects, key: str) -> None:
        self.objects = objects
        self.key = key

    def used(self, now: datetime) -> int:
        return self.counts().get(month_key(now), 0)

    def counts(self) -> dict[str, int]:
        return self._parse(self.objects.get(self.key))

    def add(self, count: int, now: datetime, *, durable: bool = True) -> int:
        del durable  # an S3 write is durable once it is answered
        if count < 0:
            raise ValueError("a request count cannot be negative")
        key = month_key(now)
        if count == 0:
            return self.used(now)

        def plus(counts: dict[str, int]) -> dict[str, int]:
            counts[key] = counts.get(key, 0) + count
            return counts

        return self._update(plus)[key]

    def merge(self, counts: Mapping[str, int]) -> None:
        def raised(current: dict[str, int]) -> dict[str, int]:
            for month, value in counts.items():
                current[month] = max(current.get(month, 0), value)
            return current

        self._update(raised)

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
