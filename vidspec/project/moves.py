"""The ``moved`` blocks of the manifests, checked together once every video is known."""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass

from vidspec.core.addresses import split_address
from vidspec.core.errors import Problem
from vidspec.core.location import SourceLocation
from vidspec.project.model import MovedBlock


@dataclass(frozen=True)
class Move:
    """One ``moved`` block and where its ``from`` and ``to`` are written."""

    block: MovedBlock
    from_location: SourceLocation
    to_location: SourceLocation


def check_moves(
    moves: list[Move],
    first_seen: Mapping[str, SourceLocation],
    definitions: Mapping[str, tuple[str, ...]],
    unsure: Set[str] | None = frozenset(),
) -> list[Problem]:
    """Every problem of the manifests' ``moved`` blocks: a move onto itself, to no video (or
    from an instance to a whole for_each definition), from a video still defined, and two
    blocks with the same ``from`` or ``to``.

    ``unsure``: the definitions whose instances are not all known (a problem stopped some
    rows: that problem is reported, and "not a video" would follow from it); ``None`` when a
    manifest could not be read at all, so no address is known to be missing."""
    problems: list[Problem] = []
    by_from: dict[str, Move] = {}
    by_to: dict[str, Move] = {}
    for move in moves:
        old, new = move.block.from_address, move.block.to_address
        if old == new:
            problems.append(
                Problem(
                    move.block.location,
                    f"moved block from '{old}' to itself",
                    "remove this moved block",
                )
            )
            continue
        if new in definitions and "[" in old:
            problems.append(
                Problem(
                    move.to_location,
                    f"moved from the instance '{old}' to '{new}', which has for_each",
                    f"name one of its instances, e.g. '{new}[KEY]'",
                )
            )
        elif new not in first_seen and _known_missing(new, unsure):
            problems.append(
                Problem(
                    move.to_location,
                    f"moved to '{new}', which is not a video in any manifest",
                    "point `to` at the video's current address",
                )
            )
        if old in first_seen:
            problems.append(
                Problem(
                    move.from_location,
                    f"moved from '{old}', which is still a video (at {first_seen[old]})",
                    "remove the old video, or remove this moved block",
                )
            )
        for seen, address, side in ((by_from, old, "from"), (by_to, new, "to")):
            problems += _twice(seen, address, side, move)
    return problems


def _known_missing(address: str, unsure: Set[str] | None) -> bool:
    """Whether an address no manifest defines is surely missing (see ``check_moves``)."""
    return unsure is not None and split_address(address)[0] not in unsure


def _twice(seen: dict[str, Move], address: str, side: str, move: Move) -> list[Problem]:
    """Both blocks, when another one has the same ``side`` address (noted in ``seen``)."""
    other = seen.setdefault(address, move)
    if other is move:
        return []
    return [
        Problem(
            move.block.location,
            f"two moved blocks have {side} '{address}' (the other at {other.block.location})",
            "keep one of them",
        ),
        Problem(
            other.block.location,
            f"two moved blocks have {side} '{address}' (the other at {move.block.location})",
            "keep one of them",
        ),
    ]
