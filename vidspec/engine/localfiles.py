"""What is on disk at the ``download:`` paths: the facts the pure planner is given.

``local_files`` looks at every path the manifests want that the state recorded a saved file
for, and at the saved files of videos no manifest wants: its size, and its sha256 when the
size matches the record (a different size cannot be the same file, so it is not read). The
planner turns these values into ``download`` actions and the files a delete removes or a move
takes along (``vidspec.plan.downloads``); apply uses ``already_saved``, the same rule, to skip
a file that is in place by the time it gets there, and checks a file again before it removes
(``remove_saved``) or moves (``move_saved``) it: only what vidspec saved, unchanged.

A ``download:`` path must resolve inside the project directory: ``download_target`` refuses a
path that leaves it, also through a symlinked folder, whatever the manifest said.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Collection
from pathlib import Path

from vidspec.core.addresses import select
from vidspec.core.errors import VidspecError
from vidspec.plan.downloads import LocalFile, download_reason
from vidspec.project.model import Desired
from vidspec.project.pathrules import path_problem
from vidspec.project.protect import ProtectedPaths
from vidspec.state import DownloadRecord, State

_CHUNK = 1 << 16


class DownloadPathError(VidspecError):
    """A ``download:`` path that leaves the project directory."""


def download_target(root: Path, relative: str, protected: ProtectedPaths | None = None) -> Path:
    """The absolute file a ``download:`` path names, or ``DownloadPathError``: outside the
    project, or a path no download may take (``vidspec.project.protect``; the loader refused
    it already, this is the last guard before a file is written)."""
    refused = path_problem(relative, root)
    if refused is not None:  # checked on the text: pathlib would raise ValueError or OSError
        raise DownloadPathError(
            f"download path {relative!r} {refused}; nothing was written",
            "Give the video a path every system accepts in the manifest, e.g. out/video.mp4.",
        )
    base = root.resolve()
    try:
        target = (base / relative).resolve()
    except (OSError, ValueError) as exc:
        raise DownloadPathError(
            f"download path {relative!r} cannot be resolved ({exc}); nothing was written",
            "Give the video a path inside the project in the manifest, e.g. out/video.mp4.",
        ) from exc
    if target == base or not target.is_relative_to(base):
        raise DownloadPathError(
            f"download path {relative!r} leads outside the project directory ({target})",
            "Use a path inside the project directory, without .. or a symlink leading out.",
        )
    if protected is not None:
        why = protected.reason_resolved(root, relative)
        if why is not None:
            raise DownloadPathError(
                f"download path {relative!r} {why}; nothing was written",
                "Give the video a file of its own in the manifest, e.g. out/video.mp4.",
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


def look_at(root: Path, relative: str, sizes: Collection[int]) -> LocalFile | None:
    """The regular file at ``relative`` (``None``: none, unreadable, or outside the project);
    hashed only when its size is one of ``sizes`` (the sizes the state recorded for it)."""
    try:
        target = download_target(root, relative)
        info = target.stat()
    except (OSError, DownloadPathError):
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    if info.st_size not in sizes:
        return LocalFile(size=info.st_size, sha256=None)
    digest = file_sha256(target)
    return None if digest is None else LocalFile(size=info.st_size, sha256=digest)


def local_files(
    desired: Desired,
    state: State,
    root: Path,
    *,
    targets: Collection[str] = (),
    destroy: bool = False,
) -> dict[str, LocalFile | None]:
    """What is at each ``download:`` path that a wanted video (of ``targets``, when given)
    names and the state recorded a file at, and at the files the state recorded for videos no
    manifest wants (every video, for ``destroy``): removed, or moved, with their video."""
    sizes: dict[str, set[int]] = {}
    for record in state.videos.values():
        if record.download is not None:
            sizes.setdefault(record.download.path, set()).add(record.download.size)
    chosen = select(targets, desired.videos) if targets else set()
    wanted = {
        video.download
        for address, video in desired.videos.items()
        if video.download is not None and (not targets or address in chosen) and not destroy
    }
    leaving_ones = select(targets, state.videos) if targets else state.videos.keys()
    leaving = {
        record.download.path
        for address, record in state.videos.items()
        if record.download is not None
        and (destroy or address not in desired.videos)
        and address in leaving_ones
    }
    paths = (wanted | leaving) & sizes.keys()
    return {path: look_at(root, path, sizes[path]) for path in sorted(paths)}


def already_saved(root: Path, known: DownloadRecord | None, relative: str) -> bool:
    """True when ``known`` (the state's record for this same video) is still on disk at
    ``relative``, with its recorded size and sha256."""
    if known is None or known.path != relative:
        return False
    found = look_at(root, relative, (known.size,))
    return download_reason(relative, known, {relative: found}) is None


def remove_saved(root: Path, saved: DownloadRecord) -> str:
    """Remove the file vidspec saved for a deleted video, if it is still what was saved (its
    size and sha256): a file the user changed since is theirs and stays. Returns what became
    of it, for the results table."""
    found = look_at(root, saved.path, (saved.size,))
    if found is None:
        return ""  # gone already
    if found.size != saved.size or found.sha256 != saved.sha256:
        return f"{saved.path} changed since vidspec saved it: left as it is"
    try:
        download_target(root, saved.path).unlink()
    except (OSError, DownloadPathError) as exc:
        return f"{saved.path} not removed: {getattr(exc, 'strerror', None) or exc}"
    return f"removed {saved.path}"


def move_saved(
    root: Path, saved: DownloadRecord, relative: str, protected: ProtectedPaths | None
) -> DownloadRecord | str:
    """Move the file vidspec saved to ``relative`` (a moved video's new ``download:``), if it
    is still what was saved and nothing is there yet: its new record, or why it stayed."""
    if not already_saved(root, saved, saved.path):
        return f"{saved.path} is not the file vidspec saved any more: not moved"
    try:
        target = download_target(root, relative, protected)
        if target.exists() or target.is_symlink():
            return f"{relative} exists already: {saved.path} not moved"
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(download_target(root, saved.path), target)
    except (OSError, DownloadPathError) as exc:
        return f"{saved.path} not moved: {getattr(exc, 'strerror', None) or exc}"
    return DownloadRecord(path=relative, size=saved.size, sha256=saved.sha256)
