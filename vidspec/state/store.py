"""The local state file ``.vidspec/state.json``: atomic, backed up, locked, never guessed.

``LocalStateStore`` is the ``StateStore`` (``vidspec/state/backend.py``) of ``state: PATH``.

- ``load()``: a missing file is an empty state with a fresh lineage (nothing written); a file
  that cannot be read or does not validate raises ``StateCorrupt`` naming the file and
  ``state.json.backup``; a state of another provider kind or account raises ``StateMismatch``.
- ``save(state)``: only under the lock; refuses another lineage or a serial that moved on disk
  since the state was read; writes nothing when the content is unchanged, otherwise serial + 1,
  appended as one fsynced record to ``state.json.journal`` (O(change), see ``journal``).
  Statuses the last refresh saw (``observed``) are recorded on the way.
- The journal is folded into ``state.json`` (written atomically, the previous file kept as
  ``state.json.backup``) when the lock is released, when it is taken and a journal is left
  (a killed command), and every ``FOLD_EVERY`` records; ``load()`` replays what is not folded.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from vidspec.core.atomic import atomic_write_text
from vidspec.core.clock import Clock
from vidspec.core.errors import StateCorrupt, StateError, StateMismatch
from vidspec.core.lock import LockInfo, ProjectLock
from vidspec.core.paths import display_path
from vidspec.core.statesettings import JOURNAL_SUFFIX
from vidspec.state.guard import check_not_stranded, check_write
from vidspec.state.journal import FOLD_EVERY, FileJournal, JournalError, encode_change, replay
from vidspec.state.model import ProviderRef, State, StateFormatError
from vidspec.state.observed import ObservedFile
from vidspec.state.usage import MonthlyUsage


class ProviderSection(Protocol):
    """The part of ``provider:`` a state belongs to."""

    @property
    def kind(self) -> str: ...

    @property
    def account(self) -> str | None: ...


class Project(Protocol):
    """What the store reads of a project (``vidspec.project.config.Project`` is one).

    A protocol, not an import: the state layer sits below the project layer (docs/design.md).
    """

    @property
    def state_path(self) -> Path: ...

    @property
    def work_dir(self) -> Path: ...

    @property
    def lock_path(self) -> Path: ...

    @property
    def usage_path(self) -> Path: ...

    @property
    def observed_path(self) -> Path: ...

    @property
    def provider(self) -> ProviderSection: ...


def provider_ref(project: Project) -> ProviderRef:
    """The provider a project's state belongs to."""
    return ProviderRef(kind=project.provider.kind, account=project.provider.account)


