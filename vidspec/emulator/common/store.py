"""Persistence of an emulated service: named JSON documents in a data directory.

A world's document changes one record at a time, so a change costs O(change), not O(world):

- ``<name>.json`` is the document: ``{"format": 1, FIELD: value, ..., "videos": [record, ...]}``
  (a record is a mapping with an ``"id"``).
- ``<name>.journal`` holds the changes since the document was last written, one JSON line per
  change, each a whole value: ``{"put": record}`` (a record made or changed), ``{"drop": id}``,
  ``{"set": {FIELD: value}}``. Appending a line is one ``write``, without fsync.
- The journal is *folded* into the document (the whole document written atomically and
  fsynced, then the journal removed) when it holds as many lines as the document has records
  (at least ``FOLD_MIN``), so replaying it never costs more than reading the document and the
  writes stay O(1) per change on average (a fold at every close would cost O(world) per
  command); and at a world's first change, when it has no document yet.
- Loading reads the document and replays the journal. A killed process leaves both (the OS
  keeps what was written): the world loads as it was at its last change. A last line that does
  not parse (cut short by the kill, or by a power cut, which may lose the last lines) is
  dropped; a bad line before it is corruption (``StoreError``). Replaying lines a fold already
  holds (a crash between the document's rename and the journal's removal) changes nothing:
  every line is a whole value.

Why a journal and not sqlite3: the worlds are held in memory anyway (a listing page is a slice
of the world's order), so the store only needs to append changes and read them back once; the
same rules as the state's journal (``vidspec/state/journal.py``), and files a user can read.

How a world persists itself (``vidspec.emulator.common.world.World`` does all of it; a new
service's world subclasses it and calls ``_persist(record)`` after changing a record in place):

1. at start: ``load_journaled(name)`` (``None``: a new world);
2. after each change, holding the world's lock: ``append(name, changes)``; when it returns
   ``True``, fold;
3. to fold, holding the same lock: ``write(name, document)``, the whole document.

Appends and folds of one document happen under its world's lock, so a fold never drops a
change made meanwhile. ``load``/``save`` keep a small document whole (written atomically on
each save), for what changes rarely.

A world is read once at start, so one data directory serves one process at a time:
``lock_data_dir`` holds ``<data_dir>/lock`` (with a note naming the holder) for as long as the
sandbox or ``vidspec emulator --data-dir`` runs.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from vidspec.core.atomic import atomic_write_text
from vidspec.core.clock import Clock
from vidspec.core.errors import LockHeld, VidspecError
from vidspec.core.lock import ProjectLock
from vidspec.core.times import format_time

FOLD_MIN = 1000  # journal lines before a fold, for a document of fewer records than that
_REMOVE_HINT = "Remove the file (or the data directory) to start with an empty service."


class StoreError(VidspecError):
    """A data file exists but cannot be read as the emulator wrote it."""


class DataDirBusy(StoreError):
    """Another process keeps its emulated service in this data directory."""


def lock_data_dir(
    data_dir: Path, *, command: str, timeout: float, clock: Clock, hint: str
) -> ProjectLock:
    """Hold ``data_dir`` for this process until ``release()`` (or the process's end).

    Waits up to ``timeout`` seconds for another holder, then raises ``DataDirBusy`` naming
    it (pid, command, since when) with ``hint`` (what to do). ``command`` is recorded for the
    next one to read."""
    lock = ProjectLock(data_dir / "lock", data_dir / "lock.info", clock)
    try:
        lock.acquire(command, timeout)
    except LockHeld:
        holder = lock.holder()
        waited = f" (waited {timeout:g}s)" if timeout > 0 else ""
        who = (
            "another process, which has not recorded who it is"
            if holder is None
            else f"another process: pid {holder.pid} on {holder.host} ({holder.command}), "
            f"since {format_time(holder.created)}"
        )
        message = f"the emulator data in {data_dir} is in use by {who}{waited}"
        raise DataDirBusy(message, hint) from None
    return lock


class JsonStore:
    """``<data_dir>/<name>.json`` documents (and their journals). ``None`` data_dir: keep
    nothing (in memory only)."""

    def __init__(self, data_dir: Path | None) -> None:
        self.data_dir = data_dir
        self._lock = threading.Lock()
        self._lines: dict[str, int] = {}  # journal lines since the last fold
        self._sizes: dict[str, int] = {}  # records of the document at its last fold
        self._made = False  # the data directory exists

    @property
    def enabled(self) -> bool:
        return self.data_dir is not None

    def path(self, name: str) -> Path | None:
        return None if self.data_dir is None else self.data_dir / f"{name}.json"

    def journal_path(self, name: str) -> Path | None:
        return None if self.data_dir is None else self.data_dir / f"{name}.journal"

    # -- whole documents ----------------------------------------------------------------

    def load(self, name: str) -> Any:
        """The stored document, or ``None`` when there is none (or persistence is off)."""
        path = self.path(name)
        if path is None or not path.exists():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"cannot read emulator data {path}: {exc}", _REMOVE_HINT) from exc

    def save(self, name: str, document: Any) -> None:
        """Write ``document`` whole, atomically (a small document that changes rarely)."""
        path = self.path(name)
        if path is None:
            return
        text = json.dumps(document, indent=1, sort_keys=True) + "\n"
        with self._lock:
            atomic_write_text(path, text)

    # -- journaled documents (a world's) --------------------------------------------------

    def load_journaled(self, name: str) -> dict[str, Any] | None:
        """The document with its journal replayed, or ``None`` when neither exists."""
        stored = self.load(name)
        journal = self.journal_path(name)
        changes = _read_journal(journal) if journal is not None else []
        if stored is not None and not isinstance(stored, dict):
            raise StoreError(f"emulator data {self.path(name)} is not a document", _REMOVE_HINT)
        with self._lock:
            self._lines[name] = len(changes)
            # no document yet: the first change folds, so that there is one
            self._sizes[name] = -1 if stored is None else len(stored.get("videos", ()))
        if stored is None and not changes:
            return None
        return _replayed(stored or {}, changes)

    def append(self, name: str, changes: Iterable[Mapping[str, Any]]) -> bool:
        """Add ``changes`` (``{"put": record}``, ``{"drop": id}``, ``{"set": {...}}``) to the
        journal of ``name``; ``True`` when it is time to fold it (``write``)."""
        journal = self.journal_path(name)
        if journal is None:
            return False
        lines = [json.dumps(c, separators=(",", ":"), ensure_ascii=False) for c in changes]
        if not lines:
            return False
        data = ("\n".join(lines) + "\n").encode("utf-8")
        with self._lock:
            if not self._made:
                journal.parent.mkdir(parents=True, exist_ok=True)
                self._made = True
            fd = os.open(journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)
            self._lines[name] = self._lines.get(name, 0) + len(lines)
            size = self._sizes.get(name, -1)
            return size < 0 or self._lines[name] >= max(FOLD_MIN, size)

    def write(self, name: str, document: Mapping[str, Any]) -> None:
        """Fold: write the whole ``document`` atomically (fsynced), then drop the journal."""
        path, journal = self.path(name), self.journal_path(name)
        if path is None or journal is None:
            return
        text = _document_text(document)
        with self._lock:
            atomic_write_text(path, text)
            with contextlib.suppress(FileNotFoundError):
                journal.unlink()
            self._lines[name] = 0
            self._sizes[name] = len(document.get("videos", ()))


def _document_text(document: Mapping[str, Any]) -> str:
    """The document's JSON, one record a line (the C encoder, no indent: ~10x faster)."""
    fields = [
        f"{json.dumps(key)}: {json.dumps(value, sort_keys=True)}"
        for key, value in sorted(document.items())
        if key != "videos"
    ]
    if "videos" in document:
        records = ",\n".join(json.dumps(r, sort_keys=True) for r in document["videos"])
        fields.append(f'"videos": [\n{records}\n]' if records else '"videos": []')
    return "{" + ",\n".join(fields) + "}\n"


def _read_journal(path: Path) -> list[dict[str, Any]]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise StoreError(f"cannot read emulator data {path}: {exc}", _REMOVE_HINT) from exc
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    changes = []
    for number, line in enumerate(lines, start=1):
        try:
            change = json.loads(line)
        except ValueError as exc:
            if number == len(lines):
                break  # cut short by a kill or a power cut: that change never completed
            raise StoreError(
                f"cannot read emulator data {path}, line {number}: {exc}", _REMOVE_HINT
            ) from exc
        if not isinstance(change, dict) or not change.keys() & {"put", "drop", "set"}:
            raise StoreError(
                f"cannot read emulator data {path}, line {number}: not a change", _REMOVE_HINT
            )
        changes.append(change)
    return changes


def _replayed(document: dict[str, Any], changes: list[dict[str, Any]]) -> dict[str, Any]:
    """``document`` with ``changes`` applied in order."""
    if not changes:
        return document
    records: list[Any] = list(document.get("videos", ()))
    index = {record["id"]: i for i, record in enumerate(records)}
    for change in changes:
        if "put" in change:
            record = change["put"]
            at = index.get(record["id"])
            if at is None:
                index[record["id"]] = len(records)
                records.append(record)
            else:
                records[at] = record
        elif "drop" in change:
            at = index.pop(change["drop"], None)
            if at is not None:
                records[at] = None
        else:
            document.update(change["set"])
    if records or "videos" in document:
        document["videos"] = [r for r in records if r is not None]
    return document
