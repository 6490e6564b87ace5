"""``for_each``: one definition, one video per key, at the address ``promo[KEY]``.

The loader (``vidspec.project.loader``) hands each video that has ``for_each`` to ``expand``
and loads every instance it returns like a video written out: defaults merged, ``{file:}``
read (its path may hold placeholders), checked against the complete schema. What a check finds
at a field filled from a row is that row's problem: ``row_problems`` names the row (and the
columns) beside the template's line, so both places are in the message. A problem of the
template itself reads the same for every instance and is reported once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vidspec.core.addresses import instance_address
from vidspec.core.errors import Problem
from vidspec.core.location import SourceLocation
from vidspec.project.each_source import KEY, EachRow, EachSource, read_source
from vidspec.project.loctree import LocTree, child, locate
from vidspec.project.placeholders import Template, check_names, compile_template, fill
from vidspec.project.protect import ProtectedPaths
from vidspec.project.yamlload import MAX_FILE_BYTES

FOR_EACH = "for_each"
_UNUSED_SHOWN = 5  # unused columns named in the one warning about them


@dataclass(frozen=True)
class Instance:
    """One video of a definition: its address, its fields (placeholders filled, ``for_each``
    gone) and the row it came from; ``row_fields`` maps each filled field's location to the
    names of the placeholders in it."""

    address: str
    video: dict[str, Any]
    row: EachRow
    row_fields: dict[SourceLocation, tuple[str, ...]]


@dataclass
class Expansion:
    """A definition's instances, or the problems that stopped them, and its warnings."""

    name: str
    source: EachSource
    instances: list[Instance] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    template_locs: LocTree = None


def expand(
    name: str,
    video: dict[str, Any],
    where: SourceLocation,
    locs: LocTree,
    *,
    manifest: Path,
    root: Path,
    own: ProtectedPaths,
) -> Expansion:
    """The instances of one ``for_each`` video (``where``: its address's location); ``own``:
    vidspec's files, which its rows may not be read from (``protect.read_refusal``)."""
    entry = child(locs, FOR_EACH)
    each_where = entry[0] if entry else where
    source = read_source(
        video.get(FOR_EACH), entry[1] if entry else None, each_where, manifest, root, own
    )
    template_value = {k: v for k, v in video.items() if k != FOR_EACH}
    template_locs: LocTree = (
        {k: v for k, v in locs.items() if k != FOR_EACH} if isinstance(locs, dict) else None
    )
    template = compile_template(template_value, template_locs, where)
    expansion = Expansion(name, source, template_locs=template_locs)
    expansion.problems += source.problems + template.problems
    if not source.names:
        return expansion  # the source could not be read: nothing to check names against
    named = check_names(template, source.names, name)
    expansion.problems += named
    _warn_unused(expansion, template, each_where)
    if named or template.problems:
        return expansion  # the rows that were read are still checked: all problems at once
    row_fields = _row_fields(template, where, template_locs)
    for row in source.rows:
        filled, problems = fill(template_value, template, row)
        if problems:  # a row without a field: its video is not checked further
            expansion.problems += problems
            continue
        expansion.instances.append(
            Instance(instance_address(name, row.key), filled, row, row_fields)
        )
    return expansion


def _row_fields(
    template: Template, where: SourceLocation, locs: LocTree
) -> dict[SourceLocation, tuple[str, ...]]:
    """The location of each field filled from a row -> the placeholders in it. A ``{file:}``
    path filled from a row also counts at its text field's location (``script``), where the
    loader reports what is wrong with the file it names."""
    fields: dict[SourceLocation, tuple[str, ...]] = {}
    for f in template.fields:
        names = tuple(r.name for r in f.refs)
        if not names:
            continue
        fields[f.location] = names
        if f.path[-1:] == ("file",):
            fields.setdefault(locate(where, locs, f.path[:-1]), names)
    return fields


def may_name_data_files(path: Path) -> bool:
    """Whether the manifest at ``path`` may hold ``for_each: {file: …}``: its text has the
    word, or a backslash (a double-quoted key may spell it with an escape). A file that cannot
    be read says so when it is loaded."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return False
        text = path.read_bytes()
    except OSError:
        return False
    return FOR_EACH.encode() in text or b"\\" in text


def data_files(docs: list[Any]) -> set[Path]:
    """The files that ``for_each: {file: …}`` of these documents (``YamlDocument``) name."""
    found = set()
    for doc in docs:
        videos = (
            doc.value.get("videos") if doc is not None and isinstance(doc.value, dict) else None
        )
        for video in videos.values() if isinstance(videos, dict) else ():
            each = video.get(FOR_EACH) if isinstance(video, dict) else None
            if isinstance(each, dict) and isinstance(each.get("file"), str):
                found.add(Path(os.path.normpath(doc.path.parent / each["file"])))
    return found


def _warn_unused(expansion: Expansion, template: Template, where: SourceLocation) -> None:
    """One warning for the columns no placeholder uses, however many (a sheet of 10,000
    columns gives one line with the count and the first few names, not 10,000 lines)."""
    used = template.names
    source = expansion.source
    unused = [c for c in source.names if c != KEY and c not in used and c != source.key_column]
    if not unused:
        return
    of = f" of {source.display}" if source.display else ""
    if len(unused) == 1:
        what = f"column `{unused[0]}`{of} is" if source.display else f"`{unused[0]}` is"
    else:
        names = ", ".join(f"`{c}`" for c in unused[:_UNUSED_SHOWN])
        more = f" and {len(unused) - _UNUSED_SHOWN:,} more" if len(unused) > _UNUSED_SHOWN else ""
        what = f"{len(unused):,} columns{of} ({names}{more}) are"
    expansion.warnings.append(
        f"{where}: for_each of '{expansion.name}': {what} not used by any placeholder "
        f"(a typo in a placeholder or a header?)"
    )


def row_problems(problems: list[Problem], instance: Instance) -> list[Problem]:
    """The problems found in one instance, each found at a field filled from the row naming
    the instance, the row and its columns (the location stays the template's line)."""
    named = []
    for problem in problems:
        names = instance.row_fields.get(problem.location)
        if names is None:
            named.append(problem)
            continue
        columns = ", ".join(f"`{n}`" for n in dict.fromkeys(names))
        noun = "column" if instance.row.from_text else "field"
        noun += "s" if len(set(names)) > 1 else ""
        named.append(
            Problem(
                problem.location,
                f"{problem.message} (in {instance.address}, from {instance.row.location}, "
                f"{noun} {columns})",
                problem.hint,
            )
        )
    return named
