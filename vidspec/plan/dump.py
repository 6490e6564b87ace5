"""``vidspec import --all --write FILE``: every unmanaged video written as a manifest. Pure.

``plan_dump`` gives each unmanaged remote video an address made from its name (``slug``,
``unique_address``) and the spec to write (``written_spec``: what the listing reports, less
what the defaults already give), and says which videos it leaves alone and why;
``render_manifest`` is the manifest's text, each address preceded by a comment naming its id.
The command line writes the file and adopts the entries (``vidspec.plan.adoption``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import yaml

from vidspec.core.errors import UsageError
from vidspec.core.escape import escape_text
from vidspec.core.times import format_time
from vidspec.core.videos import RemoteVideo
from vidspec.plan.adoption import UNFINISHED, Adoption, pending_claims
from vidspec.plan.diff import flatten, same_value, unflatten
from vidspec.project.schema import manifest_validator, schema_family
from vidspec.providers.base import Capabilities
from vidspec.state.model import State

__all__ = [
    "Dump",
    "Skipped",
    "plan_dump",
    "render_manifest",
    "slug",
    "unique_address",
    "written_spec",
]

_SLUG_LENGTH = 64
# Non-manifest keys of vidspec.yaml's ``defaults`` (they are not request fields).
_VIDSPEC_KEYS = ("lifecycle", "download")


def written_spec(
    reported: Mapping[str, Any],
    caps: Capabilities,
    project_defaults: Mapping[str, Any],
) -> dict[str, Any]:
    """What to write in a manifest for a video reported as ``reported``: every reported field,
    less those the merge of vidspec.yaml's ``defaults`` and the provider's defaults already
    gives, so that the loaded manifest asks for exactly what the listing shows."""
    body_defaults = {k: v for k, v in project_defaults.items() if k not in _VIDSPEC_KEYS}
    project = flatten(body_defaults)
    service = flatten(caps.spec_defaults)
    written: dict[str, Any] = {}
    for path, value in flatten(reported).items():
        given = project[path] if path in project else service.get(path)
        if given is not None and same_value(value, given):
            continue
        written[path] = value
    return _ordered(unflatten(written), caps)


def _ordered(spec: Mapping[str, Any], caps: Capabilities) -> dict[str, Any]:
    """Name first, then the script, then the rest as reported: how a person writes one."""
    first = [caps.name_field, caps.script_path.split(".")[0]]
    keys = [k for k in first if k in spec] + [k for k in spec if k not in first]
    return {k: spec[k] for k in dict.fromkeys(keys)}


# --- the entries ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Skipped:
    """A remote video ``import --all`` leaves alone, and why."""

    video: RemoteVideo
    reason: str


@dataclass(frozen=True)
class Dump:
    """What ``import --all`` writes (``entries``: address, video, the spec to write) and what it
    leaves alone."""

    entries: tuple[Adoption, ...]
    skipped: tuple[Skipped, ...]


def plan_dump(
    remote: Sequence[RemoteVideo],
    state: State,
    taken: Collection[str],
    caps: Capabilities,
    project_defaults: Mapping[str, Any],
) -> Dump:
    """Every unmanaged remote video, oldest first, at a unique address made from its name.

    Skipped: failed or canceled tasks (not videos), videos a pending create may have made,
    and videos whose reported settings do not make a valid manifest entry."""
    if not caps.listing_fields:
        raise UsageError(
            f"{caps.display_name}'s listing reports no video settings, so no manifest can be "
            f"written from it",
            "Write the videos in a manifest yourself, then adopt each one: vidspec import "
            "ADDRESS ID (the settings are taken from the manifest).",
        )
    managed = state.managed_ids()
    claims = pending_claims(state, remote, caps)
    used = set(taken) | set(state.videos) | {p.address for p in state.pending}
    entries: list[Adoption] = []
    skipped: list[Skipped] = []
    for video in sorted(remote, key=lambda v: (v.created_at, v.id)):
        if video.id in managed:
            continue
        if video.id in claims:
            reason = (
                f"may be the result of the create pending for {claims[video.id]}; "
                f"vidspec plan adopts it there"
            )
            skipped.append(Skipped(video, reason))
            continue
        if video.state in UNFINISHED:
            skipped.append(Skipped(video, f"the task {video.state.value}; it is not a video"))
            continue
        spec = written_spec(video.spec or {}, caps, project_defaults)
        problems = _entry_problems(spec, project_defaults, caps)
        if problems:
            reason = "its reported settings do not make a valid manifest entry: "
            skipped.append(Skipped(video, reason + "; ".join(problems)))
            continue
        address = unique_address(_base_address(video), used)
        used.add(address)
        entries.append(Adoption(address, video, spec))
    return Dump(tuple(entries), tuple(skipped))


def _entry_problems(
    spec: Mapping[str, Any], project_defaults: Mapping[str, Any], caps: Capabilities
) -> list[str]:
    """What the manifest schema would refuse in this video (defaults merged as the loader
    does, shallowly enough for the required fields)."""
    family = schema_family(caps.kind)
    merged = _merge(project_defaults, spec)
    found = [e.message for e in manifest_validator(f"video_{family}").iter_errors(spec)]
    found += [e.message for e in manifest_validator(f"complete_{family}").iter_errors(merged)]
    return sorted(set(found))


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


# --- addresses ------------------------------------------------------------------------------

# Russian Cyrillic (CDNvideo's home) in the common passport romanisation; other scripts fall
# back to their Unicode decomposition, then to the video's id.
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        (
            *("a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n"),
            *("o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", ""),
            *("e", "yu", "ya"),
        ),
        strict=True,
    )
)


def slug(text: str) -> str:
    """``"Welcome to Acme!"`` -> ``welcome_to_acme``; ``""`` when nothing usable is left."""
    lowered = "".join(_CYRILLIC.get(ch, ch) for ch in text.lower())
    ascii_text = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    return words[:_SLUG_LENGTH].rstrip("_")


def _base_address(video: RemoteVideo) -> str:
    return slug(video.name or "") or f"video_{slug(video.id)[:8] or 'x'}"


def unique_address(base: str, taken: Collection[str]) -> str:
    """``base``, or ``base_2``, ``base_3``... whichever is free."""
    if base not in taken:
        return base
    number = 2
    while f"{base}_{number}" in taken:
        number += 1
    return f"{base}_{number}"


# --- the manifest ---------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Block style, multi-line text as ``|`` blocks (a script reads as written)."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def render_manifest(entries: Sequence[Adoption], *, provider: str, written_at: datetime) -> str:
    """The manifest of ``entries`` (``spec`` is what to write), each address preceded by a
    comment naming the remote id."""
    header = [
        f"# Written by `vidspec import --all` on {format_time(written_at)} from {provider}.",
        "# Every video below was adopted into the state; the comment above each names its id.",
        "# Only the settings the listing reports are written (the rest are the service's",
        "# choice); edit freely, and `vidspec plan` shows what a change would do.",
    ]
    document = {"videos": {e.address: dict(e.spec) for e in entries}}
    dumped = yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    # A comment is the one thing the emitter cannot write: the id in it is escaped (ids are
    # checked against the provider's format on arrival too), so it can never end the line.
    comments = iter(
        f"  # id {escape_text(e.video.id)}, created {format_time(e.video.created_at)}"
        for e in entries
    )
    lines = [*header]
    for line in dumped.splitlines():
        if line.startswith("  ") and not line.startswith("   "):  # a video's address
            lines.append(next(comments))
        lines.append(line)
    return "\n".join(lines) + "\n"
