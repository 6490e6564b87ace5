"""Saving finished videos where ``download:`` says, inside the project directory.

The provider fetches the link, then the file, and writes it atomically (temp file beside the
target, fsync, rename). The target must resolve inside the project directory (a symlinked
folder pointing elsewhere is refused at write time, whatever the manifest said), and a file
already there whose size and sha256 match what the state recorded for the same video is not
fetched again (``vidspec.engine.localfiles``).

A video is saved when apply sees it finish. A finished video whose file is not on disk as the
state recorded it is the plan's ``download`` action (``vidspec.plan.downloads``), executed
with ``save_video`` like the rest.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from vidspec.engine.localfiles import (
    DownloadPathError,
    already_saved,
    download_target,
    file_sha256,
)
from vidspec.project.protect import ProtectedPaths
from vidspec.providers.base import Provider
from vidspec.state import DownloadRecord

__all__ = ["DownloadPathError", "already_saved", "download_target", "file_sha256", "save_video"]


def _read_umask() -> int:
    # There is no getter; read it at import time, while the program is still single-threaded.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def save_video(
    provider: Provider,
    video_id: str,
    root: Path,
    relative: str,
    known: DownloadRecord | None = None,
    protected: ProtectedPaths | None = None,
) -> tuple[DownloadRecord, bool]:
    """Make sure ``relative`` holds the finished video ``video_id``; returns its record and
    whether it was fetched (False: the file was already there, hash matching). Refuses a
    ``protected`` path (and ``.git/``, ``.vidspec/``) before any request."""
    target = download_target(root, relative, protected or ProtectedPaths())
    if already_saved(root, known, relative):
        assert known is not None
        return known, False
    result = provider.download(video_id, target)
    # The file was written through a private temp file (mode 0600); a video is not a secret.
    with contextlib.suppress(OSError):
        os.chmod(target, 0o666 & ~_UMASK)
    return DownloadRecord(path=relative, size=result.size, sha256=result.sha256), True
