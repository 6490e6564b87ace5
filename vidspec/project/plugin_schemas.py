"""The schemas the provider plugins bring, merged into vidspec's own (issue 22).

vidspec.yaml's ``provider:`` block is built from the kind's plugin (``ProviderPlugin.
provider_schema``): its fields, ``kind`` (one of the installed kinds) and vidspec's own
``rate_limit`` and ``options``; a field the kind does not take is refused as "not used by
this provider kind"; a credential (``"x-secret": true``) may only be ``env/NAME``, whatever
the plugin wrote. A video's generation fields come from ``ProviderPlugin.video_schema`` (or,
for vidspec's own kinds, from the shipped manifest schema: ``schema_family``), wrapped in
vidspec's manifest shape: ``lifecycle``, ``download``, ``for_each``, ``defaults``, ``moved``,
``removed``.

Only the kind in use is imported for validation (``vidspec schema`` merges every kind that
loads); the kind names come from the entry points' metadata.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from vidspec.providers import registry
from vidspec.providers.plugin import ProviderPlugin

__all__ = ["DEFAULT_KIND", "SECRET", "family_defs", "provider_block", "provider_kinds"]

DEFAULT_KIND = "sandbox"  # no provider: block, or no kind in it

SECRET: Mapping[str, Any] = {
    "description": "env/NAME: the environment variable that holds the secret. Secrets never "
    "stand in files.",
    "type": "string",
    "pattern": "^env/[A-Za-z_][A-Za-z0-9_]*$",
    "x-secret": True,
}

RATE_LIMIT: Mapping[str, Any] = {
    "description": "Send generation requests at most N per WINDOW (e.g. 5/1m, 5/60s, 1/10s): "
    "lowers the rate vidspec sends at, for any kind; it can only be slower than the service "
    "allows (`vidspec providers` shows each kind's).",
    "type": "string",
    "pattern": r"^\s*[0-9]+\s*/\s*([0-9]+(\.[0-9]+)?)?\s*(ms|s|m|min|h)?\s*$",
    "x-expect": "a rate such as 5/1m or 5/60s",
    "x-hint": "write e.g. rate_limit: 5/1m",
}

OPTIONS: Mapping[str, Any] = {
    "description": "Provider-specific settings that are not secrets (e.g. the sandbox's timings).",
    "type": "object",
}

NOT_FOR_KIND: Mapping[str, Any] = {"$ref": "#/$defs/not_for_kind"}


def provider_kinds() -> list[str]:
    """The installed kinds, as the ``kind`` field's enum (from metadata: nothing imported)."""
    return list(registry.installed())


def provider_block(kinds: list[str], default: str) -> dict[str, Any]:
    """The schema of ``provider:`` for ``kinds`` (the project's one, or every kind for
    ``vidspec schema project``); a kind that does not load is left out (its error comes when
    it is used). ``default``: the kind of a block without ``kind``."""
    block: dict[str, Any] = {
        "type": "object",
        "properties": {
            "kind": {
                "enum": provider_kinds(),
                "x-unknown-hint": "or install the provider package: pip install vidspec-{value}",
            }
        },
    }
    branches = []
    for kind in kinds:
        plugin = _plugin(kind)
        if plugin is None:
            continue
        matches: dict[str, Any] = {"required": ["kind"], "properties": {"kind": {"const": kind}}}
        if kind == default:
            matches = {"anyOf": [{"not": {"required": ["kind"]}}, matches]}
        branches.append({"if": matches, "then": _kind_block(plugin)})
    if branches:
        block["allOf"] = branches
    return block


def _plugin(kind: str) -> ProviderPlugin | None:
    try:
        return registry.load(kind)
    except Exception:  # a kind that does not load is reported when it is used
        return None


def _kind_block(plugin: ProviderPlugin) -> dict[str, Any]:
    """One kind's block: its own fields, secrets forced to env/NAME, nothing else."""
    own = copy.deepcopy(dict(plugin.provider_schema))
    properties = {
        name: ({**field, **SECRET} if isinstance(field, dict) and field.get("x-secret") else field)
        for name, field in dict(own.pop("properties", {})).items()
    }
    own.pop("type", None)
    own.pop("additionalProperties", None)
    return {
        **own,
        "properties": {"kind": True, "rate_limit": RATE_LIMIT, "options": OPTIONS, **properties},
        "additionalProperties": NOT_FOR_KIND,
    }


