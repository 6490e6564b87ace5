"""Saved plans (``vidspec plan -o FILE``): exactly what apply should do, and what it assumed.

The file is the plan document with every action in its full form (the desired request body,
remote ids) plus a ``saved`` object::

    "saved": {"lineage": "<state lineage>" | null, "serial": 7,   (null, 0: no state yet)
              "provider": {"kind": "cdnvideo", "account": "acme"},
              "remote_fingerprint": "sha256:…" | null,      (null: planned with --no-refresh)
              "created_at": "2026-11-02T09:00:00Z", "forced": false,
              "targets": [...], "replace": [...],
              "backend": "local" | "s3://bucket/key" [" at https://endpoint"]}

``apply FILE`` refuses the plan as stale when the state's lineage or serial, or the listing's
fingerprint (ids, names and states of every remote video), differ from what is recorded here,
and when the project's state backend is another one than the plan was made against (a plan of
before ``backend`` was recorded is checked by lineage and serial only).

An edited plan file is refused too: ``saved.checksum`` is the sha256 of the rest of the
document (canonical JSON), so a changed byte of content shows; and since anyone can compute a
checksum, apply also checks every action's remote id against the state (``foreign_ids``): a
plan file can only touch the videos the state manages at the addresses it names.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from vidspec.core.atomic import atomic_write_text
from vidspec.core.errors import PlanError, UsageError
from vidspec.core.times import format_time, parse_time
from vidspec.core.videos import RemoteVideo
from vidspec.plan.actions import Action, Adopt, Delete, Forget, Move
from vidspec.plan.model import PLAN_FORMAT_VERSION, Plan
from vidspec.project.model import canonical_json
from vidspec.state.model import ProviderRef, State


def listing_fingerprint(remote: Iterable[RemoteVideo]) -> str:
    """``sha256:<hex>`` of the listing's ids, names and states (order does not matter)."""
    rows = sorted((v.id, v.name or "", v.state.value) for v in remote)
    digest = hashlib.sha256(canonical_json(rows).encode("utf-8")).hexdigest()
    return f"sha256:{digest}"


