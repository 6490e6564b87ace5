"""One spelling for request fields a service accepts in two forms. Pure.

A provider may read an older spelling as a documented one (``Capabilities.spec_aliases``):
CDNvideo reads ``circle: {location: upperright}`` as ``composition: {frame_style: circle,
location: upperright}``, and its listing reports only the second form. Every comparison of
request bodies (applied against wanted, applied against the listing, a manifest against a
listed video) goes through ``canonical_spec`` first, so that the two spellings of one request
compare equal and a real difference is still seen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from vidspec.core.dicts import value_at
from vidspec.plan.actions import FieldChange
from vidspec.plan.diff import flatten, same_value
from vidspec.providers.base import SpecAlias


def canonical_spec(spec: Mapping[str, Any], aliases: Sequence[SpecAlias]) -> Mapping[str, Any]:
    """``spec`` with every alias object rewritten to the paths it stands for.

    A documented field the body sets itself wins over the alias's (the service refuses a body
    that gives both). ``spec`` itself is returned when it uses no alias."""
    present = [(a, found) for a in aliases if (found := _lookup(spec, a.path)) is not None]
    if not present:
        return spec
    result = _copy(spec)
    for alias, value in present:
        _remove(result, alias.path)
        for path, implied in alias.implies.items():
            _set_absent(result, path, implied)
        for key, path in alias.fields.items():
            if key in value:
                _set_absent(result, path, value[key])
    return result


def canonical_paths(paths: Iterable[str], aliases: Sequence[SpecAlias]) -> tuple[str, ...]:
    """``paths`` (``ignore_changes`` entries, changed fields) plus the documented paths their
    alias spellings stand for: ``circle`` covers ``composition.location`` and the rest."""
    result: list[str] = []
    for path in paths:
        result.append(path)
        for alias in aliases:
            if path == alias.path:
                result += [*alias.implies, *alias.fields.values()]
            elif path.startswith(alias.path + "."):
                target = alias.fields.get(path[len(alias.path) + 1 :])
                if target is not None:
                    result.append(target)
    return tuple(dict.fromkeys(result))


def spelled_like(
    spec: Mapping[str, Any], like: Mapping[str, Any], aliases: Sequence[SpecAlias]
) -> Mapping[str, Any]:
    """``spec`` (documented spelling) in the alias spelling ``like`` uses, for each alias on
    whose every path the two agree: an imported video keeps its manifest's ``circle:``."""
    result: Mapping[str, Any] = spec
    for alias in aliases:
        value = _lookup(like, alias.path)
        if value is None:
            continue
        targets = (*alias.implies, *alias.fields.values())
        means = {
            **alias.implies,
            **{alias.fields[k]: v for k, v in value.items() if k in alias.fields},
        }
        flat = flatten(result)
        got = {path: flat[path] for path in targets if path in flat}
        if got.keys() != means.keys() or not all(same_value(got[p], means[p]) for p in got):
            continue
        respelled = _copy(result)
        for path in targets:
            _prune(respelled, path)
        _set_absent(respelled, alias.path, _copy(value))
        result = respelled
    return result


def spelled_as(path: str, specs: Sequence[Mapping[str, Any]], aliases: Sequence[SpecAlias]) -> str:
    """The documented ``path`` as the first of ``specs`` that gives it spells it
    (``composition.location`` -> ``circle.location``), so a plan row names what the manifest
    says; ``path`` itself when none gives it through an alias."""
    for spec in specs:
        if _has(spec, path):
            return path
        for alias in aliases:
            value = _lookup(spec, alias.path)
            for key, target in alias.fields.items():
                if value is not None and target == path and key in value:
                    return f"{alias.path}.{key}"
    return path


_MISSING = object()


def respelled(
    change: FieldChange, specs: Sequence[Mapping[str, Any]], aliases: Sequence[SpecAlias]
) -> FieldChange:
    """``change`` with its path as ``spelled_as`` names it."""
    path = spelled_as(change.path, specs, aliases)
    return change if path == change.path else replace(change, path=path)


def _has(spec: Mapping[str, Any], path: str) -> bool:
    return value_at(spec, path, _MISSING) is not _MISSING


def _lookup(spec: Mapping[str, Any], path: str) -> Mapping[str, Any] | None:
    """The object at ``path``, or ``None``."""
    node = value_at(spec, path, _MISSING)
    return node if isinstance(node, Mapping) else None


def _copy(spec: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _copy(v) if isinstance(v, Mapping) else v for k, v in spec.items()}


def _remove(spec: dict[str, Any], path: str) -> None:
    *parents, leaf = path.split(".")
    node = spec
    for part in parents:
        node = node[part]
    del node[leaf]


def _prune(spec: dict[str, Any], path: str) -> None:
    """Remove ``path`` and the objects it leaves empty."""
    head, _, rest = path.partition(".")
    if head not in spec:
        return
    if not rest:
        del spec[head]
        return
    child = spec[head]
    if isinstance(child, dict):
        _prune(child, rest)
        if not child:
            del spec[head]


def _set_absent(spec: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    node = spec
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node.setdefault(leaf, value)
