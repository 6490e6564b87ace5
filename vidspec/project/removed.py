"""The ``removed`` blocks of the manifests (Terraform's ``removed``): read with their places,
and checked together once every video is known."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vidspec.core.errors import Problem
from vidspec.core.location import SourceLocation
from vidspec.project.loctree import LocTree, locate
from vidspec.project.model import RemovedBlock

__all__ = ["RemovedBlock", "check_removed", "collect_removed"]


def collect_removed(root: SourceLocation, locs: LocTree, items: Any) -> list[RemovedBlock]:
    """The well-formed blocks of one file's ``removed:`` (the schema reports the others), each
    located at its ``from``."""
    blocks = []
    for index, item in enumerate(items if isinstance(items, list) else ()):
        source = item.get("from") if isinstance(item, Mapping) else None
        life = item.get("lifecycle") if isinstance(item, Mapping) else None
        destroy = life.get("destroy") if isinstance(life, Mapping) else None
        if isinstance(source, str) and isinstance(destroy, bool):
            where = locate(root, locs, ("removed", index, "from"))
            blocks.append(RemovedBlock(source, destroy, where))
    return blocks


def check_removed(
    blocks: list[RemovedBlock],
    first_seen: Mapping[str, SourceLocation],
    definitions: Mapping[str, tuple[str, ...]],
) -> list[Problem]:
    """A ``removed`` block names what no manifest defines any more: a video, an instance or a
    for_each definition still written is an error (remove it there, or drop the block), and
    one address in two blocks is one too many."""
    problems: list[Problem] = []
    seen: dict[str, RemovedBlock] = {}
    for block in blocks:
        address = block.from_address
        still = first_seen.get(address)
        if still is None and address in definitions:
            still = first_seen.get(definitions[address][0]) if definitions[address] else None
        if still is not None or address in definitions:
            where = f" (at {still})" if still is not None else ""
            problems.append(
                Problem(
                    block.location,
                    f"removed '{address}', which is still defined{where}",
                    "delete the video from its manifest, or delete this removed block",
                )
            )
        other = seen.setdefault(address, block)
        if other is not block:
            problems.append(
                Problem(
                    block.location,
                    f"'{address}' is removed twice (the other block at {other.location})",
                    "keep one of them",
                )
            )
    return problems
