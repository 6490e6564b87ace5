"""The paths a ``download:`` may not take, and the files a manifest may not read.

Apply writes a video over whatever stands at a ``download:`` path. So a target may not be, or
lie under: ``.git/`` or ``.vidspec/`` (at any depth and in any letter case: a case-insensitive
file system writes ``.GIT/config`` into ``.git/config``), the state file and vidspec's files
beside it, vidspec.yaml, a manifest, a ``{file:}`` text, a ``for_each`` data file, or another
video's target; and it may not lead out of the project through a symlinked folder. The loader
refuses such a path at ``validate`` and ``plan``, at the ``download:`` line
(``vidspec.project.loader``); apply checks again before it writes
(``vidspec.engine.localfiles.download_target``), whatever a plan file says.

Paths are compared as written (normalised) and as they resolve (symlinks followed), so a
symlinked folder cannot lead a download onto a protected file either.

Reads follow the same rule (``read_refusal``): a ``{file:}`` text or ``for_each`` rows may not
be, or lie under, ``.git/``, ``.vidspec/``, the state or vidspec's files beside it, and may not
lead out of the project. A manifest is what a pull request changes, and what it reads ends up
in the plan posted on that pull request: ``.git/config`` holds the checkout's credentials.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from vidspec.core.errors import Problem
from vidspec.core.location import SourceLocation
from vidspec.project.pathrules import path_problem

NEVER_WRITTEN: Mapping[str, str] = {
    ".git": ".git/, git's own directory",
    ".vidspec": ".vidspec/, vidspec's own directory",
}


def relative_key(path: Path, root: Path) -> str | None:
    """``path`` relative to ``root`` as a case-folded POSIX key; ``None`` when outside it."""
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    if relative == ".." or relative.startswith(".." + os.sep) or os.path.isabs(relative):
        return None
    return Path(relative).as_posix().casefold()


@dataclass(frozen=True)
class ProtectedPaths:
    """Project-relative keys (``relative_key``) of files and folders no download may write,
    each with what it is (``the state file``, ``a manifest`` ...)."""

    paths: Mapping[str, str] = field(default_factory=dict)

    def reason(self, relative: str) -> str | None:
        """Why a download may not write ``relative`` (a normalised project-relative POSIX
        path), e.g. ``is inside .git/, git's own directory``; ``None`` when it may."""
        parts = relative.split("/")
        for index, part in enumerate(parts):
            never = NEVER_WRITTEN.get(part.casefold())
            if never is not None:
                return f"is inside {never}"
            what = self.paths.get("/".join(parts[: index + 1]).casefold())
            if what is not None:
                return f"is {what}" if index == len(parts) - 1 else f"is inside {what}"
        return None

    def reason_resolved(
        self, root: Path, relative: str, resolve: Callable[[Path], Path] = Path.resolve
    ) -> str | None:
        """``reason`` for ``relative`` as written and as it resolves (``resolve``: symlinks
        followed); also says when it leaves the project through a symlink."""
        why = self.reason(relative)
        if why is not None:
            return why
        resolved = relative_key(resolve(root / relative), resolve(root))
        if resolved is None:
            return "leads outside the project directory through a symlinked folder"
        return self.reason(resolved)


