"""``vidspec catalog``'s flow: the project's provider, asked for its catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vidspec.app.workflow import counted_provider
from vidspec.core.clock import Clock, SystemClock
from vidspec.project.config import load_project
from vidspec.state import open_state_store


def fetch_catalog_document(directory: Path, *, clock: Clock | None = None) -> dict[str, Any]:
    """Load the project in ``directory`` and ask its provider for the catalog (one request;
    Vidnoz: two, paced on ``clock``, the real time by default)."""
    project = load_project(directory)
    usage = open_state_store(project).usage()
    with counted_provider(project, clock or SystemClock(), usage=usage) as provider:
        return provider.catalog().to_json()
