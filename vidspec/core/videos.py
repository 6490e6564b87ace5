"""What a service says of one video, in vidspec's words: ``TaskState`` (a task's life,
normalised across services), ``RemoteVideo`` (one entry of a listing or a status call) and
``DownloadResult`` (its file, saved).

Shared values on the ground floor: the providers make them, the state records them, the
planner and the engine read them, and none of those may import another for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any


class TaskState(str, Enum):
    """A generation task's life, normalised across services."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELED = "canceled"

    @property
    def in_flight(self) -> bool:
        return self in (TaskState.QUEUED, TaskState.RUNNING)

    @property
    def finished(self) -> bool:
        return not self.in_flight


@dataclass(frozen=True)
class RemoteVideo:
    """One video (or task) as the service's listing or status call reports it.

    ``spec`` holds the generation fields the listing reported, in request-body shape (only the
    ``Capabilities.listing_fields``), or ``None`` when the listing tells nothing of content.
    """

    id: str
    name: str | None
    state: TaskState
    created_at: datetime
    duration: float | None = None
    resolution: str | None = None
    url: str | None = None
    spec: Mapping[str, Any] | None = None
    message: str | None = None
    key: str | None = None  # the correlation key its create carried, when the service says


@dataclass(frozen=True)
class DownloadResult:
    """A video's file saved whole: where, its size in bytes and its sha256."""

    path: Path
    size: int
    sha256: str


__all__ = ["DownloadResult", "RemoteVideo", "TaskState"]
