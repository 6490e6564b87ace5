"""Atomic file writes: temp file in the same directory, fsync, rename; optional backup.

A reader (or a crash) sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path


def atomic_write_bytes(
    path: Path, data: bytes, *, backup: Path | None = None, durable: bool = True
) -> None:
    """Replace ``path`` with ``data`` atomically. With ``backup``, the old file is copied there
    first (also atomically), so the previous content survives a bad write. ``durable=False``
    skips the fsyncs: the write still survives the process being killed, not a power cut
    (for a count written after every request, where the fsyncs would cost more than the
    request)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if backup is not None and path.exists():
        _copy_atomic(path, backup)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if durable:
        _fsync_dir(path.parent)


def atomic_write_text(
    path: Path, text: str, *, backup: Path | None = None, durable: bool = True
) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), backup=backup, durable=durable)


def _copy_atomic(src: Path, dest: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _fsync_dir(directory: Path) -> None:
    # The rename is durable only once the directory entry is; not every OS lets us open one.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
