"""Location trees: where every value of a YAML document was written.

A location tree mirrors the value it describes: for a mapping, ``{key: (location of the key,
subtree)}``; for a list, ``[(location of the item, subtree)]``; ``None`` for a scalar. Paths are
the same as JSON Schema error paths (keys and indexes), so an error finds its line directly.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeAlias

from vidspec.core.location import SourceLocation

# Mapping: key -> (key location, subtree); list: [(item location, subtree)]; scalar: None.
LocTree: TypeAlias = (
    dict[str, tuple[SourceLocation, "LocTree"]] | list[tuple[SourceLocation, "LocTree"]] | None
)


def locate(root: SourceLocation, locs: LocTree, path: Sequence[str | int]) -> SourceLocation:
    """The location of the deepest part of ``path`` that the tree knows."""
    found = root
    for part in path:
        entry = child(locs, part)
        if entry is None:
            break
        found, locs = entry
    return found


def child(locs: LocTree, part: str | int) -> tuple[SourceLocation, LocTree] | None:
    """The (location, subtree) of one key or index, if the tree knows it."""
    if isinstance(locs, dict) and isinstance(part, str):
        return locs.get(part)
    if isinstance(locs, list) and isinstance(part, int) and 0 <= part < len(locs):
        return locs[part]
    return None


def iter_locations(locs: LocTree) -> Iterator[tuple[str, SourceLocation]]:
    """Every dotted path below a tree with its location (list items by index)."""
    shape, found = flatten(locs)
    return zip(shape_paths(shape), found, strict=True)


_DOWN, _UP = 0, 1  # in a shape: a subtree opens, closes (keys are str, indexes int >= 0: see below)


def flatten(locs: LocTree) -> tuple[tuple[object, ...], list[SourceLocation]]:
    """What ``iter_locations`` yields, in two parts: the tree's *shape* (its keys and list
    indexes in order, with a marker where a subtree opens and closes) and the locations in the
    same order. Thousands of videos share a few shapes, so their dotted paths are built once
    per shape (``shape_paths``), not once per field of every video."""
    shape: list[object] = []
    found: list[SourceLocation] = []
    _flatten(locs, shape, found)
    return tuple(shape), found


def _flatten(locs: LocTree, shape: list[object], found: list[SourceLocation]) -> None:
    items = locs.items() if isinstance(locs, dict) else enumerate(locs or ())
    for key, (loc, sub) in items:
        shape.append(key if isinstance(key, str) else (key,))  # an index is a 1-tuple
        found.append(loc)
        if sub is not None:
            shape.append(_DOWN)
            _flatten(sub, shape, found)
            shape.append(_UP)


def shape_paths(shape: tuple[object, ...]) -> list[str]:
    """The dotted paths of a ``flatten`` shape, in its order (as ``iter_locations`` names
    them)."""
    paths: list[str] = []
    prefixes = [""]
    for part in shape:
        if part == _DOWN and type(part) is int:
            prefixes.append(paths[-1] + ".")
        elif part == _UP and type(part) is int:
            prefixes.pop()
        else:
            name = part if isinstance(part, str) else str(part[0])  # type: ignore[index]
            paths.append(prefixes[-1] + name)
    return paths
