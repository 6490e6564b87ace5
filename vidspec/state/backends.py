"""Which ``StateStore`` a project uses, and the one it used before (for ``state migrate``).

``open_state_store(project)`` is the one place that looks at ``state:`` of vidspec.yaml:
a path is the local file (``LocalStateStore``), ``{backend: s3, ...}`` the S3 store.

When a command opens the S3 backend, its settings (never a credential) are noted in
``.vidspec/backend.json``: after vidspec.yaml is switched back to a local file, that note is
how ``vidspec state migrate`` knows which bucket and key to copy from (Terraform keeps the
same in ``.terraform/``).
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from vidspec.core.atomic import atomic_write_text
from vidspec.core.clock import Clock
from vidspec.state.backend import BackendProject, StateStore, UsageCounter
from vidspec.state.s3settings import S3State
from vidspec.state.store import LocalStateStore

BACKEND_NOTE = "backend.json"  # in .vidspec/: the S3 backend last opened from this checkout


def open_state_store(project: BackendProject, *, clock: Clock | None = None) -> StateStore:
    """The state store of ``state:`` in vidspec.yaml (the local file, or S3)."""
    if project.state_backend is None:
        return LocalStateStore(project, clock=clock)
    from vidspec.state.s3store import S3StateStore

    store = S3StateStore(project, clock=clock)
    note_backend(project, project.state_backend)
    return store


def open_usage(project: BackendProject) -> UsageCounter:
    """The month's request count of the project's backend."""
    return open_state_store(project).usage()


def backend_name(project: BackendProject) -> str:
    """The backend as a saved plan records it: ``local``, or ``s3://bucket/key`` (with its
    endpoint when not AWS's own)."""
    if project.state_backend is None:
        return "local"
    return project.state_backend.describe()


def _note_path(project: BackendProject) -> Path:
    # Always the project's own .vidspec/ (a local `state:` path may put the state elsewhere).
    return project.root / ".vidspec" / BACKEND_NOTE


def note_backend(project: BackendProject, settings: S3State) -> None:
    """Record ``settings`` in ``.vidspec/backend.json`` (only when it changed)."""
    doc: dict[str, Any] = {"backend": "s3", "bucket": settings.bucket, "key": settings.key}
    if settings.region:
        doc["region"] = settings.region
    if settings.endpoint_url:
        doc["endpoint_url"] = settings.endpoint_url
    text = json.dumps(doc, indent=2, sort_keys=True) + "\n"
    path = _note_path(project)
    with contextlib.suppress(OSError):  # a note for later; never a reason to fail a command
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            atomic_write_text(path, text)


def noted_backend(project: BackendProject) -> S3State | None:
    """The S3 backend last opened from this checkout, if any was noted."""
    try:
        doc = json.loads(_note_path(project).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
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


__all__ = [
    "BACKEND_NOTE",
    "backend_name",
    "note_backend",
    "noted_backend",
    "open_state_store",
    "open_usage",
]
