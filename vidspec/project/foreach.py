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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vidspec.core.addresses import instance_address
from vidspec.core.errors import Problem
from vidspec.core.location import SourceLocation
from vidspec.project.each_source import KEY, EachRow, EachSource, read_source
from vidspec.project.loctree import LocTree, child, locate
from vidspec.project.model import row_note
from vidspec.project.placeholders import (
    FillNotes,
    Template,
    check_names,
    compile_template,
    fill,
)
from vidspec.project.protect import ProtectedPaths
from vidspec.project.schema_errors import dotted, show
from vidspec.project.yamlload import MAX_FILE_BYTES

FOR_EACH = "for_each"
_ROWS_SHOWN = 5  # lines of other rows an empty-cell warning names
_UNUSED_SHOWN = 5  # unused columns named in the one warning about them


@dataclass(frozen=True)
class Instance:
    """One video of a definition: its address, its fields (placeholders filled, ``for_each``
    gone) and the row it came from; ``row_fields`` maps each filled field's location to the
    names of the placeholders in it, ``row_paths`` its dotted path."""

    address: str
    video: dict[str, Any]
    row: EachRow
    row_fields: dict[SourceLocation, tuple[str, ...]]
    row_paths: dict[str, tuple[str, ...]]  # the same by dotted path (shared by the instances)


@dataclass
class Expansion:
    """A definition's instances, or the problems that stopped them."""

    name: str
    source: EachSource
    instances: list[Instance] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    template_locs: LocTree = None
    each_where: SourceLocation | None = None  # where ``for_each`` is written
    used: set[str] = field(default_factory=set)  # the names the template's strings use
    empty: EmptyCells = field(default_factory=lambda: EmptyCells())


@dataclass
class EmptyCells:
    """The empty values a definition's rows put inside longer text (``Spring promo: ``), by
    name: one warning per name, at its first row (a ``required`` name is refused at the row
    before: ``vidspec.project.each_source``)."""

    found: dict[str, list[tuple[EachRow, str, str]]] = field(default_factory=dict)

    def add(self, row: EachRow, address: str, notes: FillNotes, text_field: str = "") -> None:
        """Note ``notes.empty`` of the instance ``address`` (``text_field``: the field whose
        ``{file:}`` text was filled; else each note's own path names the field)."""
        for path, name, text in notes.empty:
            label = text_field or dotted(path)
            self.found.setdefault(name, []).append((row, f"{label} of {address}", text))

    def warnings(self, definition: str) -> list[str]:
        warnings = []
        for name, seen in self.found.items():
            row, what, text = seen[0]
            noun = "column" if row.from_text else "field"
            others = list(dict.fromkeys(r.location.line for r, _, _ in seen[1:]))
            others = [line for line in others if line != row.location.line]
            more = ""
            if others:
                shown = ", ".join(str(line) for line in others[:_ROWS_SHOWN])
                rest = len(others) - _ROWS_SHOWN
                lines = "lines" if len(others) > 1 else "line"
                more = f" (also on {lines} {shown}" + (f" and {rest} more)" if rest > 0 else ")")
            warnings.append(
                f"{row.location}: for_each of '{definition}': {noun} `{name}` is empty{more}, "
                f"so {what} reads {show(text)} (fill it, or list `{name}` in for_each's "
                "`required` to refuse an empty one)"
            )
        return warnings


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
    expansion = Expansion(name, source, template_locs=template_locs, each_where=each_where)
    expansion.problems += source.problems + template.problems
    if not source.names:
        return expansion  # the source could not be read: nothing to check names against
    named = check_names(template, source, name)
    expansion.problems += named
    expansion.used = template.names
    if named or template.problems:
        return expansion  # the rows that were read are still checked: all problems at once
    row_fields, row_paths = _row_fields(template, where, template_locs)
    for row in source.rows:
        filled, notes = fill(template_value, template, row)
        if notes.problems:  # a row without a field: its video is not checked further
            expansion.problems += notes.problems
            continue
        address = instance_address(name, row.key)
        expansion.empty.add(row, address, notes)
        expansion.instances.append(Instance(address, filled, row, row_fields, row_paths))
    return expansion


def _row_fields(
    template: Template, where: SourceLocation, locs: LocTree
) -> tuple[dict[SourceLocation, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """The location of each field filled from a row -> the placeholders in it, and the same
    by dotted path. A ``{file:}`` path filled from a row also counts at its text field
    (``script``), where the loader reports what is wrong with the file it names."""
    fields: dict[SourceLocation, tuple[str, ...]] = {}
    paths: dict[str, tuple[str, ...]] = {}
    for f in template.fields:
        names = tuple(r.name for r in f.refs)
        if not names:
            continue
        fields[f.location] = names
        paths[dotted(f.path)] = names
        if f.path[-1:] == ("file",):
            fields.setdefault(locate(where, locs, f.path[:-1]), names)
            paths.setdefault(dotted(f.path[:-1]), names)
    return fields, paths


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


def unused_columns(expansion: Expansion, used: set[str]) -> list[str]:
    """One warning for the names of the source that no placeholder uses (``used``: those of
    the template and of the ``{file:}`` texts its instances read), however many (a sheet of
    10,000 columns gives one line with the count and the first few names, not 10,000 lines)."""
    source = expansion.source
    unused = [c for c in source.names if c != KEY and c not in used and c != source.key_column]
    if not unused:
        return []
    of = f" of {source.display}" if source.display else ""
    if len(unused) == 1:
        what = f"column `{unused[0]}`{of} is" if source.display else f"`{unused[0]}` is"
    else:
        names = ", ".join(f"`{c}`" for c in unused[:_UNUSED_SHOWN])
        more = f" and {len(unused) - _UNUSED_SHOWN:,} more" if len(unused) > _UNUSED_SHOWN else ""
        what = f"{len(unused):,} columns{of} ({names}{more}) are"
    return [
        f"{expansion.each_where}: for_each of '{expansion.name}': {what} not used by any "
        "placeholder (a typo in a placeholder or a header?)"
    ]


def row_problems(
    problems: list[Problem],
    instance: Instance,
    filled: Mapping[str, tuple[SourceLocation, tuple[str, ...]]] | None = None,
) -> list[Problem]:
    """The problems found in one instance, each found at a field filled from the row naming
    the instance, the row and its columns (the location stays the template's line);
    ``filled``: the text fields whose ``{file:}`` text the row filled (path -> location and
    the names in it)."""
    from_texts: dict[SourceLocation, tuple[str, ...]] = {}
    for at, names in (filled or {}).values():
        from_texts[at] = from_texts.get(at, ()) + names
    named = []
    for problem in problems:
        where = problem.location
        names = instance.row_fields.get(where, ()) + from_texts.get(where, ())
        if not names:
            named.append(problem)
            continue
        note = row_note(instance.address, instance.row.location, names, instance.row.from_text)
        named.append(Problem(where, problem.message + note, problem.hint))
    return named
