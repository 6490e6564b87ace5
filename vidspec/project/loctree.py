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


def iter_locations(locs: LocTree, prefix: str = "") -> Iterator[tuple[str, SourceLocation]]:
    """Every dotted path below a tree with its location (list items by index)."""
    if isinstance(locs, dict):
        for key, (loc, sub) in locs.items():
            dotted = f"{prefix}.{key}" if prefix else key
            yield dotted, loc
            if sub is not None:
                yield from iter_locations(sub, dotted)
    elif isinstance(locs, list):
        for index, (loc, sub) in enumerate(locs):
            dotted = f"{prefix}.{index}" if prefix else str(index)
            yield dotted, loc
            if sub is not None:
                yield from iter_locations(sub, dotted)
