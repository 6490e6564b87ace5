"""State: what vidspec has made, stored in ``.vidspec/state.json``.

- ``model``: the immutable ``State`` value and its JSON form (validated on read).
- ``backend``: the ``StateStore`` protocol every backend implements; ``backends`` picks one.
- ``store``: ``LocalStateStore`` (atomic writes, backup, serial/lineage checks, provider check).
- ``s3store`` (+ ``s3lock``, ``s3usage``, ``s3objects``): the state in an S3-compatible store.
- ``guard``: the write rules every store applies (``check_write``, ``check_not_stranded``).
- the lock is ``vidspec.core.lock`` (the emulator's data directories use it too).
- ``transfer``: ``state pull/push/migrate``; ``probe``: ``backend check``.

May import ``http`` and ``core`` only: a sibling of ``project``, ``providers``, ``forges`` and
``emulator``; the project's settings reach it as values.
"""

from __future__ import annotations

from vidspec.core.lock import LockInfo, ProjectLock
from vidspec.core.times import format_time, humanize_delta, parse_time
from vidspec.state.backend import StateStore, UsageCounter
from vidspec.state.backends import backend_name, open_state_store
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
from vidspec.state.store import LocalStateStore, provider_ref

__all__ = [
    "FORMAT_VERSION",
    "OUTCOME_SENDING",
    "OUTCOME_UNKNOWN",
    "DownloadRecord",
    "LocalStateStore",
    "LockInfo",
    "PendingRecord",
    "ProjectLock",
    "ProviderRef",
    "State",
    "StateFormatError",
    "StateStore",
    "UsageCounter",
    "VideoRecord",
    "backend_name",
    "format_time",
    "humanize_delta",
    "open_state_store",
    "parse_time",
    "provider_ref",
]
