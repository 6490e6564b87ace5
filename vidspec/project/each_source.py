"""The rows a ``for_each`` stands for: a list of keys, a mapping, or ``{file: PATH, key: COLUMN}``.

A file is a CSV (UTF-8, a header row, standard quoting, a BOM tolerated) or a YAML or JSON
list of mappings; its path follows the ``{file:}`` rule (relative to the manifest, inside the
project, none of git's or vidspec's files: ``protect.read_refusal``). Every problem is collected
with its place: a CSV problem at ``data/promos.csv:ROW`` naming the column, a YAML or JSON one
at its line. A CSV cell is kept as the text written and
read as a YAML scalar only where a placeholder stands alone (``vidspec.project.placeholders``).
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vidspec.core.addresses import KEY_HINT, is_key
from vidspec.core.errors import ManifestError, Problem
from vidspec.core.location import SourceLocation
from vidspec.core.paths import display_path
from vidspec.core.suggest import backticked, did_you_mean
from vidspec.project.loctree import LocTree, child
from vidspec.project.pathrules import path_problem
from vidspec.project.protect import ProtectedPaths, read_refusal
from vidspec.project.resolve import file_kind
from vidspec.project.yamlload import load_yaml, read_text

KEY = "key"
VALUE = "value"
FILE_KINDS = (".csv", ".yaml", ".yml", ".json")


@dataclass(frozen=True)
class EachRow:
    """One instance's values: ``values`` by name (``key`` included); ``from_text``: the values
    are CSV cells (text to be read as YAML scalars); ``location``: the row or item."""

    key: str
    values: dict[str, Any]
    location: SourceLocation
    from_text: bool = False


@dataclass
class EachSource:
    """What a ``for_each`` read: its rows, the names a placeholder may use, and where."""

    rows: list[EachRow] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # columns or fields, in source order
    name_locations: dict[str, SourceLocation] = field(default_factory=dict)  # a CSV header's
    key_column: str | None = None
    display: str = ""  # the file, or "" for a list or mapping written in the manifest
    problems: list[Problem] = field(default_factory=list)

    def add(self, where: SourceLocation, message: str, hint: str = "") -> None:
        self.problems.append(Problem(where, message, hint))


def read_source(
    value: Any,
    locs: LocTree,
    where: SourceLocation,
    manifest: Path,
    root: Path,
    own: ProtectedPaths,
) -> EachSource:
    """The rows of one ``for_each`` value (``where`` is its location, ``locs`` its tree)."""
    source = EachSource()
    if isinstance(value, list):
        _from_list(source, value, locs, where)
    elif isinstance(value, dict) and isinstance(value.get("file"), str):
        _from_file(source, value, locs, where, manifest, root, own)
    elif isinstance(value, dict):
        _from_mapping(source, value, locs, where)
    else:  # the schema reports the shape; nothing to expand
        return source
    if not source.rows and not source.problems:
        if source.display:
            message = f"for_each: {source.display} has no rows"
            source.add(where, message, "add rows below the header")
        else:
            source.add(where, "for_each is empty", "add at least one key")
    return source


def _add_row(
    source: EachSource,
    key: str,
    values: dict[str, Any],
    at: SourceLocation,
    seen: dict[str, SourceLocation],
    *,
    from_text: bool = False,
    column: str | None = None,
) -> None:
    named = f", column `{column}`" if column else ""
    if not is_key(key):
        source.add(at, f"for_each key {key!r}{named} is not a valid address part", KEY_HINT)
        return
    first = seen.setdefault(key, at)
    if first is not at:
        source.add(
            at,
            f"for_each key {key!r}{named} appears twice (first at {first})",
            "keys are unique: each one is one video",
        )
        return
    source.rows.append(EachRow(key, {**values, KEY: key}, at, from_text))


def _key_text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int)):
        return str(value)
    return None


def _from_list(source: EachSource, items: list[Any], locs: LocTree, where: SourceLocation) -> None:
    source.names = [KEY]
    seen: dict[str, SourceLocation] = {}
    for index, item in enumerate(items):
        entry = child(locs, index)
        at = entry[0] if entry else where
        key = _key_text(item)
        if key is None:
            continue  # the schema says a key is text or a whole number
        _add_row(source, key, {}, at, seen)


def _from_mapping(
    source: EachSource, mapping: dict[str, Any], locs: LocTree, where: SourceLocation
) -> None:
    names: dict[str, None] = {KEY: None}
    seen: dict[str, SourceLocation] = {}
    for key, item in mapping.items():
        entry = child(locs, key)
        at = entry[0] if entry else where
        values = dict(item) if isinstance(item, dict) else {VALUE: item}
        names.update(dict.fromkeys(values))
        _add_row(source, str(key), values, at, seen)
    source.names = list(names)


def _from_file(
    source: EachSource,
    spec: dict[str, Any],
    locs: LocTree,
    where: SourceLocation,
    manifest: Path,
    root: Path,
    own: ProtectedPaths,
) -> None:
    reference: str = spec["file"]
    file_at = child(locs, "file")
    file_where = file_at[0] if file_at else where
    key_at = child(locs, "key")
    key_where = key_at[0] if key_at else where
    column = spec.get("key")
    if not isinstance(column, str) or not column:
        source.add(where, "for_each: {file: …} needs `key: COLUMN`", "name the column of keys")
        return
    target = _source_path(source, reference, file_where, manifest, root, own)
    if target is None:
        return
    source.display = display_path(target)
    source.key_column = column
    kind = file_kind(target)
    if kind == "missing":
        source.add(
            file_where,
            f"for_each: file {source.display} does not exist",
            f"the path is relative to {display_path(manifest)}",
        )
        return
    if kind != "file":  # never opened: reading a FIFO or a device could block forever
        source.add(file_where, f"for_each: {source.display} is {kind}, not a file", "")
        return
    try:
        if target.suffix.lower() == ".csv":
            _read_csv(source, read_text(target, source.display, file_where), column, key_where)
        else:
            _read_records(source, target, column, key_where)
    except ManifestError as exc:
        source.problems.extend(exc.problems)
    if source.names:
        _require(source, spec.get("required"), child(locs, "required"))


def _require(source: EachSource, required: Any, entry: Any) -> None:
    """``required: [COLUMN, ...]``: each a name of the source, and no row leaves it empty (a
    row that does is refused at its line and makes no video)."""
    if not isinstance(required, list) or entry is None:
        return  # absent, or the schema reports its shape
    names = [n for n in source.names if n != KEY]
    known = []
    for index, name in enumerate(required):
        if name in names:
            known.append(name)
            continue
        where = entry[1][index][0] if isinstance(entry[1], list) else entry[0]
        guess = did_you_mean(str(name), names, count=1, show=backticked)
        source.add(
            where,
            f"for_each: required `{name}` is not in {source.display}",
            f"{guess}its names are: {', '.join(names)}",
        )
    kept = []
    for row in source.rows:
        empty = [n for n in known if _empty(row.values.get(n))]
        if not empty:
            kept.append(row)
            continue
        noun = "column" if row.from_text else "field"
        listed = ", ".join(f"`{n}`" for n in empty)
        what = f"{noun}s {listed} are" if len(empty) > 1 else f"{noun} {listed} is"
        them = "them" if len(empty) > 1 else "it"
        source.add(
            row.location,
            f"{what} empty, and for_each requires {them}",
            "fill the row in, or remove it",
        )
    source.rows = kept


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _source_path(
    source: EachSource,
    reference: str,
    where: SourceLocation,
    manifest: Path,
    root: Path,
    own: ProtectedPaths,
) -> Path | None:
    """The file ``{file: reference}`` names, or ``None`` and the problem: a path no system
    accepts, one outside the project or among git's and vidspec's files
    (``protect.read_refusal``), or not a kind of rows vidspec reads."""
    refused = path_problem(reference, manifest.parent)
    if refused is not None:
        source.add(
            where,
            f"for_each: the path {reference!r} of {{file:}} {refused}",
            "write a path every system accepts",
        )
        return None
    target = Path(os.path.normpath(manifest.parent / reference))
    refusal = read_refusal(root, reference, target, own)
    if refusal is not None:
        source.add(where, f"for_each: {{file: {reference}}} {refusal[0]}", refusal[1])
        return None
    if target.suffix.lower() not in FILE_KINDS:
        source.add(
            where,
            f"for_each: {reference} is not a .csv, .yaml, .yml or .json file",
            "give the rows as CSV with a header row, or a YAML or JSON list of mappings",
        )
        return None
    return target


def _missing_column(source: EachSource, column: str, key_where: SourceLocation) -> None:
    names = [n for n in source.names if n != KEY]
    guess = did_you_mean(column, names, count=1, show=backticked)
    source.add(
        key_where,
        f"for_each: key column `{column}` is not in {source.display}",
        f"{guess}its columns are: {', '.join(names) or '(none)'}",
    )


def _read_csv(source: EachSource, text: str, column: str, key_where: SourceLocation) -> None:
    display = source.display
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    seen: dict[str, SourceLocation] = {}
    line = 0
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not cells or (len(cells) == 1 and not cells[0].strip() and header is not None):
                continue  # a blank line
            at = SourceLocation(display, start)
            if header is None:
                header = _csv_header(source, cells, at)
                if header is None:
                    return
                raw = text.split("\n", start)[start - 1]  # the header's line, for its columns
                source.name_locations = _header_places(raw, cells, at)
                if column not in header:
                    _missing_column(source, column, key_where)
                    return
                continue
            if len(cells) != len(header):
                source.add(
                    at,
                    f"row has {len(cells)} cells, the header has {len(header)}",
                    "quote a cell that holds a comma; give every row one cell per column",
                )
                continue
            row = dict(zip(header, cells, strict=True))
            key = row[column]
            if not key.strip():
                source.add(at, f"column `{column}` is empty", "every row needs a key")
                continue
            _add_row(source, key, row, at, seen, from_text=True, column=column)
    except csv.Error as exc:
        source.add(
            SourceLocation(display, line + 1),  # where the row that cannot be read starts
            f"cannot read CSV: {exc}",
            "check the quotes: a quoted cell ends with a quote",
        )
        return
    if header is None:
        source.add(SourceLocation(display, 1), f"{display} is empty", "add a header row and rows")


def _csv_header(source: EachSource, cells: list[str], at: SourceLocation) -> list[str] | None:
    header = [c.strip() for c in cells]
    ok = True
    for index, name in enumerate(header, start=1):
        if not name:
            source.add(at, f"column {index} of the header has no name", "name every column")
            ok = False
        elif header.index(name) != index - 1:
            source.add(at, f"column `{name}` appears twice in the header", "rename one of them")
            ok = False
    source.names = [KEY, *(n for n in header if n != KEY)]
    return header if ok else None


def _header_places(raw: str, cells: list[str], at: SourceLocation) -> dict[str, SourceLocation]:
    """Where each name of a CSV header stands on its line (``data/promos.csv:1:5``)."""
    places = {}
    position = 0
    for cell in cells:
        found = raw.find(cell, position)
        start = found if found >= 0 else position
        name = cell.strip()
        places[name] = SourceLocation(at.path, at.line, start + len(cell) - len(cell.lstrip()) + 1)
        position = start + len(cell)
    return places


def _read_records(source: EachSource, target: Path, column: str, key_where: SourceLocation) -> None:
    doc = load_yaml(target)  # JSON is YAML; this keeps each item's line
    items, locs = doc.value, doc.locs
    if not isinstance(items, list) or not isinstance(locs, list):
        if doc.empty or items is None:
            source.add(doc.root, f"{doc.display} is empty", "write a list of mappings")
        else:
            source.add(doc.root, f"{doc.display} is not a list of mappings", "write a list")
        return
    names: dict[str, None] = {KEY: None}
    for item in items:
        if isinstance(item, dict):
            names.update(dict.fromkeys(str(k) for k in item))
    source.names = list(names)
    if items and column not in names:
        _missing_column(source, column, key_where)
        return
    seen: dict[str, SourceLocation] = {}
    for item, (at, item_locs) in zip(items, locs, strict=True):
        if not isinstance(item, dict):
            source.add(at, "this item is not a mapping", "give each row as a mapping of fields")
            continue
        key_entry = child(item_locs, column)
        key = _key_text(item.get(column))
        if key is None:
            what = "is missing" if column not in item else "is not text or a whole number"
            source.add(
                key_entry[0] if key_entry else at,
                f"field `{column}` {what}",
                "every row needs a key",
            )
            continue
        _add_row(source, key, item, at, seen, column=column)
