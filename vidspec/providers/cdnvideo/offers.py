"""What a CDNvideo catalog offers, as values: voices, actor versions and their shots, backgrounds.

Both ``catalog`` (which reads them from ``GET /configurations``) and ``checks`` (which checks a
request body against them) use these; ``Offers`` is the part of the catalog the checks read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Voice:
    name: str
    language: str | None
    gender: str | None
    provider: str | None
    tts_name: str | None
    emotions: tuple[str, ...]  # a voice that lists none speaks only the default (neutral)


@dataclass(frozen=True)
class Shot:
    name: str
    size: str | None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class ActorVersion:
    actor: str
    version: str
    style: str | None
    gender: str | None
    voices: tuple[str, ...]
    shots: tuple[Shot, ...]

    def shot(self, name: str) -> Shot | None:
        return next((s for s in self.shots if s.name == name), None)


@dataclass(frozen=True)
class Background:
    name: str
    sizes: tuple[str, ...]


def version_key(version: str) -> tuple[tuple[int, str], ...]:
    """Order versions numerically (``1.10.0`` after ``1.9.2``); words sort after numbers."""
    return tuple((int(p), "") if p.isdigit() else (1 << 30, p) for p in version.split("."))


class Offers(Protocol):
    """The lookups ``checks`` makes (``catalog.CdnvideoCatalog`` is one)."""

    @property
    def actors(self) -> tuple[ActorVersion, ...]: ...

    @property
    def voices(self) -> tuple[Voice, ...]: ...

    @property
    def backgrounds(self) -> tuple[Background, ...]: ...

    def versions_of(self, actor: str) -> list[ActorVersion]: ...

    def voice(self, name: str) -> Voice | None: ...

    def background(self, name: str) -> Background | None: ...
