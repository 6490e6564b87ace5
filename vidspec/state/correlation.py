"""The correlation key of a create, derived from its write-ahead record (issue 23).

A provider that carries a key with its create (``vidspec.providers.base.KeyedCreator``:
Synthesia's ``callbackId``, HeyGen's ``Idempotency-Key``) is sent this one, so the record alone
tells, in any later command, which video the create made: the listing reports the key, or the
service replays the first answer to a retry with it. Never a second video.
"""

from __future__ import annotations

import hashlib

from vidspec.core.times import format_time
from vidspec.state.model import PendingRecord


def correlation_key(record: PendingRecord) -> str:
    """32 hex characters from the record's address, send time and spec hash."""
    seed = f"{record.address}\n{format_time(record.started_at)}\n{record.spec_hash}"
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:32]
