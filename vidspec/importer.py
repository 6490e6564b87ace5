"""Adopting videos that already exist into the state (``vidspec import``). Pure.

Values in, values out: the command line lists the remote videos, loads the manifests and the
state, and writes what these functions return. Three ways in:

- ``import ADDRESS ID``: one video, found in the listing (or by its task status), at one
  address (``check_import`` says why not, ``adopt_one`` builds the record).
- ``import --all --write FILE``: every unmanaged video, at an address made from its name
  (``plan_dump``), written as a manifest (``render_manifest``) and adopted.
- ``import --match``: a lost state rebuilt by matching each manifest video to the remote
  videos with the same name and reported settings (``match_videos``); only unambiguous
  matches are adopted.

What is recorded as the *applied spec* of an adopted video (``imported_spec``): the state must
say what the video was made from, and a listing reports only some fields (CDNvideo: name,
script, actor name/version/shot, voice, background, emotion, composition; not actor style or
size; Vidnoz: nothing but the name). So:

- a field the listing reports is recorded as reported, except that when it equals the
  manifest's value (as the service compares: defaults filled in, numbers by value) the
  manifest's spelling is kept, and a manifest ``latest`` version is kept (the listing names
  the concrete version);
- a field the listing does not report is taken from the manifest (when the address is in
  one): vidspec cannot know it, and assuming it differs would regenerate a paid video on no
  evidence. The next plan therefore shows exactly the *reported* differences;
- a reported value equal to the provider's default is left out when the manifest does not
  set it (omitted and default are the same request).

Never a duplicate: a video that may be the result of a create still pending in the state
(same name and settings, created after the record) is left for ``plan``/``apply`` to adopt
at that record's address, and never imported elsewhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import yaml

from vidspec.cost import value_at
from vidspec.errors import UsageError
from vidspec.manifest.model import Desired, spec_hash
from vidspec.manifest.schema import manifest_validator, schema_family
from vidspec.plan.diff import flatten, same_value
from vidspec.plan.drift import LATEST, same_video
from vidspec.providers.base import Capabilities, RemoteVideo, TaskState
from vidspec.state.model import State, VideoRecord
from vidspec.state.times import format_time

__all__ = [
    "ADDRESS_PATTERN",
    "CLOCK_SKEW",
    "Adoption",
    "Ambiguity",
    "Dump",
    "MatchResult",
    "Skipped",
    "adopt",
    "adopt_one",
    "check_address",
    "check_import",
    "imported_spec",
    "match_videos",
    "pending_claims",
    "plan_dump",
    "render_manifest",
    "slug",
    "unique_address",
    "with_spec",
    "written_spec",
]

ADDRESS_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")  # the manifest schema's
CLOCK_SKEW = timedelta(minutes=2)  # as the planner's default: our clock against the service's
_SLUG_LENGTH = 64
_UNFINISHED = (TaskState.FAILED, TaskState.CANCELED)
# Non-manifest keys of vidspec.yaml's ``defaults`` (they are not request fields).
_VIDSPEC_KEYS = ("lifecycle", "download")


@dataclass(frozen=True)
class Adoption:
    """One remote video taken into the state at ``address``, with its applied ``spec``."""

    address: str
    video: RemoteVideo
    spec: Mapping[str, Any]

    def record(self, caps: Capabilities) -> VideoRecord:
        name = self.video.name
        if name is None:
            found = value_at(self.spec, caps.name_field)
            name = found if isinstance(found, str) else None
        return VideoRecord(
            id=self.video.id,
            status=self.video.state,
            spec_hash=spec_hash(self.spec),
            spec=self.spec,
            name=name,
            created_at=self.video.created_at,
            expires_at=self.video.created_at + caps.retention,
        )


def adopt(state: State, adoptions: Iterable[Adoption], caps: Capabilities) -> State:
    """``state`` with every adoption recorded (and the adopted addresses' pending records,
    which the adoption answers, dropped)."""
    for item in adoptions:
        state = state.without_pending(item.address).with_video(item.address, item.record(caps))
    return state


# --- the applied spec -----------------------------------------------------------------------


def imported_spec(
    reported: Mapping[str, Any] | None,
    desired: Mapping[str, Any] | None,
    caps: Capabilities,
) -> dict[str, Any]:
    """The applied spec to record for a video the listing reports as ``reported``, at an
    address the manifests want as ``desired`` (``None``: in no manifest). See the module doc."""
    reported_flat = flatten(reported or {})
    wanted = flatten(desired or {})
    defaults = flatten(caps.spec_defaults)
    known = set(caps.listing_fields)
    applied: dict[str, Any] = {}
    for path, value in wanted.items():
        got = reported_flat.get(path)
        if got is None or path not in known or value == LATEST or same_value(got, value):
            applied[path] = value
        else:
            applied[path] = got
    for path, got in reported_flat.items():
        if path in wanted:
            continue
        if path in defaults and same_value(got, defaults[path]):
            continue
        applied[path] = got
    return _unflatten(applied)


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
    return _ordered(_unflatten(written), caps)


def _unflatten(flat: Mapping[str, Any]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for path, value in flat.items():
        *parents, leaf = path.split(".")
        node = nested
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return nested


def _ordered(spec: Mapping[str, Any], caps: Capabilities) -> dict[str, Any]:
    """Name first, then the script, then the rest as reported: how a person writes one."""
    first = [caps.name_field, caps.script_path.split(".")[0]]
    keys = [k for k in first if k in spec] + [k for k in spec if k not in first]
    return {k: spec[k] for k in dict.fromkeys(keys)}


# --- one video ------------------------------------------------------------------------------


def check_address(address: str, what: str = "ADDRESS") -> None:
    """``UsageError`` unless ``address`` is a valid manifest address."""
    if not ADDRESS_PATTERN.fullmatch(address):
        raise UsageError(
            f"{what} {address!r} is not a valid address",
            "Use letters, digits, '_', '.' and '-', starting with a letter or digit, at most "
            "128 characters (as in the manifests).",
        )


def check_import(state: State, address: str, video_id: str) -> None:
    """Refuse an import the state cannot take: the address is taken, or the id is managed."""
    check_address(address)
    current = state.videos.get(address)
    if current is not None:
        same = " (this very video)" if current.id == video_id else ""
        raise UsageError(
            f"{address} is already in the state, as video {current.id}{same}",
            f"To put another video there, stop managing this one first: vidspec state rm {address}",
        )
    owner = state.managed_ids().get(video_id)
    if owner is not None:
        which = "" if state.videos[owner].id == video_id else " (superseded, waiting deletion)"
        raise UsageError(
            f"video {video_id} is already managed at {owner}{which}",
            f"A video has one address. To move it, run: vidspec state mv {owner} {address}",
        )


def adopt_one(address: str, video: RemoteVideo, desired: Desired, caps: Capabilities) -> Adoption:
    """The adoption of ``video`` at ``address`` (see ``imported_spec`` for the spec)."""
    want = desired.videos.get(address)
    spec = imported_spec(video.spec, want.spec if want is not None else None, caps)
    return Adoption(address, video, spec)


# --- never a duplicate ----------------------------------------------------------------------


def pending_claims(
    state: State,
    remote: Sequence[RemoteVideo],
    caps: Capabilities,
    *,
    clock_skew: timedelta = CLOCK_SKEW,
) -> dict[str, str]:
    """Unmanaged remote ids that may be the result of a pending create -> its address (the
    planner's own test: same name and settings, created after the record)."""
    if not state.pending:
        return {}
    managed = state.managed_ids()
    claims: dict[str, str] = {}
    for record in state.pending:
        since = record.started_at - clock_skew
        for video in remote:
            if video.id in managed or video.id in claims or video.created_at < since:
                continue
            if same_video(video, record.spec, caps):
                claims[video.id] = record.address
    return claims


# --- import --all ---------------------------------------------------------------------------


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
        if video.state in _UNFINISHED:
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
    comments = iter(
        f"  # id {e.video.id}, created {format_time(e.video.created_at)}" for e in entries
    )
    lines = [*header]
    for line in dumped.splitlines():
        if line.startswith("  ") and not line.startswith("   "):  # a video's address
            lines.append(next(comments))
        lines.append(line)
    return "\n".join(lines) + "\n"


# --- import --match -------------------------------------------------------------------------


@dataclass(frozen=True)
class Ambiguity:
    """A manifest video with several candidates (or whose one candidate another video shares):
    nothing is adopted; ``others`` are the addresses competing for the same videos."""

    address: str
    candidates: tuple[RemoteVideo, ...]
    others: tuple[str, ...] = ()


@dataclass(frozen=True)
class MatchResult:
    """``import --match``: adopted, ambiguous, found nothing, and not looked for (``managed``:
    already in the state; ``waiting``: a pending create that plan resolves)."""

    matched: tuple[Adoption, ...]
    ambiguous: tuple[Ambiguity, ...]
    not_found: tuple[str, ...]
    managed: tuple[str, ...] = ()
    waiting: tuple[str, ...] = ()


def match_videos(
    desired: Desired, state: State, remote: Sequence[RemoteVideo], caps: Capabilities
) -> MatchResult:
    """Match each manifest video not in the state to the unmanaged remote videos with the
    same name and reported settings (``same_video``, defaults filled in). A match is adopted
    only when it is the address's one candidate and no other address's candidate."""
    managed_ids = state.managed_ids()
    claims = pending_claims(state, remote, caps)
    pool = [
        v
        for v in remote
        if v.id not in managed_ids and v.id not in claims and v.state not in _UNFINISHED
    ]
    by_name: dict[str | None, list[RemoteVideo]] = {}
    for video in pool:
        by_name.setdefault(video.name, []).append(video)
    managed: list[str] = []
    waiting: list[str] = []
    candidates: dict[str, list[RemoteVideo]] = {}
    for address, want in desired.videos.items():
        if address in state.videos:
            managed.append(address)
            continue
        if state.pending_for(address):
            waiting.append(address)
            continue
        name = value_at(want.spec, caps.name_field)
        # A named video can only be a video of that name (or one the listing gives no name).
        looked = pool if name is None else [*by_name.get(name, ()), *by_name.get(None, ())]
        found = [v for v in looked if same_video(v, want.spec, caps)]
        candidates[address] = sorted(found, key=lambda v: (v.created_at, v.id))
    wanted_by: dict[str, list[str]] = {}
    for address, found in candidates.items():
        for video in found:
            wanted_by.setdefault(video.id, []).append(address)
    matched: list[Adoption] = []
    ambiguous: list[Ambiguity] = []
    not_found: list[str] = []
    for address, found in candidates.items():
        others = sorted({a for v in found for a in wanted_by[v.id]} - {address})
        if not found:
            not_found.append(address)
        elif len(found) == 1 and not others:
            want = desired.videos[address]
            matched.append(
                Adoption(address, found[0], imported_spec(found[0].spec, want.spec, caps))
            )
        else:
            ambiguous.append(Ambiguity(address, tuple(found), tuple(others)))
    return MatchResult(
        tuple(matched), tuple(ambiguous), tuple(not_found), tuple(managed), tuple(waiting)
    )


def with_spec(adoption: Adoption, spec: Mapping[str, Any]) -> Adoption:
    """The same adoption recording another applied spec."""
    return replace(adoption, spec=spec)
