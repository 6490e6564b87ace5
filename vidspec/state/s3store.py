"""The state in an S3-compatible store: ``s3://bucket/key``, written only over the version read.

Objects beside the state key (one prefix, one bucket policy):

- ``<key>``: the state JSON, as in the local file;
- ``<key>.lock``: the lock (``vidspec/state/s3lock.py``);
- ``<key>.backup``: the previous version, written before each write;
- ``<key>.usage``: the month's request count (``vidspec/state/s3usage.py``).

Every write of ``<key>`` is ``PutObject(IfMatch=<ETag read>)``, or ``IfNoneMatch="*"`` for the
first one. So a runner whose lock was broken (``force-unlock``) and that wakes up later cannot
overwrite the newer state another runner wrote meanwhile: S3 refuses with 412, and the runner
stops with ``StateConflict``, keeping the state it meant to write in
``.vidspec/state.rescued.json`` (nothing it recorded is lost: a person compares and pushes it).
The serial and lineage checks of every store (``vidspec.state.guard``) apply on top.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import replace

from vidspec.core.atomic import atomic_write_text
from vidspec.core.clock import Clock, SystemClock
from vidspec.core.errors import (
    StateConflict,
    StateCorrupt,
    StateError,
    StateMismatch,
    VidspecError,
)
from vidspec.core.lock import LockInfo
from vidspec.core.paths import display_path
from vidspec.state.backend import BackendProject
from vidspec.state.guard import check_not_stranded, check_write
from vidspec.state.model import State, StateFormatError
from vidspec.state.observed import ObservedFile
from vidspec.state.s3lock import S3Lock
from vidspec.state.s3objects import ConditionFailed, S3Objects, StoredObject
from vidspec.state.s3usage import S3Usage
from vidspec.state.store import provider_ref

RESCUE_FILE = "state.rescued.json"  # in .vidspec/, when a write was refused as stale


class S3StateStore:
    """The state of one project in S3 (``state: {backend: s3, ...}`` in vidspec.yaml)."""

    def __init__(
        self,
        project: BackendProject,
        *,
        clock: Clock | None = None,
        objects: S3Objects | None = None,
    ) -> None:
        settings = project.state_backend
        if settings is None:
            raise ValueError("S3StateStore needs `state: {backend: s3, ...}`")
        self.settings = settings
        self.objects = objects or S3Objects(settings)
        self.key = settings.key
        self.backup_key = f"{settings.key}.backup"
        self.expected = provider_ref(project)
        self.rescue_path = project.work_dir / RESCUE_FILE
        self.observed_path = project.work_dir / "observed.json"  # local, as with a local state
        self._observed = ObservedFile(self.observed_path)
        self._lock = S3Lock(self.objects, f"{settings.key}.lock", clock or SystemClock())
        self._usage = S3Usage(self.objects, f"{settings.key}.usage")
        # The version of <key> this store read last (None inside: there was none), on which
        # the next write is conditional.
        self._seen: tuple[StoredObject | None] | None = None

    @property
    def location(self) -> str:
        return self.settings.url

    @property
    def backup_location(self) -> str:
        return self.objects.url(self.backup_key)

    # --- locking -------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, command: str, timeout: float = 0.0) -> Iterator[LockInfo]:
        info = self._lock.acquire(command, timeout)
        try:
            yield info
        finally:
            try:
                # the count kept in memory is written as the lock goes (a failure here leaves it
                # to the command's own count, which reports it)
                with contextlib.suppress(VidspecError):
                    self._usage.flush()
            finally:
                self._lock.release()

    @property
    def holds_lock(self) -> bool:
        return self._lock.held

    def lock_holder(self) -> LockInfo | None:
        return self._lock.holder()

    def force_unlock(self, lock_id: str) -> LockInfo:
        return self._lock.force_unlock(lock_id)

    def usage(self) -> S3Usage:
        return self._usage

    # --- reading -------------------------------------------------------------------------

    def exists(self) -> bool:
        return self._fetch() is not None

    def load(self) -> State:
        found = self._fetch()
        if found is None:
            check_not_stranded(
                location=self.location,
                backup=self.backup_location,
                has_backup=self.objects.get(self.backup_key) is not None,
                restore="copy the backup object to the key (e.g. vidspec state push of its "
                "content).",
            )
            return State.new(self.expected)
        state = self._parse(found)
        if state.provider != self.expected:
            raise StateMismatch(
                f"{self.location} was made for {state.provider}, but vidspec.yaml uses "
                f"{self.expected}.",
                "A state belongs to one provider and account. Set `state.key` in vidspec.yaml "
                "to another key for this provider, or change `provider:` back.",
            )
        return state

    def _fetch(self) -> StoredObject | None:
        found = self.objects.get(self.key)
        self._seen = (found,)
        return found

    def _parse(self, found: StoredObject) -> State:
        try:
            return State.from_json(json.loads(found.body.decode("utf-8")))
        except (UnicodeDecodeError, json.JSONDecodeError, StateFormatError) as exc:
            raise StateCorrupt(
                f"{self.location} is not a valid vidspec state ({type(exc).__name__}).",
                f"The object was left as it is. The previous version is in "
                f"{self.backup_location} (if one was written); vidspec state push FILE writes "
                f"a good one (vidspec import can rebuild a lost state from the listing).",
            ) from exc

    # --- writing -------------------------------------------------------------------------

    def save(self, state: State) -> State:
        """Write ``state`` (serial + 1) over the version read, if its content changed."""
        # What the last refresh saw is recorded on this write (a plan writes no state).
        state = self._observed.settle(state)
        found = self._current()
        current = None if found is None else self._parse(found)
        check_write(current, state, location=self.location, backup=self.backup_location)
        if current is not None and current.same_content(state):
            return current
        return self._write(replace(state, serial=state.serial + 1), found)

    def replace_with(self, state: State) -> State:
        """Write ``state`` exactly, over the version read (``state push``, ``migrate``)."""
        found = self._current()
        if found is not None and self._parse(found).to_text() == state.to_text():
            return state
        return self._write(state, found)

    def _current(self) -> StoredObject | None:
        if not self.holds_lock:
            raise StateError(
                "internal: the state may be written only while holding the lock",
                "Wrap the write in `with store.lock(command):`.",
            )
        if self._seen is None:
            return self._fetch()
        return self._seen[0]

    def _write(self, state: State, found: StoredObject | None) -> State:
        text = state.to_text()
        body = text.encode("utf-8")
        if found is not None:
            self.objects.put(self.backup_key, found.body)
        try:
            if found is None:
                etag = self.objects.put(self.key, body, if_none_match=True)
            else:
                etag = self.objects.put(self.key, body, if_match=found.etag)
        except ConditionFailed as exc:
            now = self.objects.get(self.key)
            if now is None or now.body != body:  # not our own retried write: a newer state
                raise self._stale(state, text) from exc
            etag = now.etag
        self._seen = (StoredObject(body=body, etag=etag),)
        return state

    def _stale(self, state: State, text: str) -> StateConflict:
        rescued = display_path(self.rescue_path)
        try:
            atomic_write_text(self.rescue_path, text)
            kept = f"This run's state (serial {state.serial}) was kept in {rescued}."
        except OSError as exc:
            kept = f"This run's state could not be kept in {rescued} either ({exc.strerror})."
        return StateConflict(
            f"{self.location} was changed by someone else since this command read it (its lock "
            f"was broken with force-unlock, or another writer ignored it); refusing to "
            f"overwrite the newer state. {kept}",
            f"Nothing was overwritten. Compare the two: vidspec state pull > current.json and "
            f"{rescued}; if this run's state is the one to keep, vidspec state push {rescued} "
            f"--force. Then run vidspec plan.",
        )


__all__ = ["RESCUE_FILE", "S3StateStore"]