def family_defs(plugin: ProviderPlugin, shared: Mapping[str, Any]) -> dict[str, Any]:
    """The manifest ``$defs`` of a plugin's ``video_schema`` (family = its kind):
    ``video_K``, ``complete_K``, ``defaults_K``, ``lifecycle_K``, ``K_field_path``,
    ``manifest_K`` and the plugin's own ``$defs`` (as ``K__NAME``). A ``$ref`` to one of
    vidspec's ``shared`` defs (``text``: a string or ``{file: path}``, ``colour`` ...) stays."""
    kind = plugin.kind
    schema = dict(plugin.video_schema or {})
    own_defs = dict(schema.get("$defs", {}))

    def rename(node: Any) -> Any:
        if isinstance(node, list):
            return [rename(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {key: rename(value) for key, value in node.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            name = ref.removeprefix("#/$defs/")
            if name in own_defs:
                out["$ref"] = f"#/$defs/{kind}__{name}"
            elif name not in shared:
                raise ValueError(f"the {kind} plugin's video schema refers to {ref}: no such def")
        return out

    fields = rename(dict(schema.get("properties", {})))
    defs = {f"{kind}__{name}": rename(value) for name, value in own_defs.items()}
    defs[f"{kind}_field_path"] = {"enum": sorted(_paths(fields))}
    defs[f"lifecycle_{kind}"] = _lifecycle(shared, kind)
    defs.update(_wrapped(kind, fields, schema, rename(dict(schema.get("complete", {})))))
    return defs


def _wrapped(
    kind: str, fields: Mapping[str, Any], schema: Mapping[str, Any], complete: Mapping[str, Any]
) -> dict[str, Any]:
    """vidspec's manifest shape around a plugin's generation ``fields``."""
    defs: dict[str, Any] = {}
    defs[f"video_{kind}"] = {
        "description": schema.get("description", f"One video of the {kind} provider."),
        "type": "object",
        "additionalProperties": False,
        "properties": {
            **fields,
            "lifecycle": {"$ref": f"#/$defs/lifecycle_{kind}"},
            "download": {"$ref": "#/$defs/download"},
            "for_each": {"$ref": "#/$defs/for_each"},
        },
    }
    defs[f"defaults_{kind}"] = {
        "description": "Fields merged under every video (the video wins).",
        "type": "object",
        "additionalProperties": False,
        "properties": {**fields, "lifecycle": {"$ref": f"#/$defs/lifecycle_{kind}"}},
    }
    defs[f"complete_{kind}"] = {
        "description": "What a video must hold once defaults are merged.",
        "type": "object",
        **complete,
        "required": sorted({*schema.get("required", ()), *complete.get("required", ())}),
    }
    defs[f"manifest_{kind}"] = {
        "title": f"vidspec manifest ({kind})",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "defaults": {"$ref": f"#/$defs/defaults_{kind}"},
            "videos": {
                "type": "object",
                "propertyNames": {"$ref": "#/$defs/address"},
                "additionalProperties": {"$ref": f"#/$defs/video_{kind}"},
            },
            "moved": {"$ref": "#/$defs/moved"},
            "removed": {"$ref": "#/$defs/removed"},
        },
    }
    return defs


def _lifecycle(shared: Mapping[str, Any], kind: str) -> dict[str, Any]:
    lifecycle = copy.deepcopy(dict(shared["lifecycle_cdnvideo"]))
    lifecycle["properties"]["ignore_changes"]["items"] = {"$ref": f"#/$defs/{kind}_field_path"}
    return lifecycle


def _paths(properties: Mapping[str, Any], prefix: str = "") -> Iterator[str]:
    """Dotted paths ``lifecycle.ignore_changes`` may name: every field and nested field."""
    for name, sub in properties.items():
        yield prefix + name
        if isinstance(sub, dict) and isinstance(sub.get("properties"), dict):
            yield from _paths(sub["properties"], f"{prefix}{name}.")
