"""Vidnoz's catalog (``GET /v2/avatar/list`` and ``GET /v2/voice/list``) as a value.

``VidnozCatalog.problems(spec)`` is pure: it checks one create body against the avatars and
voices and returns every inconsistency, each at its dotted request-body path: an unknown
avatar or voice id, an ``avatar.style`` the avatar does not offer (1, full body, when the body
gives none), an emotion the voice does not offer. Vidnoz reports no credits anywhere, so the
quota is unknown (``Quota("credits", None, None)``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from vidspec.core.errors import ProviderError
from vidspec.core.suggest import nearest
from vidspec.providers.base import CatalogProblem, Quota
from vidspec.providers.vidnoz.api import API

_LISTED = 8  # ids named in a hint; more are summarised


@dataclass(frozen=True)
class Avatar:
    id: str
    name: str | None
    gender: str | None
    styles: tuple[int, ...]  # empty: the list does not say; every style is assumed offered

    def offers(self, style: int) -> bool:
        return not self.styles or style in self.styles


@dataclass(frozen=True)
class Voice:
    id: str
    name: str | None
    language: str | None
    gender: str | None
    emotions: tuple[str, ...]  # empty: the list does not say; any emotion is assumed offered


def _label(item: Avatar | Voice) -> str:
    return f"{item.name} ({item.id})" if item.name else item.id


def _listing(items: Iterable[Avatar | Voice]) -> str:
    items = list(items)
    shown = ", ".join(_label(i) for i in items[:_LISTED])
    more = (
        f" and {len(items) - _LISTED} more (vidspec catalog lists all)"
        if len(items) > _LISTED
        else ""
    )
    return (shown or "none") + more


def _suggest(word: str, items: Iterable[Avatar | Voice]) -> str:
    """A did-you-mean for a mistyped id, or for a name written where the id belongs."""
    labels = {i.id: _label(i) for i in items} | {i.name: _label(i) for i in items if i.name}
    found = nearest(word, labels)
    if not found:
        return ""
    return "did you mean " + " or ".join(labels[f] for f in found) + "? "


def _styles(styles: Iterable[int]) -> str:
    return ", ".join(f"{s} ({API.style_names.get(s, '?')})" for s in styles)


@dataclass(frozen=True)
class VidnozCatalog:
    """What a Vidnoz account may ask for. Implements ``vidspec.providers.base.Catalog``."""

    avatars: tuple[Avatar, ...]
    voices: tuple[Voice, ...]
    quota: Quota = field(default_factory=lambda: Quota("credits", None, None))
    # the two lists' ``data`` as read, kept in ``.vidspec/catalog.json`` (``from_source``)
    source: Any = field(default=None, compare=False, repr=False)

    @classmethod
    def from_lists(cls, avatar_data: Any, voice_data: Any) -> VidnozCatalog:
        """Build the catalog from the ``data`` of the avatar and the voice list.

        Raises ``ProviderError`` when either holds no list of items.
        """
        avatars = tuple(
            Avatar(
                id=item_id,
                name=_string(raw.get("name")),
                gender=_string(raw.get("gender")),
                styles=tuple(
                    s
                    for s in _list(raw, API.style_keys)
                    if isinstance(s, int) and s in API.style_names
                ),
            )
            for raw, item_id in _items(
                avatar_data, API.avatar_list_keys, API.avatar_id_keys, API.avatars_path
            )
        )
        voices = tuple(
            Voice(
                id=item_id,
                name=_string(raw.get("name")),
                language=_string(raw.get("language")),
                gender=_string(raw.get("gender")),
                emotions=tuple(str(e) for e in _list(raw, API.emotion_keys) if isinstance(e, str)),
            )
            for raw, item_id in _items(
                voice_data, API.voice_list_keys, API.voice_id_keys, API.voices_path
            )
        )
        return cls(avatars=avatars, voices=voices, source=[avatar_data, voice_data])

    @classmethod
    def from_source(cls, source: Any) -> VidnozCatalog:
        """The catalog again from its ``source`` (``ProviderError`` when it is not one)."""
        if not isinstance(source, list) or len(source) != 2:
            raise ProviderError("a kept catalog holds no avatar and voice lists")
        return cls.from_lists(source[0], source[1])

    def display_names(self) -> dict[str, str]:
        """Avatar and voice ids -> their names (a plan shows them beside the ids)."""
        names = {a.id: a.name for a in self.avatars if a.name}
        return names | {v.id: v.name for v in self.voices if v.name}

    def avatar(self, avatar_id: str) -> Avatar | None:
        return next((a for a in self.avatars if a.id == avatar_id), None)

    def voice(self, voice_id: str) -> Voice | None:
        return next((v for v in self.voices if v.id == voice_id), None)

    # -- checking ---------------------------------------------------------------------------

    def problems(self, spec: Mapping[str, Any]) -> list[CatalogProblem]:
        """Every reason the service would refuse this body for its avatar or voice."""
        found: list[CatalogProblem] = []
        self._check_avatar(spec.get("avatar"), found)
        voice = spec.get("voice")
        tts = voice.get("tts") if isinstance(voice, Mapping) else None
        if isinstance(tts, Mapping):
            self._check_tts(tts, found)
        return found

    def _check_avatar(self, avatar: Any, found: list[CatalogProblem]) -> None:
        if not isinstance(avatar, Mapping) or not isinstance(avatar.get("id"), str):
            return  # the schema reports a missing avatar id
        known = self.avatar(avatar["id"])
        if known is None:
            found.append(
                CatalogProblem(
                    "avatar.id",
                    f"unknown avatar {avatar['id']!r}",
                    _suggest(avatar["id"], self.avatars)
                    + f"avatars of this account: {_listing(self.avatars)}",
                )
            )
            return
        style = avatar.get("style")
        default = style is None
        style = API.spec_defaults["avatar"]["style"] if default else style
        if isinstance(style, int) and not known.offers(style):
            which = " (the default)" if default else ""
            found.append(
                CatalogProblem(
                    "avatar.style",
                    f"avatar {_label(known)} does not offer style {_styles([style])}{which}",
                    f"styles of this avatar: {_styles(known.styles)}",
                )
            )

    def _check_tts(self, tts: Mapping[str, Any], found: list[CatalogProblem]) -> None:
        voice_id = tts.get("id")
        if not isinstance(voice_id, str):
            return
        known = self.voice(voice_id)
        if known is None:
            found.append(
                CatalogProblem(
                    "voice.tts.id",
                    f"unknown voice {voice_id!r}",
                    _suggest(voice_id, self.voices)
                    + f"voices of this account: {_listing(self.voices)}",
                )
            )
            return
        emotion = tts.get("emotion")
        if isinstance(emotion, str) and known.emotions and emotion not in known.emotions:
            found.append(
                CatalogProblem(
                    "voice.tts.emotion",
                    f"voice {_label(known)} does not offer the emotion {emotion!r}",
                    f"emotions of this voice: {', '.join(known.emotions)}",
                )
            )

    # -- output -----------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The provider-neutral catalog document of ``vidspec catalog --json``: avatars as
        ``actors`` (with their ``id`` and the ``styles`` they offer), ``voices`` (with their
        ``id``), no backgrounds (any colour or media URL will do), the unknown quota."""
        return {
            "actors": [
                {
                    "id": a.id,
                    "name": a.name or a.id,
                    "version": None,
                    "style": _styles(a.styles) or None,
                    "styles": list(a.styles),
                    "gender": a.gender,
                    "shots": [],
                    "voices": [],
                }
                for a in self.avatars
            ],
            "voices": [
                {
                    "id": v.id,
                    "name": v.name or v.id,
                    "language": v.language,
                    "gender": v.gender,
                    "provider": None,
                    "emotions": list(v.emotions),
                }
                for v in self.voices
            ],
            "backgrounds": [],
            "quota": {"unit": self.quota.unit, "limit": self.quota.limit, "left": self.quota.left},
        }


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _list(raw: Mapping[str, Any], keys: Iterable[str]) -> list[Any]:
    for key in keys:
        value = raw.get(key)
        if isinstance(value, list):
            return value
    return []


def _items(
    data: Any, list_keys: tuple[str, ...], id_keys: tuple[str, ...], path: str
) -> list[tuple[Mapping[str, Any], str]]:
    """The items of a list answer's ``data`` (an array, or an object holding one), each with
    its id; items without an id are skipped."""
    items = data if isinstance(data, list) else None
    if isinstance(data, Mapping):
        items = next((data[k] for k in list_keys if isinstance(data.get(k), list)), None)
    if items is None:
        raise ProviderError(
            f"the service's answer holds no list under {' or '.join(list_keys)}",
            method="GET",
            path=path,
        )
    out = []
    for raw in items:
        if not isinstance(raw, Mapping):
            continue
        item_id = next((raw[k] for k in id_keys if isinstance(raw.get(k), str) and raw[k]), None)
        if item_id is not None:
            out.append((raw, item_id))
    return out
