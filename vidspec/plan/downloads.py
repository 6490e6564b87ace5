"""Finished videos whose ``download:`` file is not saved: the plan's ``download`` actions. Pure.

A managed video that is done and wanted with ``download:`` is downloaded again when the state
recorded no file for it (the apply that made it ran with ``--no-wait``, was interrupted, or its
download failed), recorded another path (``download:`` changed), or when the file on disk is
missing or differs in size or sha256 from the record (deleted, overwritten). What is on disk is
a value the caller passes in (``LocalFiles``; ``vidspec.engine.localfiles`` looks): the planner
reads no file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeAlias

from vidspec.plan import cost as costs
from vidspec.plan.actions import ActionCost, Download
from vidspec.project.model import DesiredVideo
from vidspec.state.model import DownloadRecord, VideoRecord

REASON_NOT_SAVED = "not saved yet"
REASON_MISSING = "file missing"
REASON_CHANGED = "file changed"


@dataclass(frozen=True)
class LocalFile:
    """A file found at a ``download:`` path: its size, and its hex sha256 (``None``: not
    read, because its size already differs from what the state recorded)."""

    size: int
    sha256: str | None


LocalFiles: TypeAlias = Mapping[str, LocalFile | None]
"""Project-relative ``download:`` path -> the file there (``None``: no file). A path that is
not a key was not looked at, and the state's record of it is trusted."""


def download_reason(path: str, saved: DownloadRecord | None, files: LocalFiles) -> str | None:
    """Why the finished video must be saved at ``path`` (``saved``: what the state recorded
    for this same video), or ``None`` when the file there is the one recorded."""
    if saved is None:
        return REASON_NOT_SAVED
    if saved.path != path:
        return f"download: changed from {saved.path}"
    if path not in files:
        return None
    found = files[path]
    if found is None:
        return REASON_MISSING
    if found.size != saved.size or found.sha256 != saved.sha256:
        return REASON_CHANGED
    return None


def download_action(want: DesiredVideo, record: VideoRecord, files: LocalFiles) -> Download | None:
    """The download of ``record``'s finished video to ``want.download``, if one is needed."""
    if want.download is None:
        return None
    reason = download_reason(want.download, record.download, files)
    if reason is None:
        return None
    return Download(
        address=want.address,
        reason=reason,
        cost=ActionCost(api_requests=costs.REQUESTS_PER_DOWNLOAD),
        video_id=record.id,
        download=want.download,
    )


def saved_file_intact(saved: DownloadRecord, files: LocalFiles) -> bool | None:
    """Whether the file vidspec saved (``saved``) is still on disk as it was saved: ``True``
    (or not looked at: the state is trusted, and apply checks again before it touches the
    file), ``False`` when it changed since, ``None`` when it is gone."""
    if saved.path not in files:
        return True
    found = files[saved.path]
    if found is None:
        return None
    return found.size == saved.size and found.sha256 == saved.sha256


def changed_file_note(address: str, path: str, what: str) -> str:
    """The plan's warning for a saved file that changed since: vidspec leaves it."""
    return (
        f"{address}: {path} changed since vidspec saved it, so it stays where it is when the "
        f"video is {what} (remove it yourself if you do not need it)."
    )