class ResolvedKeys:
    """``relative_key`` of many project paths as they resolve, for thousands of downloads in
    few folders: each folder is resolved once and its symlinks listed once (one ``scandir``),
    so a path costs a lookup; a file is resolved itself only when it is a symlink."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._real_root = root.resolve()
        self._folders: dict[str, tuple[str | None, frozenset[str]]] = {}

    def __call__(self, relative: str) -> str | None:
        """The key of ``root/relative`` resolved; ``None`` when it leads outside."""
        folder, _, name = relative.rpartition("/")
        entry = self._folders.get(folder)
        if entry is None:
            entry = self._folders[folder] = self._folder(folder)
        key, links = entry
        if name in links or key is None:
            return relative_key((self._root / relative).resolve(), self._real_root)
        return f"{key}/{name.casefold()}" if key != "." else name.casefold()

    def _folder(self, folder: str) -> tuple[str | None, frozenset[str]]:
        path = self._root / folder
        try:
            with os.scandir(path) as entries:
                links = frozenset(e.name for e in entries if e.is_symlink())
        except OSError:  # not there yet (apply makes it), or not a folder: resolve says which
            links = frozenset()
        return relative_key(path.resolve(), self._real_root), links


def protected_paths(
    root: Path,
    vidspec_files: Mapping[Path, str],
    sources: Iterable[Path],
    texts: Iterable[Path],
    data: Iterable[Path] = (),
) -> ProtectedPaths:
    """The ``ProtectedPaths`` of a project: ``vidspec_files`` (vidspec.yaml, the state, its
    backup, lock and usage files: path -> what), the manifests (``sources``), the
    ``{file:}`` texts and the ``for_each`` rows (``data``), each as written and as it
    resolves."""
    named: list[tuple[Path, str]] = list(vidspec_files.items())
    named += [(path, "a manifest") for path in sources]
    named += [(path, "a {file:} text of a manifest") for path in texts]
    named += [(path, "a for_each data file") for path in data]
    real_root = root.resolve()
    paths: dict[str, str] = {}
    for path, what in named:
        for key in (relative_key(path, root), relative_key(path.resolve(), real_root)):
            if key is not None:
                paths.setdefault(key, what)
    return ProtectedPaths(paths)


OUTSIDE = "points outside the project directory"


def read_refusal(
    root: Path, reference: str, target: Path, own: ProtectedPaths
) -> tuple[str, str] | None:
    """Why a manifest may not read ``target`` (its ``{file:}`` or ``for_each`` file, written
    ``reference``), and what to do; ``None`` when it may. ``own``: the ``ProtectedPaths`` of
    vidspec's files alone (``protected_paths`` of them): a text may read another text."""
    real = target.resolve()
    written, inside = relative_key(target, root), relative_key(real, root.resolve())
    if os.path.isabs(reference) or written is None or inside is None:
        return OUTSIDE, "move the file into the project directory, where vidspec.yaml is"
    why = own.reason(written) or own.reason(inside)
    if why is None:
        return None
    return why, "vidspec reads no file of git's or its own: point at a file of the project"


def download_refused(raw: str, normal: str | None, root: Path) -> tuple[str, str] | None:
    """What is wrong with the ``download:`` path ``raw`` (``normal``: as ``download_path``
    normalised it, ``None`` when it leaves the project) and what to do; ``None``: nothing.
    Judged on the text alone: a path the filesystem refuses never reaches a file call."""
    if normal is None:
        return (
            f"download path {raw!r} leaves the project directory",
            "write a path inside the project, e.g. out/video.mp4",
        )
    why = path_problem(normal, root)
    if why is not None:
        return (
            f"download path {raw!r} {why}",
            "write a path every system accepts, e.g. out/video.mp4",
        )
    return None


@dataclass(frozen=True, slots=True)
class DownloadTarget:
    """A video's ``download:`` path (normalised, project-relative) and where it is written."""

    address: str
    path: str
    location: SourceLocation


def check_downloads(
    root: Path, targets: list[DownloadTarget], protected: ProtectedPaths
) -> list[Problem]:
    """A problem at each ``download:`` line that would overwrite vidspec's or the project's
    files, leave the project through a symlink, or take another video's target."""
    by_path: dict[str, list[DownloadTarget]] = {}
    for target in targets:
        by_path.setdefault(target.path.casefold(), []).append(target)
    resolved = ResolvedKeys(root)
    problems = []
    for target in targets:
        why = _resolved_reason(protected, target.path, resolved) or _other_target(target, by_path)
        if why is not None:
            problems.append(
                Problem(
                    target.location,
                    f"download path {target.path!r} {why}",
                    f"give the video a file of its own, e.g. out/{target.address}.mp4",
                )
            )
    return problems


def _resolved_reason(
    protected: ProtectedPaths, relative: str, resolved: ResolvedKeys
) -> str | None:
    """``ProtectedPaths.reason_resolved`` through ``resolved`` (the same verdicts, as ``reason``
    reads a path case-folded: a path that resolves to itself is looked at once)."""
    why = protected.reason(relative)
    if why is not None:
        return why
    key = resolved(relative)
    if key is None:
        return "leads outside the project directory through a symlinked folder"
    return None if key == relative.casefold() else protected.reason(key)


def _other_target(
    target: DownloadTarget, by_path: Mapping[str, list[DownloadTarget]]
) -> str | None:
    """Whether ``target`` is, or lies under, another video's download path."""
    parts = target.path.casefold().split("/")
    for index in range(len(parts), 0, -1):
        for other in by_path.get("/".join(parts[:index]), ()):
            if other.address != target.address:
                inside = "is also" if index == len(parts) else "is inside"
                return f"{inside} the download path of '{other.address}' (at {other.location})"
    return None