class LocalStateStore:
    """The state file of one project, with its backup and lock (the ``StateStore`` of
    ``state: PATH``, the default)."""

    def __init__(self, project: Project, *, clock: Clock | None = None) -> None:
        self.path = project.state_path
        self.backup_path = self.path.with_name(self.path.name + ".backup")
        self.expected = provider_ref(project)
        self.observed_path = project.observed_path
        self._observed = ObservedFile(self.observed_path)
        self._lock = ProjectLock(project.lock_path, project.work_dir / "lock.info", clock)
        self._usage = MonthlyUsage(project.usage_path)
        self.journal = FileJournal(self.path.with_name(self.path.name + JOURNAL_SUFFIX))
        # What is on disk (state file + journal) as this store last read or wrote it, and the
        # files' identity then: a save checks the identity (two stats), not the whole file.
        self._known: State | None = None
        self._stamp: tuple[int, ...] | None = None
        self._records = 0

    @property
    def location(self) -> str:
        return display_path(self.path)

    @property
    def backup_location(self) -> str:
        return display_path(self.backup_path)

    def usage(self) -> MonthlyUsage:
        """The month's request count, ``.vidspec/usage.json``."""
        return self._usage

    # --- locking -------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, command: str, timeout: float = 0.0) -> Iterator[LockInfo]:
        """Hold the project lock for ``command`` (e.g. ``"vidspec apply"``); ``LockHeld`` if
        another process holds it after waiting ``timeout`` seconds."""
        with self._lock.hold(command, timeout) as info:
            if self.journal.exists():
                self.fold()  # a command killed before its fold: its records become the state
            try:
                yield info
            finally:
                with contextlib.suppress(StateError, OSError):
                    self.fold()  # if this fails, the journal stays and the next load replays it

    @property
    def holds_lock(self) -> bool:
        """True while this store's ``lock()`` is held (by this process)."""
        return self._lock.held

    def lock_holder(self) -> LockInfo | None:
        return self._lock.current()

    def force_unlock(self, lock_id: str) -> LockInfo:
        """Break the lock recorded with ``lock_id`` (``vidspec force-unlock ID``)."""
        return self._lock.force_unlock(lock_id)

    # --- reading -------------------------------------------------------------------------

    def exists(self) -> bool:
        return self.path.exists()

    def load(self) -> State:
        """The state on disk, or a new empty one if there is none (not written until saved)."""
        state = self._read()
        if state is None:
            return State.new(self.expected)
        if state.provider != self.expected:
            raise StateMismatch(
                f"{display_path(self.path)} was made for {state.provider}, but vidspec.yaml "
                f"uses {self.expected}.",
                "A state belongs to one provider and account. Set `state:` in vidspec.yaml to "
                "another file for this provider, or change `provider:` back.",
            )
        return state

    def _read(self) -> State | None:
        stamp = self._current_stamp()
        state = self._read_file()
        if state is not None:
            records, _torn = self.journal.records()
            try:
                state = replay(state, records)
            except JournalError as exc:
                journal = display_path(self.journal.path)
                raise StateCorrupt(
                    f"{journal} (the changes not yet folded into {display_path(self.path)}) "
                    f"cannot be replayed: {exc}",
                    f"The files were left as they are. If {display_path(self.path)} was "
                    f"restored or edited by hand, move {journal} aside and run `vidspec plan` "
                    f"to see what the state is missing; `vidspec import` can adopt it again.",
                ) from exc
            self._records = len(records)
        elif self.journal.exists():
            raise StateCorrupt(
                f"{display_path(self.path)} is missing but its journal "
                f"{display_path(self.journal.path)} exists.",
                "Restore the state file (see its backup) or, to really start empty, delete "
                "the journal.",
            )
        self._known, self._stamp = state, stamp
        return state

    def _current_stamp(self) -> tuple[int, ...]:
        try:
            st = os.stat(self.path)
            stamp: tuple[int, ...] = (st.st_ino, st.st_size, st.st_mtime_ns)
        except FileNotFoundError:
            stamp = (-1,)
        try:
            return (*stamp, os.stat(self.journal.path).st_size)
        except FileNotFoundError:
            return (*stamp, -1)

    def _read_file(self) -> State | None:
        if not self.path.exists():
            check_not_stranded(
                location=display_path(self.path),
                backup=self.backup_location,
                has_backup=self.backup_path.exists(),
                restore=f"cp {self.backup_location} {display_path(self.path)}",
            )
            return None
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise self._corrupt(f"cannot be read: {reason}") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise self._corrupt(
                f"is not valid JSON (line {exc.lineno} column {exc.colno}: {exc.msg})"
            ) from exc
        except RecursionError as exc:  # a hostile file of thousands of nested brackets
            raise self._corrupt("is not a vidspec state: it is nested too deeply") from exc
        try:
            return State.from_json(data)
        except StateFormatError as exc:
            raise self._corrupt(f"is not a valid vidspec state: {exc}") from exc
        except RecursionError as exc:
            raise self._corrupt("is not a vidspec state: it is nested too deeply") from exc

    def _corrupt(self, what: str) -> StateCorrupt:
        shown = display_path(self.path)
        backup = display_path(self.backup_path)
        if self.backup_path.exists():
            stamp = datetime.fromtimestamp(self.backup_path.stat().st_mtime, tz=timezone.utc)
            hint = (
                f"The file was left as it is. The previous version is in {backup} (written "
                f"{stamp:%Y-%m-%d %H:%M} UTC); to restore it: cp {backup} {shown}. Or fix the "
                f"file by hand, or restore it from git."
            )
        else:
            hint = (
                f"The file was left as it is, and there is no {backup} yet. Fix it by hand or "
                f"restore it from git; `vidspec import` can rebuild a lost state from the "
                f"listing."
            )
        return StateCorrupt(f"{shown} {what}", hint)

    # --- writing -------------------------------------------------------------------------

    def replace_with(self, state: State) -> State:
        """Write ``state`` exactly (lineage and serial as given): ``state push``/``migrate``."""
        self._require_lock()
        return self._write(state)

    def _require_lock(self) -> None:
        if not self.holds_lock:
            raise StateError(
                "internal: the state may be written only while holding the lock",
                "Wrap the write in `with store.lock(command):`.",
            )

    def _write(self, state: State) -> State:
        """The whole state, atomically (backup kept); the journal it holds is removed."""
        try:
            atomic_write_text(self.path, state.to_text(), backup=self.backup_path)
            self.journal.clear()
        except OSError as exc:
            raise self._write_error(exc) from exc
        self._known, self._stamp, self._records = state, self._current_stamp(), 0
        return state

    def _write_error(self, exc: OSError) -> StateError:
        return StateError(
            f"cannot write {display_path(self.path)}: {exc.strerror or exc}",
            "The previous state is unchanged. Check the disk and permissions, then retry.",
        )

    def fold(self) -> None:
        """Fold the journal into the state file (a full atomic write, backup kept) and remove
        it. Nothing to do without a journal."""
        if not self.journal.exists():
            return
        state = self._known
        if state is None or self._stamp != self._current_stamp():
            state = self._read()
        if state is not None:
            self._write(state)

    def save(self, state: State) -> State:
        """Record ``state`` if its content changed; returns what is on disk afterwards."""
        self._require_lock()
        # What the last refresh saw is recorded on this write (a plan writes no state).
        state = self._observed.settle(state)
        current = self._known
        if current is None or self._stamp != self._current_stamp():
            current = self._read()
        check_write(current, state, location=display_path(self.path), backup=self.backup_location)
        if current is None or (current.provider, current.format_version) != (
            state.provider,
            state.format_version,
        ):
            if current is not None and current.same_content(state):
                return current
            return self._write(replace(state, serial=state.serial + 1))
        record = encode_change(current, state)
        if record is None:
            return current
        try:
            self.journal.append(record)
        except OSError as exc:
            raise self._write_error(exc) from exc
        written = replace(state, serial=state.serial + 1)
        self._known, self._stamp = written, self._current_stamp()
        self._records += 1
        if self._records >= FOLD_EVERY:
            self.fold()
        return written
