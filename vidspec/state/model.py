"""The state value: what vidspec has made, per address, and what it was about to make.

``State`` is immutable; the helpers (``with_video``, ``with_pending`` ...) return a new value,
and ``StateStore.save`` writes it. ``to_json``/``from_json`` are the only (de)serialisers; a
document that does not validate raises ``StateFormatError`` (the store turns it into
``StateCorrupt`` naming the file and its backup).

On disk (sorted keys, one video and one pending record per line, trailing newline; each line
comes from the C JSON encoder, so a full write of 10,000 videos takes ~0.1 s, and a change
to one video is a one-line diff in git)::

    {"format_version": 1, "lineage": "<uuid4>", "serial": 7,
     "provider": {"kind": "cdnvideo", "account": "acme"},
     "videos": {"welcome": {"id": "…", "status": "done", "spec_hash": "sha256:…",
                            "spec": {<the request body that was sent>}, "name": "Welcome",
                            "created_at": "2026-11-02T09:00:00Z", "expires_at": "…",
                            "download": {"path": "out/welcome.mp4", "size": 1, "sha256": "…"},
                            "previous": ["<id superseded by a regenerate, not yet deleted>"]}},
     "pending": [{"address": "promo", "action": "create", "spec_hash": "sha256:…",
                  "spec": {…}, "started_at": "…", "outcome": "unknown"}],
     "notes_shown": ["listing_settings"]}

``notes_shown`` (absent when empty): once-per-project notes an apply has shown the user
(``listing_settings``: the listing reports no settings), so plans stop repeating them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from vidspec.core.times import format_time, parse_time
from vidspec.core.videos import TaskState

FORMAT_VERSION = 1

# What a pending record is waiting for. Every record in ``pending`` is unresolved by definition
# (apply removes it once the remote id is recorded); the outcome says why it is still there.
OUTCOME_SENDING = "sending"  # written before the request; the process may have died mid-call
OUTCOME_UNKNOWN = "unknown"  # the request was sent and its answer was lost
PENDING_ACTIONS = ("create", "regenerate")

_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False)  # C encoder: no indent


class StateFormatError(ValueError):
    """A state document that does not validate; ``where`` is a JSON path such as ``videos.a.id``."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}" if where else problem)
        self.where = where
        self.problem = problem


@dataclass(frozen=True)
class ProviderRef:
    """The service a state belongs to: provider kind and account (``None`` when it has none)."""

    kind: str
    account: str | None = None

    def __str__(self) -> str:
        return self.kind if self.account is None else f"{self.kind} (account {self.account})"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "account": self.account}


@dataclass(frozen=True)
class DownloadRecord:
    """A finished video saved by apply: where, how big, and its sha256 (hex)."""

    path: str
    size: int
    sha256: str

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "size": self.size, "sha256": self.sha256}


@dataclass(frozen=True)
class VideoRecord:
    """One managed video: the remote id and exactly what was asked for (``spec``)."""

    id: str
    status: TaskState
    spec_hash: str
    spec: Mapping[str, Any]
    name: str | None
    created_at: datetime
    expires_at: datetime | None = None
    download: DownloadRecord | None = None
    previous: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status.value,
            "spec_hash": self.spec_hash,
            "spec": dict(self.spec),
            "name": self.name,
            "created_at": format_time(self.created_at),
            "expires_at": None if self.expires_at is None else format_time(self.expires_at),
            "download": None if self.download is None else self.download.to_json(),
            "previous": list(self.previous),
        }


@dataclass(frozen=True)
class PendingRecord:
    """A write-ahead record: a create (or the create half of a regenerate) whose remote id is
    not yet recorded. It blocks a new create of ``address`` until the listing resolves it."""

    address: str
    action: str
    spec_hash: str
    spec: Mapping[str, Any]
    started_at: datetime
    outcome: str = OUTCOME_UNKNOWN

    def to_json(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "action": self.action,
            "spec_hash": self.spec_hash,
            "spec": dict(self.spec),
            "started_at": format_time(self.started_at),
            "outcome": self.outcome,
        }


