"""Adopting videos that already exist into the state (``vidspec import``). Pure.

Values in, values out: the command line lists the remote videos, loads the manifests and the
state, and writes what these functions return. Three ways in:

- ``import ADDRESS ID``: one video, found in the listing (or by its task status), at one
  address (``check_import`` says why not, ``adopt_one`` builds the record).
- ``import --all --write FILE``: every unmanaged video, at an address made from its name
  (``plan_dump``), written as a manifest (``render_manifest``) and adopted; in
  ``vidspec.plan.dump``.
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
  set it (omitted and default are the same request);
- fields are compared in the listing's spelling (``vidspec.plan.normalize``), and a
  manifest's older spelling (CDNvideo's ``circle:``) is kept when the listing agrees with it.

Never a duplicate: a video that may be the result of a create still pending in the state
(same name and settings, created after the record) is left for ``plan``/``apply`` to adopt
at that record's address, and never imported elsewhere (``vidspec.plan.adoption``).

This module also offers the names of ``vidspec.plan.adoption`` and ``vidspec.plan.dump``, so that
``vidspec.plan.importer`` stays the one place to import from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from vidspec.core import addresses
from vidspec.core.addresses import natural_key
from vidspec.core.dicts import value_at
from vidspec.core.errors import UsageError
from vidspec.core.videos import RemoteVideo
from vidspec.plan.adoption import CLOCK_SKEW, UNFINISHED, Adoption, adopt, pending_claims
from vidspec.plan.diff import flatten, same_value, unflatten
from vidspec.plan.drift import LATEST, same_video
from vidspec.plan.dump import (
    Dump,
    Skipped,
    plan_dump,
    render_manifest,
    slug,
    unique_address,
    written_spec,
)
from vidspec.plan.normalize import canonical_spec, spelled_like
from vidspec.project.model import Desired
from vidspec.providers.base import Capabilities
from vidspec.state.model import State

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

ADDRESS_PATTERN = addresses.ADDRESS_PATTERN  # the manifest schema's (promo[de] included)


# --- the applied spec -----------------------------------------------------------------------


def imported_spec(
    reported: Mapping[str, Any] | None,
    desired: Mapping[str, Any] | None,
    caps: Capabilities,
) -> dict[str, Any]:
    """The applied spec to record for a video the listing reports as ``reported``, at an
    address the manifests want as ``desired`` (``None``: in no manifest). See the module doc."""
    aliases = caps.spec_aliases
    reported_flat = flatten(reported or {})
    wanted = flatten(canonical_spec(desired or {}, aliases))
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
    return dict(spelled_like(unflatten(applied), desired or {}, aliases))


# --- one video ------------------------------------------------------------------------------


def check_address(address: str, what: str = "ADDRESS") -> None:
    """``UsageError`` unless ``address`` is a valid manifest address."""
    if not ADDRESS_PATTERN.fullmatch(address):
        raise UsageError(
            f"{what} {address!r} is not a valid address",
            "Use letters, digits, '_', '.' and '-', starting with a letter or digit, at most "
            "128 characters (as in the manifests); an instance of a for_each is NAME[KEY].",
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
        if v.id not in managed_ids and v.id not in claims and v.state not in UNFINISHED
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
        others = sorted({a for v in found for a in wanted_by[v.id]} - {address}, key=natural_key)
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
