"""Checks of a CDNvideo request body against the catalog: what the service would refuse.

Pure: reads the catalog and the body only. Every problem is reported (not only the first),
each at its dotted request-body path with a hint naming what is on offer. The wording follows
the service's own (``bad style for Natalia-latest``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from vidspec.core.suggest import did_you_mean
from vidspec.providers.base import CatalogProblem
from vidspec.providers.cdnvideo.api import API
from vidspec.providers.cdnvideo.offers import ActorVersion, Offers


def _names(values: Iterable[str]) -> str:
    return ", ".join(sorted(values)) or "none"


_TAG = re.compile(r"<[^>]*>")


def spoken_chars(script: str) -> int:
    """Characters that will be spoken: SSML tags do not take time."""
    return len(_TAG.sub("", script).strip())


def find_problems(catalog: Offers, spec: Mapping[str, Any]) -> list[CatalogProblem]:
    """Every reason the service would refuse this request body (empty: none found)."""
    found: list[CatalogProblem] = []
    version = _check_actor(catalog, spec.get("actor"), found)
    _check_voice(catalog, spec, version, found)
    _check_background(catalog, spec, version, found)
    _check_limits(spec, found)
    return found


def _check_actor(catalog: Offers, actor: Any, found: list[CatalogProblem]) -> ActorVersion | None:
    if not isinstance(actor, Mapping) or not isinstance(actor.get("name"), str):
        return None  # the schema reports a missing actor; nothing to check here
    name = actor["name"]
    versions = catalog.versions_of(name)
    if not versions:
        found.append(
            CatalogProblem(
                "actor.name",
                f"unknown actor {name!r}",
                did_you_mean(name, {a.actor for a in catalog.actors})
                + f"actors of this account: {_names({a.actor for a in catalog.actors})}",
            )
        )
        return None
    version = actor.get("version")
    label = f"{name}-{version if version is not None else API.latest_version}"
    if version not in (None, API.latest_version):
        versions = [v for v in versions if v.version == str(version)]
        if not versions:
            found.append(
                CatalogProblem(
                    "actor.version",
                    f"actor {name} has no version {version!r}",
                    f"versions: {_names(v.version for v in catalog.versions_of(name))} "
                    f"or {API.latest_version!r}",
                )
            )
            return None
    fitting = [v for v in versions if not actor_mismatches(v, actor)]
    if fitting:
        return fitting[0]
    if len(versions) == 1:
        for path, message, hint in actor_mismatches(versions[0], actor):
            found.append(CatalogProblem(path, f"bad {_leaf(path)} for {label}: {message}", hint))
        return None
    # "latest": a parameter no version offers, or a combination none offers.
    before = len(found)
    for path in ("actor.style", "actor.shot", "actor.size"):
        value = actor.get(_leaf(path))
        offered = _offered(versions, path)
        if value is not None and value not in offered:
            found.append(
                CatalogProblem(
                    path,
                    f"bad {_leaf(path)} for {label}: {value!r} is not offered",
                    f"{name} offers {_names(offered)}",
                )
            )
    if len(found) == before:
        found.append(
            CatalogProblem(
                "actor",
                f"no version of {name} offers this style, shot and size together",
                "versions: " + "; ".join(_describe(v) for v in versions),
            )
        )
    return None


def _check_voice(
    catalog: Offers,
    spec: Mapping[str, Any],
    version: ActorVersion | None,
    found: list[CatalogProblem],
) -> None:
    name = spec.get("voice")
    if not isinstance(name, str):
        return
    voice = catalog.voice(name)
    if voice is None:
        found.append(
            CatalogProblem(
                "voice",
                f"unknown voice {name!r}",
                did_you_mean(name, (v.name for v in catalog.voices))
                + f"voices of this account: {_names(v.name for v in catalog.voices)}",
            )
        )
        return
    if version is not None and version.voices and name not in version.voices:
        found.append(
            CatalogProblem(
                "voice",
                f"voice {name} is not offered for {version.actor} {version.version}",
                f"its voices: {_names(version.voices)}",
            )
        )
    emotion = spec.get("emotion")
    if isinstance(emotion, str):
        offered = voice.emotions or (API.default_emotion,)
        if emotion not in offered:
            found.append(
                CatalogProblem(
                    "emotion",
                    f"voice {name} has no emotion {emotion!r}",
                    f"its emotions: {_names(offered)}",
                )
            )


def _check_background(
    catalog: Offers,
    spec: Mapping[str, Any],
    version: ActorVersion | None,
    found: list[CatalogProblem],
) -> None:
    name = spec.get("background")
    if name is None:
        name = API.default_background
        if catalog.background(name) is None:
            return  # the default is not listed: nothing the user wrote can be wrong
    if not isinstance(name, str):
        return
    background = catalog.background(name)
    if background is None:
        found.append(
            CatalogProblem(
                "background",
                f"unknown background {name!r}",
                did_you_mean(name, (b.name for b in catalog.backgrounds))
                + f"backgrounds of this account: {_names(b.name for b in catalog.backgrounds)}",
            )
        )
        return
    actor = spec.get("actor")
    shot_name = actor.get("shot") if isinstance(actor, Mapping) else None
    shot = version.shot(str(shot_name)) if version is not None else None
    if shot is not None and shot.size and background.sizes and shot.size not in background.sizes:
        found.append(
            CatalogProblem(
                "background",
                f"background {name} has no {shot.size} size, the size of the {shot.name} shot",
                f"its sizes: {_names(background.sizes)}; backgrounds in {shot.size}: "
                f"{_names(b.name for b in catalog.backgrounds if shot.size in b.sizes)}",
            )
        )


def actor_mismatches(version: ActorVersion, actor: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(path, message, hint) for each actor parameter this version does not offer."""
    out: list[tuple[str, str, str]] = []
    style = actor.get("style")
    if style is not None and style != version.style:
        out.append(
            (
                "actor.style",
                f"{style!r} is not offered",
                f"{version.version} has style {version.style}",
            )
        )
    shot_name = actor.get("shot")
    shot = version.shot(str(shot_name)) if shot_name is not None else None
    if shot_name is not None and shot is None:
        out.append(
            (
                "actor.shot",
                f"{shot_name!r} is not offered",
                f"{version.version} has shots {_names(s.name for s in version.shots)}",
            )
        )
    size = actor.get("size")
    if size is not None:
        sizes = [shot.size] if shot is not None else [s.size for s in version.shots]
        if size not in sizes:
            where = f"the {shot.name} shot" if shot is not None else version.version
            out.append(
                (
                    "actor.size",
                    f"{size!r} is not offered",
                    f"{where} comes in {_names(s for s in sizes if s)}",
                )
            )
    return out


