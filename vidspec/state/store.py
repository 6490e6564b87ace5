"""The local state file ``.vidspec/state.json``: atomic, backed up, locked, never guessed.

``LocalStateStore`` is the ``StateStore`` (``vidspec/state/backend.py``) of ``state: PATH``.

- ``load()``: a missing file is an empty state with a fresh lineage (nothing written); a file
  that cannot be read or does not validate raises ``StateCorrupt`` naming the file and
  ``state.json.backup``; a state of another provider kind or account raises ``StateMismatch``.
- ``save(state)``: only under the lock; refuses another lineage or a serial that moved on disk
  since the state was read; writes nothing when the content is unchanged, otherwise serial + 1,
  written atomically with the previous file kept as ``state.json.backup``. Statuses the last
  refresh saw (``observed``) are recorded on the way.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from vidspec.core.atomic import atomic_write_text
from vidspec.core.clock import Clock
from vidspec.core.errors import StateCorrupt, StateError, StateMismatch
from vidspec.state.lock import LockInfo, ProjectLock
from vidspec.state.model import ProviderRef, State, StateFormatError
from vidspec.state.observed import load_observed
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


def display_path(path: Path) -> str:
    """A path as the user should read it: relative to the working directory when below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


class LocalStateStore:
    """The state file of one project, with its backup and lock (the ``StateStore`` of
    ``state: PATH``, the default)."""

    def __init__(self, project: Project, *, clock: Clock | None = None) -> None:
        self.path = project.state_path
        self.backup_path = self.path.with_name(self.path.name + ".backup")
        self.expected = provider_ref(project)
        self.observed_path = project.observed_path
        self._lock = ProjectLock(project.lock_path, project.work_dir / "lock.info", clock)
        self._usage = MonthlyUsage(project.usage_path)

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
            yield info

    @property
    def holds_lock(self) -> bool:
        """True while this store's ``lock()`` is held (by this process)."""
        return self._lock.held

    def lock_holder(self) -> LockInfo | None:
        return self._lock.holder()

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
        if not self.path.exists():
            if self.backup_path.exists():
                raise StateCorrupt(
                    f"{display_path(self.path)} is missing but its backup "
                    f"{display_path(self.backup_path)} exists.",
                    f"vidspec will not start from an empty state while a backup exists (that "
                    f"could generate every video again). Restore it with: cp "
                    f"{display_path(self.backup_path)} {display_path(self.path)}  (or delete "
                    f"the backup if starting empty is really what you want).",
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
        self._atomic_write(state)
        return state

    def _require_lock(self) -> None:
        if not self.holds_lock:
            raise StateError(
                "internal: the state may be written only while holding the lock",
                "Wrap the write in `with store.lock(command):`.",
            )

    def _atomic_write(self, state: State) -> None:
        try:
            atomic_write_text(self.path, state.to_text(), backup=self.backup_path)
        except OSError as exc:
            raise StateError(
                f"cannot write {display_path(self.path)}: {exc.strerror or exc}",
                "The previous state is unchanged. Check the disk and permissions, then retry.",
            ) from exc

    def save(self, state: State) -> State:
        """Write ``state`` if its content changed; returns what is on disk afterwards."""
        self._require_lock()
        # What the last refresh saw is recorded on this write (a plan writes no state).
        state = load_observed(self.observed_path).settle(state)
        current = self._read()
        if current is not None:
            if current.lineage != state.lineage:
                raise StateError(
                    f"{display_path(self.path)} has lineage {current.lineage}; refusing to "
                    f"overwrite it with a state of lineage {state.lineage}.",
                    "These are two different states; move one aside if this is intended.",
                )
            if current.serial != state.serial:
                raise StateError(
                    f"{display_path(self.path)} changed on disk (serial {state.serial} was read, "
                    f"{current.serial} is there now); refusing to overwrite it.",
                    "Run the command again so it starts from the current state.",
                )
            if current.same_content(state):
                return current
        elif state.serial != 0:
            raise StateError(
                f"{display_path(self.path)} is gone (serial {state.serial} was read); refusing "
                f"to write a state that would look new.",
                "Restore the file (see its backup) and run the command again.",
            )
        written = replace(state, serial=state.serial + 1)
        self._atomic_write(written)
        return written
