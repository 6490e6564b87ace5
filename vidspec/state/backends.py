"""Which ``StateStore`` a project uses, and the places its state was before (for ``state
migrate``, and for ``plan`` to refuse a switched backend that is still empty).

``open_state_store(project)`` is the one place that looks at ``state:`` of vidspec.yaml:
a path is the local file (``LocalStateStore``), ``{backend: s3, ...}`` the S3 store.

``.vidspec/backend.json`` keeps two notes (settings, never a credential): ``state``, the
backend that last held this project's state with videos in it (the S3 settings, or the local
file's path), written by the commands that saw one there (``note_state_place``: plan, apply,
migrate); and ``s3``, the S3 backend last opened, written whenever one is (its region and
endpoint, for ``state migrate --from s3://BUCKET/KEY``). After vidspec.yaml's ``state:``
changes, they are how ``vidspec state migrate`` knows where to copy from and how ``plan`` knows
the new place is empty only because the state was not moved yet (Terraform keeps the same in
``.terraform/``). Opening an empty backend never moves the ``state`` note. A note of an older
vidspec (one S3 backend, at the top level) reads as both.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from vidspec.core.atomic import atomic_write_text
from vidspec.core.clock import Clock
from vidspec.core.statesettings import S3State
from vidspec.state.backend import BackendProject, StateStore
from vidspec.state.store import LocalStateStore

BACKEND_NOTE = "backend.json"  # in .vidspec/: where this project's state was last seen


def open_state_store(project: BackendProject, *, clock: Clock | None = None) -> StateStore:
    """The state store of ``state:`` in vidspec.yaml (the local file, or S3)."""
    if project.state_backend is None:
        return LocalStateStore(project, clock=clock)
    from vidspec.state.s3store import S3StateStore

    store = S3StateStore(project, clock=clock)
    _write_note(project, "s3", _s3_doc(project.state_backend))
    return store


def backend_name(project: BackendProject) -> str:
    """The backend as a saved plan records it: ``local``, or ``s3://bucket/key`` (with its
    endpoint when not AWS's own)."""
    if project.state_backend is None:
        return "local"
    return project.state_backend.describe()


def note_path(project: BackendProject) -> Path:
    """``.vidspec/backend.json``: always in the project's own ``.vidspec/`` (a local
    ``state:`` path may put the state elsewhere)."""
    return project.root / ".vidspec" / BACKEND_NOTE


def note_state_place(project: BackendProject) -> None:
    """Note that the backend ``state:`` names holds this project's state (with videos)."""
    settings = project.state_backend
    if settings is None:
        doc = {"backend": "local", "path": _relative(project.state_path, project.root)}
    else:
        doc = _s3_doc(settings)
    _write_note(project, "state", doc)


def noted_place(project: BackendProject) -> S3State | Path | None:
    """Where this project's state was last seen with videos: S3 settings, or the local
    file's absolute path; ``None`` when nothing (readable) was noted."""
    doc = _read_note(project).get("state")
    if isinstance(doc, dict) and doc.get("backend") == "local":
        path = doc.get("path")
        return project.root / path if isinstance(path, str) and path else None
    return _s3_settings(doc)


def noted_backend(project: BackendProject) -> S3State | None:
    """The S3 backend last opened from this checkout, if any was noted."""
    return _s3_settings(_read_note(project).get("s3"))


def _read_note(project: BackendProject) -> dict[str, Any]:
    try:
        doc = json.loads(note_path(project).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(doc, dict):
        return {}
    if doc.get("backend") == "s3":  # an older vidspec's note: the S3 backend last opened
        return {"state": doc, "s3": doc}
    return doc


def _write_note(project: BackendProject, name: str, value: dict[str, Any]) -> None:
    """Set one note of ``.vidspec/backend.json`` (written only when it changed)."""
    doc = _read_note(project)
    if doc.get(name) == value:
        return
    doc[name] = value
    with contextlib.suppress(OSError):  # a note for later; never a reason to fail a command
        atomic_write_text(note_path(project), json.dumps(doc, indent=2, sort_keys=True) + "\n")


def _s3_doc(settings: S3State) -> dict[str, Any]:
    doc: dict[str, Any] = {"backend": "s3", "bucket": settings.bucket, "key": settings.key}
    if settings.region:
        doc["region"] = settings.region
    if settings.endpoint_url:
        doc["endpoint_url"] = settings.endpoint_url
    return doc


def _s3_settings(doc: Any) -> S3State | None:
    if not isinstance(doc, dict) or doc.get("backend") != "s3":
        return None
    bucket, key = doc.get("bucket"), doc.get("key")
    if not isinstance(bucket, str) or not isinstance(key, str):
        return None
    region, endpoint = doc.get("region"), doc.get("endpoint_url")
    return S3State(
        bucket=bucket,
        key=key,
        region=region if isinstance(region, str) else None,
        endpoint_url=endpoint if isinstance(endpoint, str) else None,
    )


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


__all__ = [
    "BACKEND_NOTE",
    "backend_name",
    "note_path",
    "note_state_place",
    "noted_backend",
    "noted_place",
    "open_state_store",
]