def _leaf(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def _offered(versions: list[ActorVersion], path: str) -> set[str]:
    if path == "actor.style":
        return {v.style for v in versions if v.style}
    if path == "actor.shot":
        return {s.name for v in versions for s in v.shots}
    return {s.size for v in versions for s in v.shots if s.size}


def _describe(version: ActorVersion) -> str:
    shots = ", ".join(f"{s.name} {s.size}" if s.size else s.name for s in version.shots)
    return f"{version.version} ({version.style or 'no style'}: {shots})"


def _check_limits(spec: Mapping[str, Any], found: list[CatalogProblem]) -> None:
    script = spec.get("script")
    if isinstance(script, str):
        if len(script) > API.max_script_chars:
            found.append(
                CatalogProblem(
                    "script",
                    f"script has {len(script)} characters, more than {API.max_script_chars}",
                    "split the text into several videos",
                )
            )
        minutes = spoken_chars(script) / API.chars_per_second / 60
        # Past the character limit the estimate says nothing new: one problem, one fix.
        if len(script) <= API.max_script_chars and minutes > API.max_minutes_per_video:
            found.append(
                CatalogProblem(
                    "script",
                    f"script would last about {minutes:.1f} minutes, more than "
                    f"{API.max_minutes_per_video:g}",
                    f"estimated at {API.chars_per_second:g} characters a second; shorten it",
                )
            )
    name = spec.get("video_name")
    if isinstance(name, str) and len(name) > API.max_name_chars:
        found.append(
            CatalogProblem(
                "video_name",
                f"video_name has {len(name)} characters, more than {API.max_name_chars}",
                "shorten it",
            )
        )
