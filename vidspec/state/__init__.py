"""State: what vidspec has made, stored in ``.vidspec/state.json``.

- ``model``: the immutable ``State`` value and its JSON form (validated on read).
- ``store``: ``StateStore`` (atomic writes, backup, serial/lineage checks, provider check).
- ``lock``: the project lock and the note naming its holder.
"""

from __future__ import annotations

from vidspec.core.times import format_time, humanize_delta, parse_time
from vidspec.state.lock import LockInfo, ProjectLock
from vidspec.state.model import (
    FORMAT_VERSION,
    OUTCOME_SENDING,
    OUTCOME_UNKNOWN,
    DownloadRecord,
    PendingRecord,
    ProviderRef,
    State,
    StateFormatError,
    VideoRecord,
)
from vidspec.state.store import StateStore, display_path, provider_ref

__all__ = [
    "FORMAT_VERSION",
    "OUTCOME_SENDING",
    "OUTCOME_UNKNOWN",
    "DownloadRecord",
    "LockInfo",
    "PendingRecord",
    "ProjectLock",
    "ProviderRef",
    "State",
    "StateFormatError",
    "StateStore",
    "VideoRecord",
    "display_path",
    "format_time",
    "humanize_delta",
    "parse_time",
    "provider_ref",
]