@dataclass(frozen=True)
class State:
    """Everything vidspec knows it manages. ``serial`` is bumped by the store on each change."""

    lineage: str
    provider: ProviderRef
    serial: int = 0
    videos: Mapping[str, VideoRecord] = field(default_factory=dict)
    pending: tuple[PendingRecord, ...] = ()
    format_version: int = FORMAT_VERSION
    notes_shown: tuple[str, ...] = ()
    # Which addresses changed since which ``videos`` mapping (``with_video``, ``without_video``):
    # the journal's record of a change is then O(change), not a scan of every video.
    changes: tuple[Mapping[str, VideoRecord], frozenset[str]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @classmethod
    def new(cls, provider: ProviderRef) -> State:
        """An empty state with a fresh lineage (serial 0, not yet written)."""
        return cls(lineage=str(uuid.uuid4()), provider=provider)

    # --- queries -------------------------------------------------------------------------

    def managed_ids(self) -> dict[str, str]:
        """Every remote id vidspec answers for (current and superseded), mapped to its address."""
        ids: dict[str, str] = {}
        for address, record in self.videos.items():
            ids[record.id] = address
            for old in record.previous:
                ids[old] = address
        return ids

    def pending_for(self, address: str) -> tuple[PendingRecord, ...]:
        return tuple(p for p in self.pending if p.address == address)

    # --- changes (each returns a new State) ------------------------------------------------

    def with_video(self, address: str, record: VideoRecord) -> State:
        return self._changed({**self.videos, address: record}, address)

    def without_video(self, address: str) -> State:
        return self._changed({a: r for a, r in self.videos.items() if a != address}, address)

    def _changed(self, videos: Mapping[str, VideoRecord], address: str) -> State:
        new = replace(self, videos=videos)
        base, addresses = (self.videos, frozenset()) if self.changes is None else self.changes
        object.__setattr__(new, "changes", (base, addresses | {address}))
        return new

    def moved(self, old: str, new: str) -> State:
        """The record of ``old`` now under ``new`` (and its pending records too)."""
        if new in self.videos:
            raise ValueError(f"address {new!r} is already in the state")
        videos = {(new if a == old else a): r for a, r in self.videos.items()}
        pending = tuple(replace(p, address=new) if p.address == old else p for p in self.pending)
        return replace(self, videos=videos, pending=pending)

    def with_note_shown(self, note: str) -> State:
        """``note`` recorded as shown (the plans of this project need not repeat it)."""
        if note in self.notes_shown:
            return self
        return replace(self, notes_shown=tuple(sorted({*self.notes_shown, note})))

    def with_pending(self, record: PendingRecord) -> State:
        return replace(self, pending=(*self.pending, record))

    def without_pending(self, address: str, spec_hash: str | None = None) -> State:
        """Drop the pending records of ``address`` (only those of ``spec_hash`` when given)."""
        kept = tuple(
            p
            for p in self.pending
            if not (p.address == address and (spec_hash is None or p.spec_hash == spec_hash))
        )
        return replace(self, pending=kept)

    # --- serialisation -------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "format_version": self.format_version,
            "lineage": self.lineage,
            "serial": self.serial,
            "provider": self.provider.to_json(),
            "videos": {a: self.videos[a].to_json() for a in sorted(self.videos)},
            "pending": [p.to_json() for p in self.pending],
        } | ({"notes_shown": list(self.notes_shown)} if self.notes_shown else {})

    def to_text(self) -> str:
        """The file's exact text: sorted keys, one video (one pending record) per line, trailing
        newline. ``json.dumps(indent=...)`` would fall back to the pure-Python encoder."""
        encode = _ENCODER.encode
        videos = ",\n".join(
            f"    {encode(a)}: {encode(self.videos[a].to_json())}" for a in sorted(self.videos)
        )
        pending = ",\n".join(f"    {encode(p.to_json())}" for p in self.pending)
        return (
            "{\n"
            f'  "format_version": {encode(self.format_version)},\n'
            f'  "lineage": {encode(self.lineage)},\n'
            + (f'  "notes_shown": {encode(list(self.notes_shown))},\n' if self.notes_shown else "")
            + f'  "pending": [{_block(pending, "  ")}],\n'
            f'  "provider": {encode(self.provider.to_json())},\n'
            f'  "serial": {encode(self.serial)},\n'
            f'  "videos": {{{_block(videos, "  ")}}}\n'
            "}\n"
        )

    def same_content(self, other: State) -> bool:
        """Equal apart from ``serial`` (the store bumps the serial only when this is False)."""
        mine, theirs = self.to_json(), other.to_json()
        mine.pop("serial")
        theirs.pop("serial")
        return mine == theirs

    @classmethod
    def from_json(cls, data: Any) -> State:
        """Validate and build; raises ``StateFormatError`` naming the first bad field."""
        doc = _obj(data, "")
        version = _get(doc, "format_version", int, "")
        if version != FORMAT_VERSION:
            raise StateFormatError(
                "format_version",
                f"this vidspec reads format_version {FORMAT_VERSION}, the file has {version}",
            )
        lineage = _get(doc, "lineage", str, "")
        try:
            uuid.UUID(lineage)
        except ValueError as exc:
            raise StateFormatError("lineage", f"{lineage!r} is not a UUID") from exc
        serial = _get(doc, "serial", int, "")
        if serial < 0:
            raise StateFormatError("serial", "must not be negative")
        prov = _obj(doc.get("provider"), "provider")
        provider = ProviderRef(
            kind=_get(prov, "kind", str, "provider"),
            account=_get(prov, "account", (str, type(None)), "provider"),
        )
        videos_doc = _obj(doc.get("videos"), "videos")
        videos = {
            str(address): _video(_obj(value, f"videos.{address}"), f"videos.{address}")
            for address, value in videos_doc.items()
        }
        pending_doc = doc.get("pending")
        if not isinstance(pending_doc, list):
            raise StateFormatError("pending", "expected a list")
        pending = tuple(
            _pending(_obj(item, f"pending[{i}]"), f"pending[{i}]")
            for i, item in enumerate(pending_doc)
        )
        notes = doc.get("notes_shown", [])
        if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
            raise StateFormatError("notes_shown", "expected a list of strings")
        return cls(
            lineage=lineage,
            provider=provider,
            serial=serial,
            videos=videos,
            pending=pending,
            format_version=version,
            notes_shown=tuple(notes),
        )


