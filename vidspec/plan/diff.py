"""Comparing two request bodies field by field. Pure.

Bodies are compared as flat maps of dotted leaf paths (``actor.version`` -> ``"4.0.0"``);
lists are leaves. The provider's ``spec_defaults`` are filled in first so that an omitted field
and its default compare equal, and numbers compare by value (``1`` equals ``1.0``).

``deepdiff`` finds which fields of the nested bodies differ, and only when the two bodies are
not equal (an unchanged video, the common case, costs one dict comparison); ``same_value`` and
``ignore_changes`` then decide which of those count. No deepdiff object leaves this module.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Mapping
from typing import Any

from deepdiff import DeepDiff

from vidspec.plan.actions import FieldChange

_LEAVES = (str, int, float, list, type(None))


def flatten(spec: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"actor": {"name": "N"}}`` -> ``{"actor.name": "N"}``; empty objects vanish."""
    flat: dict[str, Any] = {}
    for key, value in spec.items():
        # shared: 100,000 creates hold ~25 changes each, and the paths are the same few dozen
        path = sys.intern(prefix + key)
        # dict first: an ABC isinstance check on every leaf costs more than the rest together
        if type(value) is dict or (not isinstance(value, _LEAVES) and isinstance(value, Mapping)):
            flat.update(flatten(value, path + "."))
        else:
            flat[path] = value
    return flat


def unflatten(flat: Mapping[str, Any]) -> dict[str, Any]:
    """``flatten`` undone: ``{"actor.name": "N"}`` -> ``{"actor": {"name": "N"}}``."""
    nested: dict[str, Any] = {}
    for path, value in flat.items():
        *parents, leaf = path.split(".")
        node = nested
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return nested


def with_defaults(flat: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    """``flat`` plus every default (nested or dotted keys) whose path is absent, and that is
    not the parent of a path ``flat`` has (``composition: {...}`` keeps its own fields)."""
    filled = dict(flat)
    parents: set[str] | None = None
    for path, value in flatten(defaults).items():
        if path in filled:
            continue
        if parents is None:
            parents = {key.rsplit(".", i)[0] for key in flat for i in range(1, key.count(".") + 1)}
        if path not in parents:
            filled[path] = value
    return filled


def same_value(a: Any, b: Any) -> bool:
    """Equal as the service would see it: numbers by value, ``#RRGGBB`` colours by letters."""
    if type(a) is type(b) and a == b:
        return True
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, str) and isinstance(b, str) and a.startswith("#") and b.startswith("#"):
        return a.lower() == b.lower()
    return bool(a == b)


def is_ignored(path: str, ignored: Iterable[str]) -> bool:
    """``ignore_changes: [composition]`` covers ``composition.scale`` too."""
    return any(path == i or path.startswith(i + ".") for i in ignored)


def diff_specs(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    *,
    defaults: Mapping[str, Any],
    ignored: Iterable[str] = (),
) -> tuple[list[FieldChange], int]:
    """The changed leaves (sorted by path, shown as written, without filled defaults) and the
    number of the ``after`` body's leaves that did not change."""
    return diff_flat(flatten(before), flatten(after), defaults=defaults, ignored=ignored)


def diff_flat(
    flat_before: Mapping[str, Any],
    flat_after: Mapping[str, Any],
    *,
    defaults: Mapping[str, Any],
    ignored: Iterable[str] = (),
) -> tuple[list[FieldChange], int]:
    """``diff_specs`` of bodies already flattened."""
    if flat_before == flat_after:
        return [], len(flat_after)
    ignored = tuple(ignored)
    full_before = with_defaults(flat_before, defaults)
    full_after = with_defaults(flat_after, defaults)
    changes: list[FieldChange] = []
    for path in sorted(_differing(full_before, full_after)):
        old, new = full_before.get(path), full_after.get(path)
        if same_value(old, new) or is_ignored(path, ignored):
            continue
        changes.append(FieldChange(path, flat_before.get(path, old), flat_after.get(path, new)))
    changed = {c.path for c in changes}
    return changes, sum(1 for p in flat_after if p not in changed)


def _differing(flat_before: Mapping[str, Any], flat_after: Mapping[str, Any]) -> set[str]:
    """The leaf paths whose values are not identical, found by deepdiff on the nested bodies
    (a superset of the changes: ``same_value`` decides about ``1`` and ``1.0``)."""
    tree = DeepDiff(unflatten(flat_before), unflatten(flat_after), view="tree")
    found: set[str] = set()
    for levels in tree.values():
        for level in levels:
            keys = []
            for part in level.path(output_format="list"):
                if not isinstance(part, str):
                    break  # inside a list: the list is the leaf
                keys.append(part)
            found.add(".".join(keys))
    leaves = set(flat_before) | set(flat_after)
    # A whole object added or removed stands for every leaf below it.
    return {p for p in leaves if p in found or any(p.startswith(f + ".") for f in found)}


def all_fields(spec: Mapping[str, Any], *, removed: bool = False) -> tuple[FieldChange, ...]:
    """Every leaf as a change from nothing (a create) or to nothing (``removed``: a delete)."""
    flat = flatten(spec)
    if removed:
        return tuple(FieldChange(p, flat[p], None) for p in sorted(flat))
    return tuple(FieldChange(p, None, flat[p]) for p in sorted(flat))
