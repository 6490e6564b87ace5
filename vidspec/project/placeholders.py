"""``${each.key}`` and ``${each.NAME}`` in the strings of a ``for_each`` video.

A template is compiled once (every string holding ``${`` parsed into text and references),
checked against the names its source offers, then filled per row. ``$${`` writes a literal
``${``. A string that is exactly one placeholder takes the row's value with its type (a CSV
cell read as a YAML scalar: ``1.1`` is a number, an empty cell is null); inside longer text a
value is written as text.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from vidspec.core.errors import Problem
from vidspec.core.location import SourceLocation
from vidspec.project.each_source import EachRow
from vidspec.project.loctree import LocTree, locate

Path = tuple[str | int, ...]
_TOKEN = re.compile(r"\$\$\{|\$\{([^}]*)\}|\$\{")
PREFIX = "each."


@dataclass(frozen=True)
class Ref:
    """One placeholder: the name after ``each.`` and the text as written."""

    name: str
    written: str


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
        parts = _parse(text, location, template.problems)
        if parts is not None:
            template.fields.append(Field(path, parts, location))
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


def _parse(text: str, where: SourceLocation, problems: list[Problem]) -> tuple[Part, ...] | None:
    parts: list[Part] = []
    last = 0
    ok = True
    for match in _TOKEN.finditer(text):
        if match.start() > last:
            parts.append(text[last : match.start()])
        last = match.end()
        token = match.group(0)
        if token == "$${":
            parts.append("${")
        elif token == "${":
            problems.append(
                Problem(
                    where,
                    "`${` opens a placeholder that is never closed",
                    "end it with `}`, or write `$${` for a literal `${`",
                )
            )
            ok = False
        elif match.group(1).startswith(PREFIX) and len(match.group(1)) > len(PREFIX):
            parts.append(Ref(match.group(1)[len(PREFIX) :], token))
        else:
            problems.append(
                Problem(
                    where,
                    f"unknown placeholder `{token}`",
                    "placeholders are ${each.key} and ${each.NAME}; write `$${` for a literal `${`",
                )
            )
            ok = False
    if last < len(text):
        parts.append(text[last:])
    merged: list[Part] = []
    for part in parts:  # join adjacent text ("a" "${" "b" -> "a${b")
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return tuple(merged) if ok else None


def check_names(template: Template, names: list[str], name: str) -> list[Problem]:
    """An unknown placeholder at its template line, with the names that exist."""
    problems = []
    known = set(names)
    listed = ", ".join(names)
    for item in template.fields:
        for ref in item.refs:
            if ref.name in known:
                continue
            close = difflib.get_close_matches(ref.name, names, n=1)
            guess = f"did you mean `{close[0]}`? " if close else ""
            problems.append(
                Problem(
                    item.location,
                    f"unknown placeholder `{ref.written}` in video '{name}'",
                    f"{guess}the names are: {listed}",
                )
            )
    return problems


def fill(value: Any, template: Template, row: EachRow) -> tuple[Any, list[Problem]]:
    """``value`` with the row's values in place of the template's placeholders."""
    problems: list[Problem] = []
    for item in template.fields:
        new = _render(item, row, problems)
        value = _set(value, item.path, new)
    return value, problems


def _render(item: Field, row: EachRow, problems: list[Problem]) -> Any:
    if len(item.parts) == 1 and isinstance(item.parts[0], Ref):
        ref = item.parts[0]
        raw = row.values.get(ref.name)
        if ref.name not in row.values:
            problems.append(_missing(item, ref, row))
            return None
        return scalar(raw) if row.from_text and ref.name != "key" else raw
    text = []
    for part in item.parts:
        if isinstance(part, str):
            text.append(part)
        elif part.name not in row.values:
            problems.append(_missing(item, part, row))
        else:
            shown = _text(row.values[part.name])
            if shown is None:
                problems.append(
                    Problem(
                        item.location,
                        f"`{part.written}` is a mapping or a list at {row.location}; "
                        "it can only stand alone as a whole value",
                        "use a text field, or make the placeholder the whole value",
                    )
                )
                shown = ""
            text.append(shown)
    return "".join(text)


def _missing(item: Field, ref: Ref, row: EachRow) -> Problem:
    return Problem(
        item.location,
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
