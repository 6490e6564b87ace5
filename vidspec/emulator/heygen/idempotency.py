"""``Idempotency-Key``: a retried create gets the first answer again, never a second video.

What HeyGen documents [doc CHG May 2026; IDEM]: "subsequent calls within 24 hours that share
this key replay the original response — even if the request body differs slightly"; "a retry
that arrives while the original is still in flight gets a 409 ``request_in_progress``"; the
key is 1–255 characters of ``[A-Za-z0-9_:.-]``; its scope is the endpoint and its path
parameters (``POST /v3/templates/{id}`` keys are the template's). Choices where it is silent
[vidspec]:

- only successful answers are stored and replayed (a 4xx or 429 is answered afresh: nothing
  was made, so the retry may make it); a replay is the stored body with HTTP 200 and the
  header ``Idempotent-Replayed: true``, whatever the retry's body;
- the original is "in flight" for ``heygen_create_seconds`` after it arrived (the emulator
  answers at once; this is how long a client that lost the answer would find the server still
  at work); a retry meanwhile is 409 without ``Retry-After`` (none is documented);
- a malformed key is 400 ``invalid_parameter`` with ``param`` ``Idempotency-Key``;
- keys are kept ``heygen_idempotency_seconds`` (24 h) from the first request, in the data
  directory beside the videos, so a restart keeps them.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from vidspec.emulator.common.server import Reply, Runtime
from vidspec.emulator.heygen.errors import CONFLICT, HeygenError, invalid, request_id

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
DOC = "heygen-idempotency"
_KEY = re.compile(r"[A-Za-z0-9_:.\-]{1,255}")


@dataclass(frozen=True)
class Entry:
    """The first answer to a key, and when the request that made it is done."""

    first_at: datetime
    ready_at: datetime
    body: Any


class Replays:
    """The keys seen in the last ``heygen_idempotency_seconds``, by (scope, key)."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, str], Entry] = {}
        stored = runtime.store.load(DOC) or {}
        for item in stored.get("entries", []):
            self._entries[(item["scope"], item["key"])] = Entry(
                datetime.fromisoformat(item["first_at"]),
                datetime.fromisoformat(item["ready_at"]),
                item["body"],
            )

    @staticmethod
    def key_of(header: str | None) -> str | None:
        """The request's key (``None``: none sent), or 400 for a malformed one."""
        if header is None:
            return None
        if not _KEY.fullmatch(header):
            raise invalid(
                HEADER, f"{HEADER} must be 1 to 255 characters of letters, digits and _:.-"
            )
        return header

    def replay(self, scope: str, key: str) -> Reply | None:
        """The stored answer to ``key`` (409 while its request is in flight), or ``None``
        when the key is new (or expired)."""
        now = self._runtime.clock.now()
        with self._lock:
            self._expire(now)
            entry = self._entries.get((scope, key))
        if entry is None:
            return None
        if now < entry.ready_at:
            raise HeygenError(
                CONFLICT,
                "request_in_progress",
                f"a request with this {HEADER} is still in progress; retry later",
            )
        headers = (("X-Request-Id", request_id()), (REPLAYED, "true"))
        return Reply.json(200, entry.body, headers=headers)

    def remember(self, scope: str, key: str, body: Any) -> None:
        """Keep the successful answer ``body`` to ``key``."""
        now = self._runtime.clock.now()
        busy = timedelta(seconds=self._runtime.settings.heygen_create_seconds)
        with self._lock:
            self._entries[(scope, key)] = Entry(now, now + busy, body)
            self._save()

    def _expire(self, now: datetime) -> None:
        keep = timedelta(seconds=self._runtime.settings.heygen_idempotency_seconds)
        old = [k for k, e in self._entries.items() if e.first_at + keep <= now]
        for k in old:
            del self._entries[k]
        if old:
            self._save()

    def _save(self) -> None:
        if not self._runtime.store.enabled:
            return
        entries = [
            {
                "scope": scope,
                "key": key,
                "first_at": e.first_at.isoformat(),
                "ready_at": e.ready_at.isoformat(),
                "body": e.body,
            }
            for (scope, key), e in self._entries.items()
        ]
        self._runtime.store.save(DOC, {"format": 1, "entries": entries})
