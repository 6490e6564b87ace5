"""``${each.key}`` and ``${each.NAME}`` in the strings of a ``for_each`` video and its
``{file:}`` texts.

A template is compiled once (every string holding ``${`` parsed into text and references),
checked against the names its source offers, then filled per row. ``$${`` writes a literal
``${``. A string that is exactly one placeholder takes the row's value with its type (a CSV
cell read as a YAML scalar: ``1.1`` is a number, an empty cell is null); inside longer text a
value is written as text. A ``{file:}`` text of an instance is a template too (Terraform's
``templatefile()``), always filled as text, each placeholder located at its line and column
of the text file (``compile_text``).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterator, Set
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from vidspec.core.errors import Problem
from vidspec.core.location import SourceLocation
from vidspec.core.suggest import backticked, did_you_mean, nearest
from vidspec.project.each_source import EachRow, EachSource
from vidspec.project.loctree import LocTree, locate

Path = tuple[str | int, ...]
_TOKEN = re.compile(r"\$\$\{|\$\{([^}]*)\}|\$\{")
PREFIX = "each."
_ESCAPED_EACH = re.compile(r"\s*each\b")  # after `$${`: a literal `${each` is never sent


@dataclass(frozen=True)
class Ref:
    """One placeholder: the name after ``each.``, the text as written, and where."""

    name: str
    written: str
    location: SourceLocation


Part = str | Ref


@dataclass(frozen=True)
class Field:
    """A string of the template that holds placeholders (or only ``$${``)."""

    path: Path
    parts: tuple[Part, ...]
    location: SourceLocation

    @property
    def refs(self) -> Iterator[Ref]:
        return (p for p in self.parts if isinstance(p, Ref))


@dataclass
class Template:
    """The compiled strings of one video; ``problems`` are those of the text itself."""

    fields: list[Field]
    problems: list[Problem]

    @property
    def names(self) -> set[str]:
        return {ref.name for f in self.fields for ref in f.refs}


def compile_template(value: Any, locs: LocTree, where: SourceLocation) -> Template:
    template = Template([], [])
    for path, text in _strings(value, ()):
        if "${" not in text:
            continue
        location = locate(where, locs, path)
        before = len(template.problems)
        parts = _parse(text, _fixed(location), template.problems)
        if len(template.problems) == before:
            template.fields.append(Field(path, parts, location))
    return template


def _fixed(location: SourceLocation) -> Callable[[int], SourceLocation]:
    """Every token of an inline string is reported at its field's location."""
    return lambda _offset: location


def compile_text(text: str, display: str) -> Template:
    """A ``{file:}`` text as a template of one field, each placeholder (and each problem) at
    its line and column of the file ``display``."""
    template = Template([], [])
    if "${" not in text:
        return template
    starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]

    def where(offset: int) -> SourceLocation:
        line = bisect.bisect_right(starts, offset)
        return SourceLocation(display, line, offset - starts[line - 1] + 1)

    # kept with its problems too: a text read for a video without for_each is looked at for
    # placeholders only (``TextFiles``), a template's problems are checked before it is filled
    parts = _parse(text, where, template.problems)
    template.fields.append(Field((), parts, SourceLocation(display, 1, 1)))
    return template


def has_placeholder(value: Any) -> bool:
    """Whether any string inside ``value`` holds ``${`` (a template, not yet a video)."""
    if isinstance(value, str):
        return "${" in value
    if isinstance(value, dict):
        return any(has_placeholder(item) for item in value.values())
    if isinstance(value, list):
        return any(has_placeholder(item) for item in value)
    return False