def _block(lines: str, indent: str) -> str:
    return f"\n{lines}\n{indent}" if lines else ""


def parse_video(value: Any, where: str) -> VideoRecord:
    """One video record of the JSON form (``StateFormatError`` naming ``where``)."""
    return _video(_obj(value, where), where)


def parse_pending(value: Any, where: str) -> PendingRecord:
    """One pending record of the JSON form (``StateFormatError`` naming ``where``)."""
    return _pending(_obj(value, where), where)


def _video(doc: Mapping[str, Any], where: str) -> VideoRecord:
    status_text = _get(doc, "status", str, where)
    try:
        status = TaskState(status_text)
    except ValueError as exc:
        known = ", ".join(s.value for s in TaskState)
        raise StateFormatError(f"{where}.status", f"{status_text!r} is not one of {known}") from exc
    download_doc = doc.get("download")
    download = None
    if download_doc is not None:
        d = _obj(download_doc, f"{where}.download")
        download = DownloadRecord(
            path=_get(d, "path", str, f"{where}.download"),
            size=_get(d, "size", int, f"{where}.download"),
            sha256=_get(d, "sha256", str, f"{where}.download"),
        )
    previous = doc.get("previous", [])
    if not isinstance(previous, list) or not all(isinstance(p, str) for p in previous):
        raise StateFormatError(f"{where}.previous", "expected a list of video ids")
    expires = _get(doc, "expires_at", (str, type(None)), where)
    return VideoRecord(
        id=_get(doc, "id", str, where),
        status=status,
        spec_hash=_get(doc, "spec_hash", str, where),
        spec=_obj(doc.get("spec"), f"{where}.spec"),
        name=_get(doc, "name", (str, type(None)), where),
        created_at=_time(_get(doc, "created_at", str, where), f"{where}.created_at"),
        expires_at=None if expires is None else _time(expires, f"{where}.expires_at"),
        download=download,
        previous=tuple(previous),
    )


def _pending(doc: Mapping[str, Any], where: str) -> PendingRecord:
    action = _get(doc, "action", str, where)
    if action not in PENDING_ACTIONS:
        raise StateFormatError(f"{where}.action", f"{action!r} is not one of {PENDING_ACTIONS}")
    return PendingRecord(
        address=_get(doc, "address", str, where),
        action=action,
        spec_hash=_get(doc, "spec_hash", str, where),
        spec=_obj(doc.get("spec"), f"{where}.spec"),
        started_at=_time(_get(doc, "started_at", str, where), f"{where}.started_at"),
        outcome=_get(doc, "outcome", str, where),
    )


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise StateFormatError(where, f"expected an object, got {_type_name(value)}")
    return value


def _get(doc: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    path = f"{where}.{key}" if where else key
    if key not in doc:
        raise StateFormatError(path, "missing")
    value = doc[key]
    # bool is an int in Python; a serial of `true` is still corrupt.
    if isinstance(value, bool) or not isinstance(value, kind):
        names = kind if isinstance(kind, tuple) else (kind,)
        expected = " or ".join(_type_name_of(k) for k in names)
        raise StateFormatError(path, f"expected {expected}, got {_type_name(value)}")
    return value


def _time(text: str, where: str) -> datetime:
    try:
        return parse_time(text)
    except ValueError as exc:
        raise StateFormatError(where, f"{text!r} is not an ISO 8601 UTC time") from exc


def _type_name(value: Any) -> str:
    return _type_name_of(type(value))


def _type_name_of(kind: type) -> str:
    return {
        str: "a string",
        int: "an integer",
        dict: "an object",
        list: "a list",
        type(None): "null",
        bool: "a boolean",
        float: "a number",
    }.get(kind, kind.__name__)
