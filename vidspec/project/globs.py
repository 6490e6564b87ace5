"""The manifest files of a project: what the ``manifests:`` globs of vidspec.yaml match.

One rule for every file vidspec reads: a match must lie inside the project directory also
as it resolves (a folder symlinked outside is refused, as for ``{file:}``). A glob written in
vidspec.yaml that matches no file is a problem at its line: "0 videos" would plan to delete
every video the missing files held (issue 10).
"""

from __future__ import annotations

import os
from pathlib import Path

from vidspec.core.errors import Problem
from vidspec.core.location import SourceLocation
from vidspec.core.paths import display_path
from vidspec.project.config import Project
from vidspec.project.loctree import locate
from vidspec.project.resolve import is_inside
from vidspec.project.yamlload import YamlDocument


def manifest_paths(
    project: Project, project_doc: YamlDocument | None, *, unmatched_globs: bool = False
) -> tuple[list[Path], list[Problem]]:
    """The files the globs match (sorted, vidspec.yaml left out) and the problems found.
    ``unmatched_globs``: a glob may match nothing (``import --all`` writes the first file)."""
    found: set[Path] = set()
    problems: list[Problem] = []
    real_root = project.root.resolve()
    written = (
        project_doc is not None
        and isinstance(project_doc.value, dict)
        and "manifests" in project_doc.value
    )
    for index, pattern in enumerate(project.manifests):
        where = (
            locate(project_doc.root, project_doc.locs, ("manifests", index))
            if project_doc
            else SourceLocation(display_path(project.file))
        )
        try:
            matches = list(project.root.glob(pattern))
        except (ValueError, NotImplementedError) as exc:
            problems.append(Problem(where, f"manifest pattern {pattern!r} is not usable: {exc}"))
            continue
        files = sorted(
            path
            for path in (Path(os.path.abspath(match)) for match in matches)
            if path != project.file and path.is_file()
        )
        if not files and written and not unmatched_globs:
            problems.append(
                Problem(
                    where,
                    f"manifest pattern {pattern!r} matches no file",
                    "fix the pattern or remove it (a manifest that is not read plans to "
                    "delete its videos)",
                )
            )
        for path in files:
            if is_inside(path, real_root):
                found.add(path)
                continue
            problems.append(
                Problem(
                    where,
                    f"manifest {display_path(path)} (matched by {pattern!r}) leads outside "
                    "the project directory through a symlink",
                    "move the manifest into the project directory, where vidspec.yaml is",
                )
            )
    return sorted(found), problems
