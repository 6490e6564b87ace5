"""CDNvideo's catalog (``GET /configurations``) as a value.

``CdnvideoCatalog.problems(spec)`` (the checks live in ``checks``, the offered values in
``offers``) is pure: it reads nothing but the catalog and the request body, and returns every
inconsistency it finds, each at a dotted request-body path, so the caller can point at the
manifest line. It says what the service would refuse (the vendor's ``bad style for
Natalia-latest``) before a paid request is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vidspec.core.errors import ProviderError
from vidspec.providers.base import CatalogProblem, Quota
from vidspec.providers.cdnvideo.api import API
from vidspec.providers.cdnvideo.checks import actor_mismatches, find_problems
from vidspec.providers.cdnvideo.offers import ActorVersion, Background, Shot, Voice, version_key


@dataclass(frozen=True)
class CdnvideoCatalog:
    """What a CDNvideo account may ask for. Implements ``vidspec.providers.base.Catalog``."""

    actors: tuple[ActorVersion, ...]
    voices: tuple[Voice, ...]
    backgrounds: tuple[Background, ...]
    quota: Quota
    watermark: bool | None = None
    # the answer of GET /configurations as read, kept in ``.vidspec/catalog.json``
    source: Any = field(default=None, compare=False, repr=False)

    # -- reading ----------------------------------------------------------------------------

    @classmethod
    def from_configurations(cls, body: Any) -> CdnvideoCatalog:
        """Build the catalog from the JSON of ``GET /configurations``.

        Raises ``ProviderError`` when the answer lacks the parts every request needs.
        """
        if not isinstance(body, Mapping) or not isinstance(body.get("models"), Mapping):
            raise ProviderError(
                "the service's catalog answer has no 'models'",
                method="GET",
                path=API.configurations_path,
            )
        voices = tuple(
            _voice(name, raw) for name, raw in sorted(_mapping(body.get("voices")).items())
        )
        actors = tuple(
            _actor_version(actor, version, raw)
            for actor, versions in sorted(_mapping(body.get("models")).items())
            for version, raw in sorted(
                _mapping(versions).items(), key=lambda kv: version_key(kv[0])
            )
        )
        backgrounds = tuple(
            Background(name, _strings(_mapping(raw).get("sizes")))
            for name, raw in sorted(_mapping(body.get("backgrounds")).items())
        )
        quota_raw = _mapping(body.get("quota"))
        quota = Quota("minutes", _number(quota_raw.get("limit")), _number(quota_raw.get("left")))
        watermark = body.get("watermark")
        return cls(
            actors=actors,
            voices=voices,
            backgrounds=backgrounds,
            quota=quota,
            watermark=watermark if isinstance(watermark, bool) else None,
            source=body,
        )

    def versions_of(self, actor: str) -> list[ActorVersion]:
        """An actor's versions, newest first."""
        found = [a for a in self.actors if a.actor == actor]
        return sorted(found, key=lambda a: version_key(a.version), reverse=True)

    def voice(self, name: str) -> Voice | None:
        return next((v for v in self.voices if v.name == name), None)

    def background(self, name: str) -> Background | None:
        return next((b for b in self.backgrounds if b.name == name), None)

    def resolve_actor(self, actor: Mapping[str, Any]) -> ActorVersion | None:
        """The actor version the service would use for an ``actor`` object, or ``None``.

        ``version`` absent or ``"latest"``: the newest version that fits the other parameters
        (style, shot, size), as the vendor page says.
        """
        versions = self.versions_of(str(actor.get("name", "")))
        version = actor.get("version")
        if version not in (None, API.latest_version):
            versions = [v for v in versions if v.version == str(version)]
        return next((v for v in versions if not actor_mismatches(v, actor)), None)

    # -- checking ---------------------------------------------------------------------------

    def problems(self, spec: Mapping[str, Any]) -> list[CatalogProblem]:
        """Every reason the service would refuse this request body (empty: none found)."""
        return find_problems(self, spec)

    # -- output -----------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The provider-neutral catalog document of ``vidspec catalog --json``.

        ``actors``: one entry per actor version; ``voices``; ``backgrounds``; ``quota``.
        """
        return {
            "actors": [
                {
                    "name": a.actor,
                    "version": a.version,
                    "style": a.style,
                    "gender": a.gender,
                    "shots": [
                        {"name": s.name, "size": s.size, "width": s.width, "height": s.height}
                        for s in a.shots
                    ],
                    "voices": list(a.voices),
                }
                for a in self.actors
            ],
            "voices": [
                {
                    "name": v.name,
                    "language": v.language,
                    "gender": v.gender,
                    "provider": v.provider,
                    "emotions": list(v.emotions or (API.default_emotion,)),
                }
                for v in self.voices
            ],
            "backgrounds": [{"name": b.name, "sizes": list(b.sizes)} for b in self.backgrounds],
            "quota": {"unit": self.quota.unit, "limit": self.quota.limit, "left": self.quota.left},
            "watermark": self.watermark,
        }


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _voice(name: str, raw: Any) -> Voice:
    raw = _mapping(raw)
    return Voice(
        name=name,
        language=raw.get("language"),
        gender=raw.get("gender"),
        provider=raw.get("provider"),
        tts_name=raw.get("name"),
        emotions=_strings(raw.get("emotions")),
    )


def _actor_version(actor: str, version: str, raw: Any) -> ActorVersion:
    raw = _mapping(raw)
    shots = []
    for shot_name, shot_raw in sorted(_mapping(raw.get("shots")).items()):
        shot_raw = _mapping(shot_raw)
        out_size = _mapping(shot_raw.get("out_size"))
        size = shot_raw.get("size")
        shots.append(
            Shot(
                shot_name,
                str(size) if size is not None else None,
                _int(out_size.get("width")),
                _int(out_size.get("height")),
            )
        )
    return ActorVersion(
        actor=actor,
        version=version,
        style=raw.get("style"),
        gender=raw.get("gender"),
        voices=_strings(raw.get("voices")),
        shots=tuple(shots),
    )
