"""The JSON Schemas shipped in ``vidspec/schemas/``: loading, per-kind wrappers, validators.

The schemas are the only structural validator of the files users write. This module loads them
as package data, builds the one-kind view of the manifest schema, and keeps one compiled
validator per root. ``vidspec.project.schema_errors`` turns their errors into ``Problem`` lines.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from jsonschema.validators import extend

from vidspec.core.errors import ProjectError
from vidspec.project.plugin_schemas import DEFAULT_KIND, family_defs, provider_block
from vidspec.providers import registry


def schema_family(kind: str) -> str:
    """The generation fields a provider kind takes (its plugin's ``schema_family``: the
    sandbox speaks CDNvideo), or its own kind when its plugin brings a ``video_schema``."""
    return registry.load(kind).schema_family or kind


@functools.cache
def _manifest_defs(family: str) -> Mapping[str, Any]:
    """The manifest ``$defs`` holding ``family``'s: the shipped ones, and for a plugin's own
    family, those made from its ``video_schema`` (``vidspec.project.plugin_schemas``)."""
    shipped: Mapping[str, Any] = _load("manifest")["$defs"]
    if f"manifest_{family}" in shipped:
        return shipped
    plugin = registry.load(family)
    if plugin.video_schema is None:
        raise ProjectError(
            f"the provider plugin for kind {family!r} gives no video schema",
            "Report it to its authors: a ProviderPlugin needs video_schema or schema_family.",
        )
    try:
        return {**shipped, **family_defs(plugin, shipped)}
    except ValueError as exc:
        raise ProjectError(str(exc), "Report it to the plugin's authors.") from exc


@functools.cache
def _load(name: str) -> Mapping[str, Any]:
    text = (resources.files("vidspec") / "schemas" / f"{name}.schema.json").read_text("utf-8")
    loaded: Mapping[str, Any] = json.loads(text)
    return loaded


def project_schema(kind: str | None = None) -> dict[str, Any]:
    """The schema of vidspec.yaml: its ``provider:`` block for ``kind`` (the project's), or
    for every installed kind that loads (``None``: what ``vidspec schema project`` prints)."""
    base = dict(_load("project"))
    kinds = list(registry.installed()) if kind is None else [kind]
    base["$defs"] = {**base["$defs"], "provider": provider_block(kinds, DEFAULT_KIND)}
    return base


def manifest_schema(kind: str) -> dict[str, Any]:
    """The manifest schema of one provider kind: the shipped ``$defs``, rooted at its manifest.

    For editors, a video with ``for_each`` is a template: its fields are the video's, and a
    value holding a placeholder (or a mapping or list, that may hold one) is accepted as it
    stands; vidspec checks it in each instance, after the row filled it."""
    schema = _rooted("manifest", f"manifest_{schema_family(kind)}", kind)
    return _with_templates(schema, schema_family(kind))


PLACEHOLDER_PATTERN = r"\$\{each\.[^}]+\}"


def _with_templates(schema: dict[str, Any], family: str) -> dict[str, Any]:
    defs = dict(schema["$defs"])
    video = defs[f"video_{family}"]
    defs["placeholder_value"] = {
        "description": "In a for_each template: text holding ${each.key} or ${each.NAME} (or "
        "a mapping or list that may hold them), checked once the row fills it.",
        "anyOf": [
            {"type": "string", "pattern": PLACEHOLDER_PATTERN},
            {"type": ["object", "array"]},
        ],
    }
    defs[f"template_{family}"] = {
        **video,
        "description": "A for_each video: one video per key; its values may hold placeholders.",
        "properties": {
            name: sub
            if name == "for_each"
            else {"anyOf": [sub, {"$ref": "#/$defs/placeholder_value"}]}
            for name, sub in video["properties"].items()
        },
    }
    root = dict(defs[f"manifest_{family}"])
    videos = dict(root["properties"]["videos"])
    videos["additionalProperties"] = {
        "if": {"type": "object", "required": ["for_each"]},
        "then": {"$ref": f"#/$defs/template_{family}"},
        "else": {"$ref": f"#/$defs/video_{family}"},
    }
    root["properties"] = {**root["properties"], "videos": videos}
    defs[f"manifest_{family}"] = root
    return {**schema, "$defs": defs}


def _rooted(name: str, root: str, kind: str) -> dict[str, Any]:
    base = _load(name)
    defs = _manifest_defs(root.split("_", 1)[1])
    return {
        "$schema": base["$schema"],
        "$id": f"https://vidspec.dev/schemas/{name}-{kind}.schema.json",
        "title": defs[root].get("title", base["title"]),
        "description": base["description"],
        "$ref": f"#/$defs/{root}",
        "$defs": defs,
    }


@functools.cache
def manifest_validator(root: str) -> Draft202012Validator:
    """A compiled validator for one ``$defs`` entry of the manifest schema (e.g.
    ``complete_cdnvideo``), with every ``$ref`` replaced by its target.

    Same schema, same verdicts: the references are only resolved once, here, instead of on
    every value (that lookup was half the time of validating 10,000 videos).
    """
    defs = _manifest_defs(root.split("_", 1)[1])
    schema = {"$schema": _load("manifest")["$schema"], **_inline(defs[root], defs)}
    validator: Draft202012Validator = _MemoValidator(schema)
    return validator


_SCALARS = frozenset({int, float, bool, type(None)})
# Bounded: a name or title unique to one video is remembered for nothing, and at 100,000
# videos 200,000 such entries held ~40 MB; values that repeat are learned again after a clear.
_MEMO_LIMIT = 30_000
_valid_values: set[tuple[int, Any]] = set()


def _frozen(value: Any, budget: int = 32) -> Any:
    """A hashable, type-exact image of a small value (``None`` when too big to bother)."""
    kind = type(value)  # exact types: YAML gives no subclasses (and one would only miss)
    if kind is str:
        # long text is unique (a script): remembering it would only cost memory
        return None if len(value) > 64 else (kind, value)
    if kind in _SCALARS:
        return (kind, value)
    if budget <= 0:
        return None
    if kind is dict:
        inner = budget - len(value)
        items = []
        for key, item in value.items():
            frozen = _frozen(item, inner)
            if frozen is None:
                return None
            items.append((key, frozen))
        return ("map", tuple(items))  # in written order: the same map written otherwise misses
    if kind is list:
        inner = budget - len(value)
        frozen_items = tuple([_frozen(item, inner) for item in value])
        return None if None in frozen_items else ("list", frozen_items)
    return None


def _memo_properties(
    validator: Any, properties: Mapping[str, Any], instance: Any, schema: Any
) -> Iterator[ValidationError]:
    """The ``properties`` keyword, remembering which value passed which subschema.

    Validity of a value against a schema is a pure function of the two, and manifests repeat
    the same values (voice, actor, composition ...) thousands of times. Only passes are
    remembered; a failing value is validated every time, so its errors carry their own paths.
    """
    if not validator.is_type(instance, "object"):
        return
    for name, subschema in properties.items():
        if name not in instance:
            continue
        value = instance[name]
        if type(value) is str and _passes_as_text(subschema, value):
            continue
        frozen = _frozen(value)
        key = (id(subschema), frozen) if frozen is not None else None
        if key is not None and key in _valid_values:
            continue
        errors = list(validator.descend(value, subschema, path=name, schema_path=name))
        if errors:
            yield from errors
        elif key is not None:
            if len(_valid_values) > _MEMO_LIMIT:
                _valid_values.clear()
            _valid_values.add(key)


# What a schema may say of a string (the rest of a text field's schema, like ``properties``
# or ``required`` of its ``{file: path}`` form, only applies to other types).
_STRING_KEYWORDS = frozenset({"type", "minLength", "maxLength", "pattern"})
_NOT_FOR_STRINGS = frozenset(
    {"properties", "required", "additionalProperties", "minProperties", "maxProperties"}
)
_TextCheck = tuple[tuple[int, int], "re.Pattern[str] | None"]
# id of a subschema -> (the subschema, kept so that its id is never another's; its check)
_text_checks: dict[int, tuple[Any, _TextCheck | None]] = {}


def _passes_as_text(subschema: Any, value: str) -> bool:
    """Whether the string ``value`` surely passes ``subschema``, judged without jsonschema
    when the subschema only says what any text field says (its type, its length, a pattern);
    ``False`` also means "ask jsonschema", which then finds the error and its path.

    Scripts, names and download paths are unique to their video, so no memo serves them, and a
    jsonschema descent per field was half of what validate spent on schemas."""
    known = _text_checks.get(id(subschema))
    if known is None:
        known = _text_checks[id(subschema)] = (subschema, _text_check(subschema))
    check = known[1]
    if check is None:
        return False
    (low, high), pattern = check
    return low <= len(value) <= high and (pattern is None or pattern.search(value) is not None)


def _text_check(subschema: Any) -> _TextCheck | None:
    """``((min length, max length), compiled pattern or None)`` of a schema that says no more
    of a string; ``None`` when it says more (an enum, a format, a combination ...)."""
    if not isinstance(subschema, dict):
        return None
    said = {k for k in subschema if k not in _ANNOTATIONS and not k.startswith("x-")}
    if not said <= _STRING_KEYWORDS | _NOT_FOR_STRINGS:
        return None
    kinds = subschema.get("type", "string")
    if kinds != "string" and not (isinstance(kinds, list) and "string" in kinds):
        return None
    pattern = subschema.get("pattern")
    low, high = subschema.get("minLength", 0), subschema.get("maxLength", sys.maxsize)
    return (low, high), (re.compile(pattern) if isinstance(pattern, str) else None)


_MemoValidator = extend(  # type: ignore[no-untyped-call]
    Draft202012Validator, validators={"properties": _memo_properties}
)

_ANNOTATIONS = frozenset({"title", "description", "$comment"})


def _inline(schema: Any, defs: Mapping[str, Any]) -> Any:
    """``schema`` with local ``#/$defs/`` references expanded (our schemas do not recurse)."""
    if isinstance(schema, list):
        return [_inline(item, defs) for item in schema]
    if not isinstance(schema, dict):
        return schema
    expanded = {key: _inline(value, defs) for key, value in schema.items() if key != "$ref"}
    if "$ref" not in schema:
        return expanded
    target = _inline(defs[schema["$ref"].removeprefix("#/$defs/")], defs)
    overlap = (set(target) & set(expanded)) - _ANNOTATIONS
    if overlap:  # both constrain the same keyword: keep both, as $ref beside keywords does
        return {"allOf": [target], **expanded}
    return {**target, **expanded}


@functools.cache
def project_validator(kind: str) -> Draft202012Validator:
    """vidspec.yaml's validator when its ``provider.kind`` is ``kind`` (only that kind's
    plugin is imported; an unknown kind meets the ``kind`` field's list of installed ones)."""
    return Draft202012Validator(project_schema(kind))


@functools.cache
def text_paths(kind: str) -> tuple[tuple[str, ...], ...]:
    """Where a video may hold ``{file: path}``: the fields whose schema is marked ``x-text``."""
    family = schema_family(kind)
    defs = _manifest_defs(family)
    return tuple(_text_paths(defs, defs[f"video_{family}"], ()))


def _text_paths(
    defs: Mapping[str, Any], schema: Mapping[str, Any], prefix: tuple[str, ...]
) -> Iterator[tuple[str, ...]]:
    while "$ref" in schema and not schema.get("x-text"):
        schema = {
            **defs[schema["$ref"].rsplit("/", 1)[1]],
            **{k: v for k, v in schema.items() if k != "$ref"},
        }
    if schema.get("x-text"):
        yield prefix
        return
    for name, sub in schema.get("properties", {}).items():
        yield from _text_paths(defs, sub, (*prefix, name))
