"""The state journal: each save during a command appends one small record; the state file is
rewritten only when the journal is folded into it.

Why: apply saves twice per create (the write-ahead record, then the result). Rewriting the
whole state each time costs O(state) (0.76 s per save at 10,000 videos); a journal record
costs O(change) whatever the state's size.

The rules (``StateStore`` applies them; this module holds the pure parts and the file):

- A record is one JSON line ``{"lineage", "serial", "videos": {address: video | null},
  "pending": [...], "notes_shown": [...]}`` (``pending`` and ``notes_shown`` only when they
  changed; ``null`` removes an address). It is
  written and fsynced before ``save`` returns, so a SIGKILL at any later point loses nothing.
- Record ``n`` carries serial ``base + n``: the serial still moves by one per change, and the
  folded state has the serial of the last record.
- Loading reads the state file, then replays the records above its serial (records at or
  below it were folded already: a crash between the fold's rename and the journal's removal
  leaves them behind, harmlessly). A torn last line (no newline: its ``save`` never returned)
  is ignored; any other bad line, a gap in the serials or another lineage is corruption.
- Folding writes the folded state atomically (backup kept, as for every full write) and then
  removes the journal: at the end of every command that held the lock, at the start of the
  next one (after a crash), and every ``FOLD_EVERY`` records.

Another backend keeps the same rules with its own ``Journal``: an object store appends a record
as a new small object (``<key>.journal/<serial>``, created with ``If-None-Match: *``), lists
them in order to read, and deletes them after a fold; no record ever rewrites the state.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from vidspec.state.model import State, StateFormatError, parse_pending, parse_video

FOLD_EVERY = 500  # records; bounds the replay on load and the journal's size

_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False)  # the C encoder (no indent)


class Journal(Protocol):
    """Append-only storage of journal records (each one JSON document, without newline)."""

    def append(self, record: bytes) -> None:
        """Store ``record`` durably after the ones before it (fsynced before returning)."""

    def records(self) -> tuple[list[bytes], bool]:
        """The complete records in order, and whether a torn (incomplete) last one was seen."""

    def clear(self) -> None:
        """Remove every record (after a fold made them part of the state)."""

    def exists(self) -> bool: ...


class FileJournal:
    """A journal in one local file of JSON lines beside the state file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def exists(self) -> bool:
        return self.path.exists()

    def append(self, record: bytes) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, record + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)

    def records(self) -> tuple[list[bytes], bool]:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return [], False
        lines = data.split(b"\n")
        torn = lines.pop() != b""  # text after the last newline was never acknowledged
        return [line for line in lines if line], torn

    def clear(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


class JournalError(ValueError):
    """A journal that cannot be replayed onto its state; ``index`` is the 1-based record."""

    def __init__(self, index: int, problem: str) -> None:
        super().__init__(f"record {index}: {problem}")
        self.index = index


def encode_change(before: State, after: State) -> bytes | None:
    """The record that turns ``before`` into ``after`` (serial ``before.serial + 1``), or
    ``None`` when nothing changed. O(change) when ``after`` came from ``before`` through the
    state's helpers (``State.changes`` names the addresses); else a scan of every address."""
    videos: dict[str, Any] = {}
    old, new = before.videos, after.videos
    if new is old:
        candidates: Iterable[str] = ()
    elif after.changes is not None and after.changes[0] is old:
        candidates = after.changes[1]  # the state's helpers said which: O(change)
    else:
        candidates = {*new, *old}  # built some other way: look at every address
    for address in candidates:
        record, previous = new.get(address), old.get(address)
        if record is None:
            if address in old:
                videos[address] = None
        elif previous is not record and previous != record:
            videos[address] = record.to_json()
    doc: dict[str, Any] = {"lineage": after.lineage, "serial": before.serial + 1}
    if videos:
        doc["videos"] = videos
    if after.pending != before.pending:
        doc["pending"] = [p.to_json() for p in after.pending]
    if after.notes_shown != before.notes_shown:
        doc["notes_shown"] = list(after.notes_shown)
    if len(doc) == 2:
        return None
    return _ENCODER.encode(doc).encode("utf-8")


def replay(state: State, records: Iterable[bytes]) -> State:
    """``state`` with every record above its serial applied, in order."""
    videos: dict[str, Any] | None = None
    pending = state.pending
    notes = state.notes_shown
    serial = state.serial
    for index, line in enumerate(records, start=1):
        doc = _record(line, index)
        if doc["lineage"] != state.lineage:
            raise JournalError(index, f"lineage {doc['lineage']} is not the state's")
        number = doc["serial"]
        if number <= state.serial:
            continue  # folded already
        if number != serial + 1:
            raise JournalError(index, f"serial {number} does not follow {serial}")
        serial = number
        if videos is None:
            videos = dict(state.videos)
        _apply(doc, videos, index)
        if "pending" in doc:
            pending = _pending(doc["pending"], index)
        if "notes_shown" in doc:
            notes = _notes(doc["notes_shown"], index)
    if videos is None:
        return state
    return replace(state, videos=videos, pending=pending, notes_shown=notes, serial=serial)


def _notes(items: Any, index: int) -> tuple[str, ...]:
    if not isinstance(items, list) or not all(isinstance(n, str) for n in items):
        raise JournalError(index, "notes_shown: expected a list of strings")
    return tuple(items)


def _record(line: bytes, index: int) -> Mapping[str, Any]:
    try:
        doc = json.loads(line)
    except ValueError as exc:
        raise JournalError(index, f"is not valid JSON ({exc})") from exc
    if not isinstance(doc, dict):
        raise JournalError(index, "is not an object")
    if not isinstance(doc.get("lineage"), str):
        raise JournalError(index, "has no lineage")
    serial = doc.get("serial")
    if not isinstance(serial, int) or isinstance(serial, bool):
        raise JournalError(index, "has no serial")
    return doc


def _apply(doc: Mapping[str, Any], videos: dict[str, Any], index: int) -> None:
    changed = doc.get("videos", {})
    if not isinstance(changed, dict):
        raise JournalError(index, "videos: expected an object")
    for address, value in changed.items():
        if value is None:
            videos.pop(address, None)
            continue
        if not isinstance(value, dict):
            raise JournalError(index, f"videos.{address}: expected an object")
        try:
            videos[address] = parse_video(value, f"videos.{address}")
        except StateFormatError as exc:
            raise JournalError(index, str(exc)) from exc


def _pending(items: Any, index: int) -> tuple[Any, ...]:
    if not isinstance(items, list):
        raise JournalError(index, "pending: expected a list")
    try:
        return tuple(parse_pending(item, f"pending[{i}]") for i, item in enumerate(items))
    except StateFormatError as exc:
        raise JournalError(index, str(exc)) from exc