@dataclass(frozen=True)
class SavedPlan:
    """A plan plus what it was made against."""

    plan: Plan
    lineage: str | None  # None: planned before any state was written (serial 0)
    serial: int
    provider: ProviderRef
    remote_fingerprint: str | None
    created_at: datetime
    forced: bool = False
    targets: tuple[str, ...] = ()
    replace: tuple[str, ...] = ()
    backend: str | None = None  # ``vidspec.state.backend_name``; None: not recorded
    destroy: bool = False  # `vidspec plan --destroy`: apply reports it as a destroy

    def to_json(self) -> dict[str, Any]:
        doc = self.plan.to_json(full=True)
        doc["saved"] = {
            "lineage": self.lineage,
            "serial": self.serial,
            "provider": self.provider.to_json(),
            "remote_fingerprint": self.remote_fingerprint,
            "created_at": format_time(self.created_at),
            "forced": self.forced,
            "targets": list(self.targets),
            "replace": list(self.replace),
            "destroy": self.destroy,
        }
        if self.backend is not None:
            doc["saved"]["backend"] = self.backend
        doc["saved"]["checksum"] = plan_checksum(doc)
        return doc

    def to_text(self) -> str:
        return json.dumps(self.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> SavedPlan:
        saved = doc["saved"]
        provider = saved["provider"]
        return cls(
            plan=Plan.from_json(doc),
            lineage=None if saved.get("lineage") is None else str(saved["lineage"]),
            serial=int(saved["serial"]),
            provider=ProviderRef(kind=str(provider["kind"]), account=provider.get("account")),
            remote_fingerprint=saved.get("remote_fingerprint"),
            created_at=parse_time(str(saved["created_at"])),
            forced=bool(saved.get("forced", False)),
            targets=tuple(saved.get("targets", ())),
            replace=tuple(saved.get("replace", ())),
            backend=None if saved.get("backend") is None else str(saved["backend"]),
            destroy=bool(saved.get("destroy", False)),
        )


def plan_checksum(doc: Mapping[str, Any]) -> str:
    """``sha256:<hex>`` of a saved plan document's canonical JSON, its own checksum left out."""
    saved = {k: v for k, v in doc["saved"].items() if k != "checksum"}
    digest = hashlib.sha256(canonical_json({**doc, "saved": saved}).encode("utf-8"))
    return f"sha256:{digest.hexdigest()}"


def foreign_ids(plan: Plan, state: State, listed: Collection[str]) -> list[str]:
    """What in ``plan`` names a remote id the state does not hold for that address (one line
    each); empty for a plan made against ``state``. ``listed``: the ids of the listing (an
    adopted video is not in the state yet, but must be listed and managed by no address)."""
    problems: list[str] = []
    managed = {record.id for record in state.videos.values()}
    for action in plan.actions:
        why = _foreign(action, state, listed, managed)
        if why is not None:
            problems.append(f"{action.kind} {action.address}: video {action.remote_id}, {why}")
        elif isinstance(action, Move):  # later actions name the video at its new address
            state = state.moved(action.from_address, action.address)
    return problems


def _foreign(
    action: Action, state: State, listed: Collection[str], managed: Collection[str]
) -> str | None:
    """Why ``action``'s remote id is not the state's for its address, or ``None``."""
    record = state.videos.get(action.address)
    if isinstance(action, Move):
        source = state.videos.get(action.from_address)
        if record is None and source is not None and source.id == action.video_id:
            return None
        held = f"holds {source.id}" if source else "holds no video"
        taken = "; the new address is taken" if record is not None else ""
        return f"but the state's '{action.from_address}' {held}{taken}"
    if isinstance(action, Adopt):
        replaces = record.id if record is not None else None
        if (
            action.video_id in listed
            and action.video_id not in managed
            and state.pending_for(action.address)
            and action.replaces == replaces
        ):
            return None
        return "which is not a listed, unmanaged video for a create of this address in flight"
    if isinstance(action, (Delete, Forget)) and action.superseded:
        previous = record.previous if record is not None else ()
        if action.video_id in previous:
            return None
        return f"but the state's superseded videos there are {', '.join(previous) or 'none'}"
    if action.remote_id is None or (record is not None and action.remote_id == record.id):
        return None
    return f"but the state records {record.id if record else 'no video'} there"


def write_saved_plan(path: Path, saved: SavedPlan) -> None:
    """Write the plan file atomically."""
    try:
        atomic_write_text(path, saved.to_text())
    except OSError as exc:
        raise UsageError(
            f"cannot write the plan to {path}: {exc.strerror or exc}",
            "Choose a writable path for -o.",
        ) from exc


def load_saved_plan(path: Path) -> SavedPlan:
    """Read a plan file written by ``vidspec plan -o``; clear errors for anything else."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise UsageError(
            f"{path}: no such plan file", "Write one with: vidspec plan -o FILE"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(f"{path}: cannot read the plan file ({exc})") from exc
    try:
        return _parse_saved_plan(path, text)
    except RecursionError as exc:  # a hostile file of thousands of nested brackets
        raise PlanError(
            f"{path}: not a vidspec plan file (it is nested too deeply)", _MAKE_ONE
        ) from exc


_MAKE_ONE = "A plan file is what `vidspec plan -o FILE` writes; make a new one."


def _parse_saved_plan(path: Path, text: str) -> SavedPlan:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError(
            f"{path}:{exc.lineno}:{exc.colno}: not a vidspec plan file ({exc.msg})", _MAKE_ONE
        ) from exc
    if isinstance(doc, dict) and doc.get("format_version") != PLAN_FORMAT_VERSION:
        raise PlanError(
            f"{path}: plan format_version {doc.get('format_version')!r}; this vidspec reads "
            f"{PLAN_FORMAT_VERSION}",
            "Make the plan again with this version of vidspec.",
        )
    errors = sorted(
        _saved_plan_validator().iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))
    )
    if isinstance(doc, dict) and "saved" not in doc:
        raise PlanError(
            f"{path}: this is the output of `plan --json`, not a saved plan",
            "Save a plan with: vidspec plan -o FILE",
        )
    if errors:
        lines = "\n".join(
            f"  {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in errors[:10]
        )
        raise PlanError(
            f"{path}: not a valid vidspec plan file:\n{lines}",
            "Make a new one with: vidspec plan -o FILE",
        )
    saved = doc.get("saved") if isinstance(doc, dict) else None
    if isinstance(saved, dict) and saved.get("checksum") != plan_checksum(doc):
        what = "has no checksum" if "checksum" not in saved else "does not match its checksum"
        raise PlanError(
            f"{path}: the plan file {what}: it was edited after `vidspec plan -o` wrote it",
            "Apply only a plan as vidspec wrote it: make a new one with vidspec plan -o FILE, "
            "review it, and apply that file.",
        )
    try:
        return SavedPlan.from_json(doc)
    except (KeyError, TypeError, ValueError) as exc:
        raise PlanError(
            f"{path}: not a valid vidspec plan file ({exc!r})",
            "Make a new one with: vidspec plan -o FILE",
        ) from exc


def plan_schema() -> dict[str, Any]:
    """The JSON Schema of the plan document (``vidspec/schemas/plan.schema.json``)."""
    text = resources.files("vidspec").joinpath("schemas/plan.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@lru_cache(maxsize=1)
def _saved_plan_validator() -> jsonschema.protocols.Validator:
    schema = plan_schema()
    validator_cls = jsonschema.validators.validator_for(schema)
    return validator_cls(schema)
