"""``StateStore``: where a project's state lives, as the commands see it (the local file or S3).

Modelled on Terraform's ``statemgr``: small capabilities every backend implements (read,
write, lock, count usage), so no command knows which backend it holds. Two implementations:
``LocalStateStore`` (``vidspec/state/store.py``: the file, an OS lock) and ``S3StateStore``
(``vidspec/state/s3store.py``: an object written with ``If-Match``, a lock object created with
``If-None-Match: *``). ``open_state_store`` (``vidspec/state/backends.py``) picks one from
vidspec.yaml.

The contract every backend keeps:

- ``load()`` returns the stored state (a missing one is a new empty state, not written) and
  remembers the version it read; ``save(state)`` writes only under the lock, only over that
  version (a state that changed since is refused with ``StateConflict`` or ``StateError``,
  never overwritten), bumps the serial, refuses another lineage, and keeps the previous
  version as the backup first; unchanged content writes nothing.
- ``replace_with(state)`` writes ``state`` exactly as given (lineage and serial kept), under
  the same lock, condition and backup: ``state push`` and ``state migrate`` decide when that
  is allowed (``vidspec/state/transfer.py``).
- ``usage()`` is the month's request count beside the state, in the same backend.

Room to grow: a write-ahead journal of apply's small changes (so a write costs O(change))
fits as more objects (or files) beside the state, each created once (``If-None-Match: *`` in
S3), folded into the state by ``save``; nothing here assumes the state is one blob per write.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import Protocol

from vidspec.core.lock import LockInfo
from vidspec.core.statesettings import S3State
from vidspec.state.model import ProviderRef, State
from vidspec.state.store import Project


class BackendProject(Project, Protocol):
    """What choosing and opening a backend reads of a project (``vidspec.project.config.
    Project`` is one): the project directory and ``state:`` when it is the S3 mapping."""

    @property
    def root(self) -> Path: ...

    @property
    def state_backend(self) -> S3State | None: ...


class UsageCounter(Protocol):
    """API requests spent per UTC month (``{"2026-11": 312}``), shared by every runner of the
    backend. ``add`` is a read-modify-write that never loses a concurrent runner's count."""

    def used(self, now: datetime) -> int:
        """Requests counted for the month of ``now``."""
        ...

    def add(self, count: int, now: datetime, *, durable: bool = True) -> int:
        """Add ``count`` to the month of ``now``; returns that month's new total.
        ``durable=False``: a cheaper write where the backend has one (the local file: no
        fsync; S3: counted in memory, written by ``flush`` within 30 s)."""
        ...

    def flush(self) -> None:
        """Write whatever ``add(..., durable=False)`` kept in memory (the command's end, the
        lock's release)."""
        ...

    def counts(self) -> dict[str, int]:
        """Every month's count (for ``state migrate``)."""
        ...

    def merge(self, counts: Mapping[str, int]) -> None:
        """Raise each month to at least ``counts[month]`` (``state migrate``: never lowers)."""
        ...


class StateStore(Protocol):
    """A project's state, its backup, its lock and its usage count, in one backend."""

    expected: ProviderRef

    @property
    def location(self) -> str:
        """How messages name the state: ``.vidspec/state.json`` or ``s3://bucket/key``."""
        ...

    @property
    def backup_location(self) -> str:
        """Where the previous version is kept (``state.json.backup``, ``<key>.backup``)."""
        ...

    def lock(self, command: str, timeout: float = 0.0) -> AbstractContextManager[LockInfo]:
        """Hold the lock for ``command``; ``LockHeld`` naming the holder after ``timeout``."""
        ...

    @property
    def holds_lock(self) -> bool:
        """True while this store's ``lock()`` is held by this process."""
        ...

    def lock_holder(self) -> LockInfo | None:
        """Who holds the lock now, with its ID (``None``: free). A lock whose note cannot be
        read has an ID all the same, derived from the lock itself (``LockInfo.unreadable``
        says why the holder is unknown)."""
        ...

    def force_unlock(self, lock_id: str) -> LockInfo:
        """Break the lock with ID ``lock_id``, only while it is still that version; refuses
        any other ID."""
        ...

    def exists(self) -> bool:
        """True when a state has been written."""
        ...

    def load(self) -> State:
        """The stored state (or a new empty one); ``StateMismatch`` for another provider."""
        ...

    def save(self, state: State) -> State:
        """Write ``state`` (serial + 1) if its content changed; returns what is stored."""
        ...

    def replace_with(self, state: State) -> State:
        """Write ``state`` exactly (lineage and serial as given), under the lock."""
        ...

    def usage(self) -> UsageCounter:
        """The month's request count beside the state."""
        ...


__all__ = ["BackendProject", "StateStore", "UsageCounter"]
