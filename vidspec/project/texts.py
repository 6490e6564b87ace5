"""``{file: path}`` in the free-text fields: each file read once per load, and, in an instance
of a ``for_each``, filled as a template (Terraform's ``templatefile()``).

A text is relative to the manifest that names it, inside the project, UTF-8, one final newline
dropped. In an instance, ``${each.NAME}`` in the text is filled from the row and ``$${`` writes
a literal ``${``; an unknown name or a bad placeholder is a problem at its line and column of
the text file, reported once however many instances read it. A text read for a video without
``for_each``, or for ``defaults`` (merged after a row filled the video), is sent as written:
a ``${each.`` in it is a problem there, as nothing would fill it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vidspec.core.dicts import value_at
from vidspec.core.errors import ManifestError, Problem
from vidspec.core.location import SourceLocation
from vidspec.core.paths import display_path
from vidspec.project.foreach import Expansion, Instance
from vidspec.project.loctree import LocTree, locate
from vidspec.project.model import RowOrigin
from vidspec.project.pathrules import path_problem
from vidspec.project.placeholders import Template, check_names, compile_text, fill_text
from vidspec.project.protect import ProtectedPaths, read_refusal
from vidspec.project.resolve import (
    file_kind,
    file_reference,
    replace_path,
    strip_final_newline,
)
from vidspec.project.schema_errors import dotted
from vidspec.project.yamlload import YamlDocument, read_text

Filled = dict[str, tuple[SourceLocation, tuple[str, ...]]]
"""A text field's dotted path -> its location and the names of the placeholders its text held
(for an instance's problems found later at that field: they name the row's columns)."""


@dataclass(frozen=True)
class EachFill:
    """What fills the texts of one instance: the instance (its row) and its definition's
    expansion (what its ``for_each`` read, the names its strings use, its empty cells)."""

    instance: Instance
    expansion: Expansion


class TextFiles:
    """The ``{file:}`` texts of one load. Problems go to ``problems`` (the loader's list)."""

    def __init__(
        self,
        root: Path,
        own: ProtectedPaths,
        paths: tuple[tuple[str, ...], ...],
        problems: list[Problem],
    ) -> None:
        self.root = root
        self.own = own  # vidspec's files, never read (``protect.read_refusal``)
        self.paths = paths  # the free-text fields of the provider's schema
        self.problems = problems
        self.texts: dict[Path, str | None] = {}  # every file read (no download may take it)
        self._templates: dict[Path, Template] = {}
        self._checked: set[tuple[Path, str]] = set()  # (text, definition) checked for names
        self.used: dict[str, set[str]] = {}  # definition -> the names its texts use
        # (manifest, reference) -> the file, checked: thousands of instances name a few files
        self._targets: dict[tuple[Path, str], Path] = {}

    def read(
        self,
        doc: YamlDocument,
        value: dict[str, Any],
        locs: LocTree,
        where: SourceLocation,
        *,
        owner: str,
        each: EachFill | None = None,
    ) -> tuple[dict[str, Any], LocTree, Filled]:
        """``value`` with each ``{file: path}`` at a text field replaced by the file's text
        (filled from ``each`` in an instance); ``owner`` names, for a problem, what reads it
        (``video 'welcome'``, ``defaults``)."""
        filled: Filled = {}
        for path in self.paths:
            reference = file_reference(value_at(value, path))
            if reference is None:
                continue
            field_location = locate(where, locs, path)
            found = self._read(doc, reference, field_location, dotted(path))
            if found is None:
                continue
            target, text = found
            new: str | None = text
            if each is None:
                self._unfilled(target, text, owner)
            else:
                new, names = self._fill(target, text, each, dotted(path))
                if names:
                    filled[dotted(path)] = (field_location, names)
            if new is not None:
                value, locs = replace_path(value, locs, path, new)
        return value, locs, filled

    def _fill(
        self, target: Path, text: str, each: EachFill, text_field: str
    ) -> tuple[str | None, tuple[str, ...]]:
        template = self._template(target, text)
        if not template.fields:
            return text, ()
        found, row = each.expansion, each.instance.row
        if (target, found.name) not in self._checked:
            self._checked.add((target, found.name))
            self.used.setdefault(found.name, set()).update(template.names)
            self.problems += template.problems
            self.problems += check_names(template, found.source, found.name, found.used)
        if template.problems or not template.names <= set(found.source.names):
            return None, ()
        text, notes = fill_text(text, template, row)
        self.problems += notes.problems
        found.empty.add(row, each.instance.address, notes, text_field)
        return text, tuple(dict.fromkeys(r.name for f in template.fields for r in f.refs))

    def _unfilled(self, target: Path, text: str, owner: str) -> None:
        """A placeholder in a text that nothing fills: at its line and column."""
        for field in self._template(target, text).fields:
            for ref in field.refs:
                self.problems.append(
                    Problem(
                        ref.location,
                        f"`{ref.written}` is in a text read for {owner}: nothing fills it there",
                        "use the text in a video with for_each; vidspec never sends `${each.` "
                        "to the service",
                    )
                )

    def _template(self, target: Path, text: str) -> Template:
        template = self._templates.get(target)
        if template is None:
            template = self._templates[target] = compile_text(text, display_path(target))
        return template

    def _read(
        self, doc: YamlDocument, reference: str, where: SourceLocation, field: str
    ) -> tuple[Path, str] | None:
        target = self._targets.get((doc.path, reference))
        if target is None:
            target = self._target(doc, reference, where, field)
            if target is None:
                return None
            self._targets[(doc.path, reference)] = target
        if target not in self.texts:
            self.texts[target] = self._read_file(doc, target, where, field)
        text = self.texts[target]
        return None if text is None else (target, text)

    def _target(
        self, doc: YamlDocument, reference: str, where: SourceLocation, field: str
    ) -> Path | None:
        """The file ``reference`` names, or ``None`` and its problem."""
        refused = path_problem(reference, doc.path.parent)
        if refused is not None:
            self.problems.append(
                Problem(
                    where,
                    f"{field}: the path {reference!r} of {{file:}} {refused}",
                    "write a path every system accepts",
                )
            )
            return None
        target = Path(os.path.normpath(doc.path.parent / reference))
        refusal = read_refusal(self.root, reference, target, self.own)
        if refusal is not None:
            why, hint = refusal
            self.problems.append(Problem(where, f"{field}: {{file: {reference}}} {why}", hint))
            return None
        return target

    def _read_file(
        self, doc: YamlDocument, target: Path, where: SourceLocation, field: str
    ) -> str | None:
        shown = display_path(target)
        kind = file_kind(target)
        if kind == "missing":
            self.problems.append(
                Problem(
                    where,
                    f"{field}: file {shown} does not exist",
                    f"the path is relative to {doc.display}",
                )
            )
        elif kind != "file":  # never opened: reading a FIFO or a device could block forever
            self.problems.append(
                Problem(where, f"{field}: {shown} is {kind}, not a file", "point at a text file")
            )
        else:
            try:
                return strip_final_newline(read_text(target, shown, where))
            except ManifestError as exc:
                self.problems.extend(exc.problems)
        return None


def row_origin(instance: Instance, filled: Filled) -> RowOrigin:
    """The row of an instance and the names that filled each field (its ``{file:}`` texts'
    too: a copy for this instance only when a text held placeholders)."""
    columns = instance.row_paths
    if filled:
        columns = dict(columns)
        for path, (_, names) in filled.items():
            columns[path] = columns.get(path, ()) + names
    return RowOrigin(instance.row.location, columns, instance.row.from_text)
