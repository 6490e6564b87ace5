"""Saving finished videos where ``download:`` says, inside the project directory.

The provider fetches the link, then the file, and writes it atomically (temp file beside the
target, fsync, rename). Here: the target must resolve inside the project directory (a
symlinked folder pointing elsewhere is refused at write time, whatever the manifest said),
and a file already there whose sha256 matches what the state recorded for the same video is
not fetched again.

A video is saved when apply sees it finish. ``missing_downloads`` finds the managed, finished
videos whose file is not on disk as the state recorded it (the apply that made the video was
run with ``--no-wait`` or interrupted, the download failed, ``download:`` was added or moved,
or the file was deleted): apply saves those too, without generating anything.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from vidspec.errors import VidspecError
from vidspec.manifest.model import Desired
from vidspec.providers.base import Provider, RemoteVideo, TaskState
from vidspec.state import DownloadRecord, State

_CHUNK = 1 << 16


def _read_umask() -> int:
    # There is no getter; read it at import time, while the program is still single-threaded.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


class DownloadPathError(VidspecError):
    """A ``download:`` path that leaves the project directory."""


def download_target(root: Path, relative: str) -> Path:
    """The absolute file a ``download:`` path names, or ``DownloadPathError``."""
    base = root.resolve()
    target = (base / relative).resolve()
    if target == base or not target.is_relative_to(base):
        raise DownloadPathError(
            f"download path {relative!r} leads outside the project directory ({target})",
            "Use a path inside the project directory, without .. or a symlink leading out.",
        )
    return target


def file_sha256(path: Path) -> str | None:
    """The hex sha256 of a file, or ``None`` when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def already_saved(root: Path, known: DownloadRecord | None, relative: str) -> bool:
    """True when ``known`` (the state's record for this same video) is still on disk at
    ``relative``, with its recorded size and sha256."""
    if known is None or known.path != relative:
        return False
    try:
        target = download_target(root, relative)
        if not target.is_file() or target.stat().st_size != known.size:
            return False
    except (OSError, DownloadPathError):
        return False
    return file_sha256(target) == known.sha256


def save_video(
    provider: Provider,
    video_id: str,
    root: Path,
    relative: str,
    known: DownloadRecord | None = None,
) -> tuple[DownloadRecord, bool]:
    """Make sure ``relative`` holds the finished video ``video_id``; returns its record and
    whether it was fetched (False: the file was already there, hash matching)."""
    if already_saved(root, known, relative):
        assert known is not None
        return known, False
    target = download_target(root, relative)
    result = provider.download(video_id, target)
    # The file was written through a private temp file (mode 0600); a video is not a secret.
    with contextlib.suppress(OSError):
        os.chmod(target, 0o666 & ~_UMASK)
    return DownloadRecord(path=relative, size=result.size, sha256=result.sha256), True


@dataclass(frozen=True)
class DownloadNeed:
    """A managed, finished video whose ``download:`` file is not on disk as recorded."""

    kind: ClassVar[str] = "download"

    address: str
    video_id: str
    path: str
    reason: str
    known: DownloadRecord | None = None

    @property
    def remote_id(self) -> str:
        return self.video_id


def missing_downloads(
    desired: Desired,
    state: State,
    remote: Sequence[RemoteVideo] | None,
    root: Path,
    *,
    skip: Collection[str] = (),
) -> tuple[DownloadNeed, ...]:
    """The finished videos to save; ``skip``: addresses the plan replaces or removes anyway.
    With a listing (``remote``), a video counts as finished when the listing says so."""
    by_id = {v.id: v for v in remote} if remote is not None else None
    needs = []
    for address, want in desired.videos.items():
        record = state.videos.get(address)
        if want.download is None or record is None or address in skip:
            continue
        status = record.status
        if by_id is not None:
            seen = by_id.get(record.id)
            if seen is None:
                continue  # gone: the plan creates it again
            status = seen.state
        if status is not TaskState.DONE or already_saved(root, record.download, want.download):
            continue
        if record.download is None:
            reason = "finished, not saved yet"
        elif record.download.path != want.download:
            reason = f"download: changed from {record.download.path}"
        else:
            reason = "the saved file is missing or changed"
        same = (
            record.download if record.download and record.download.path == want.download else None
        )
        needs.append(DownloadNeed(address, record.id, want.download, reason, same))
    return tuple(needs)