def _strings(value: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def _parse(
    text: str, where: Callable[[int], SourceLocation], problems: list[Problem]
) -> tuple[Part, ...]:
    """``text`` as text and placeholders, ``where(offset)`` locating a token; a token that is
    not a placeholder adds its problem (the caller compares the count) and stays out."""
    parts: list[Part] = []
    last = 0
    for match in _TOKEN.finditer(text):
        if match.start() > last:
            parts.append(text[last : match.start()])
        last = match.end()
        token = match.group(0)
        at = where(match.start())
        if token == "$${":
            if _ESCAPED_EACH.match(text, last):
                written = text[match.start() :].split("}", 1)[0] + "}"
                problems.append(
                    Problem(
                        at,
                        f"`{written}` would send `{written[1:]}` as text",
                        "vidspec never sends `${each.` to the service (a voice would read it "
                        "out): reword the text",
                    )
                )
            parts.append("${")
        elif token == "${":
            problems.append(
                Problem(
                    at,
                    "`${` opens a placeholder that is never closed",
                    "end it with `}`, or write `$${` for a literal `${`",
                )
            )
        elif match.group(1).startswith(PREFIX) and len(match.group(1)) > len(PREFIX):
            parts.append(Ref(match.group(1)[len(PREFIX) :], token, at))
        else:
            problems.append(
                Problem(
                    at,
                    f"unknown placeholder `{token}`",
                    "placeholders are ${each.key} and ${each.NAME}; write `$${` for a literal `${`",
                )
            )
    if last < len(text):
        parts.append(text[last:])
    merged: list[Part] = []
    for part in parts:  # join adjacent text ("a" "${" "b" -> "a${b")
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return tuple(merged)


def check_names(
    template: Template, source: EachSource, name: str, used: Set[str] = frozenset()
) -> list[Problem]:
    """An unknown placeholder at its place, with the names that exist; or, when a column of a
    CSV header is within a typo of it and no placeholder uses that column (``used``: the names
    the definition's other strings use), at the header: the header looks misspelt."""
    problems = []
    names = source.names
    known = set(names)
    taken = used | template.names
    listed = ", ".join(names)
    blamed: set[str] = set()  # a header is blamed once per unknown name
    for item in template.fields:
        for ref in item.refs:
            if ref.name in known or ref.name in blamed:
                continue
            close = nearest(ref.name, names, count=1)
            header = source.name_locations.get(close[0]) if close else None
            if header is not None and close[0] not in taken:
                blamed.add(ref.name)
                problems.append(
                    Problem(
                        header,
                        f"column `{close[0]}` of the header looks misspelt: `{ref.written}` "
                        f"(at {ref.location}) names no column",
                        f"rename the column to `{ref.name}` in {source.display}; or, if the "
                        f"header is right, write `${{each.{close[0]}}}`",
                    )
                )
                continue
            guess = did_you_mean(ref.name, names, count=1, show=backticked)
            problems.append(
                Problem(
                    ref.location,
                    f"unknown placeholder `{ref.written}` in video '{name}'",
                    f"{guess}the names are: {listed}",
                )
            )
    return problems


@dataclass
class FillNotes:
    """What filling one row found: ``problems`` (a row without a field ...) and ``empty``:
    each placeholder inside longer text whose value was empty, as (field path, name, the
    field's text as filled)."""

    problems: list[Problem] = field(default_factory=list)
    empty: list[tuple[Path, str, str]] = field(default_factory=list)


def fill(value: Any, template: Template, row: EachRow) -> tuple[Any, FillNotes]:
    """``value`` with the row's values in place of the template's placeholders."""
    notes = FillNotes()
    for item in template.fields:
        value = _set(value, item.path, _render(item, row, notes))
    return value, notes


def fill_text(text: str, template: Template, row: EachRow) -> tuple[str, FillNotes]:
    """A ``{file:}`` text (compiled by ``compile_text``) filled from the row: always text."""
    notes = FillNotes()
    for item in template.fields:
        text = _render(item, row, notes, whole_value=False)
    return text, notes


def _render(item: Field, row: EachRow, notes: FillNotes, *, whole_value: bool = True) -> Any:
    """``whole_value``: a field that is exactly one placeholder takes the value's type."""
    if whole_value and len(item.parts) == 1 and isinstance(item.parts[0], Ref):
        ref = item.parts[0]
        raw = row.values.get(ref.name)
        if ref.name not in row.values:
            notes.problems.append(_missing(ref, row))
            return None
        return scalar(raw) if row.from_text and ref.name != "key" else raw
    text = []
    empty = []
    for part in item.parts:
        if isinstance(part, str):
            text.append(part)
        elif part.name not in row.values:
            notes.problems.append(_missing(part, row))
        else:
            shown = _text(row.values[part.name])
            if shown is None:
                notes.problems.append(
                    Problem(
                        part.location,
                        f"`{part.written}` is a mapping or a list at {row.location}; "
                        "it can only stand alone as a whole value",
                        "use a text field, or make the placeholder the whole value",
                    )
                )
                shown = ""
            elif not shown.strip():
                empty.append(part.name)
            text.append(shown)
    filled = "".join(text)
    notes.empty += [(item.path, name, filled) for name in empty]
    return filled


def _missing(ref: Ref, row: EachRow) -> Problem:
    return Problem(
        ref.location,
        f"`{ref.written}`: the row at {row.location} has no field `{ref.name}`",
        f"add `{ref.name}` to that row",
    )


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return None


def _set(value: Any, path: Path, new: Any) -> Any:
    """A copy of ``value`` with ``path`` set (containers copied along the path only)."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        copy: Any = dict(value)
    else:
        copy = list(value)
    copy[head] = _set(value[head], rest, new)
    return copy


_RESOLVERS = yaml.SafeLoader.yaml_implicit_resolvers
_TAG = "tag:yaml.org,2002:"
_CONSTRUCTOR = SafeConstructor()


@functools.lru_cache(maxsize=65536)
def scalar(text: str) -> Any:
    """A CSV cell read as a plain YAML scalar: ``1.1`` a number, ``true`` a boolean, an empty
    cell null, anything else (dates too, as manifests keep them) the text itself."""
    if text == "":
        return None
    for tag, regexp in _RESOLVERS.get(text[0], []):
        if regexp.match(text):
            kind = str(tag).removeprefix(_TAG)
            node = yaml.ScalarNode(str(tag), text)
            try:
                if kind == "int":
                    return _CONSTRUCTOR.construct_yaml_int(node)
                if kind == "float":
                    return _CONSTRUCTOR.construct_yaml_float(node)
                if kind == "bool":
                    return _CONSTRUCTOR.construct_yaml_bool(node)
                if kind == "null":
                    return None
            except ValueError:
                return text
            return text
    return text
