"""What a HeyGen account may ask for: avatar looks (the ``avatar_id`` of a create), voices,
templates with their declared variables, and what the account has left to spend.

``HeygenCatalog.problems`` checks a create body (``type: avatar``) the way the service would,
from the lists alone: an unknown look or voice (with did-you-mean), an engine the look does
not list in ``supported_api_engines`` [doc MODELS], ``motion_prompt`` and ``expressiveness``
where the docs do not allow them, a script over 5,000 characters [doc LIM], a ``background``
with ``webm`` output [doc CLI].

The balance [doc PRICE, ENT]: a wallet's ``remaining_balance`` (US dollars or credits) or a
usage-based account's ``remaining_credits``, read as credits [vidspec: at the published
Avatar IV/V prices, $0.10 and 0.1 credit a second, one dollar buys what one credit does]; a
subscription's credits are the web plan's, not the API's, so the balance is unknown there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vidspec.core.suggest import nearest
from vidspec.providers.base import CatalogProblem, Quota
from vidspec.providers.heygen.api import API


@dataclass(frozen=True)
class Look:
    """One avatar look: its id is a create's ``avatar_id``."""

    id: str
    name: str
    avatar_type: str
    engines: tuple[str, ...]
    default_voice_id: str | None = None
    group_id: str | None = None


@dataclass(frozen=True)
class Voice:
    id: str
    name: str
    language: str | None = None
    gender: str | None = None


@dataclass(frozen=True)
class Variable:
    """A template's declared variable, with its current default in the generate call's shape
    (``{"name", "type", "properties": {...}}``)."""

    name: str
    type: str
    default: Mapping[str, Any]


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    aspect_ratio: str | None = None
    variables: Mapping[str, Variable] = field(default_factory=dict)
    scene_ids: tuple[str, ...] = ()


def _text(item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) else None


def look_of(item: Mapping[str, Any]) -> Look | None:
    look_id, name = _text(item, "id"), _text(item, "name")
    if look_id is None:
        return None
    engines = item.get("supported_api_engines")
    return Look(
        id=look_id,
        name=name or look_id,
        avatar_type=_text(item, "avatar_type") or "",
        engines=tuple(e for e in engines if isinstance(e, str))
        if isinstance(engines, list)
        else (),
        default_voice_id=_text(item, "default_voice_id"),
        group_id=_text(item, "group_id"),
    )


def voice_of(item: Mapping[str, Any]) -> Voice | None:
    voice_id = _text(item, "voice_id")
    if voice_id is None:
        return None
    return Voice(
        voice_id, _text(item, "name") or voice_id, _text(item, "language"), _text(item, "gender")
    )


def template_of(item: Mapping[str, Any]) -> Template | None:
    """A template summary (list) or detail (get, with ``variables`` and ``scene_ids``)."""
    template_id, name = _text(item, "id"), _text(item, "name")
    if template_id is None:
        return None
    variables: dict[str, Variable] = {}
    declared = item.get("variables")
    if isinstance(declared, Mapping):
        for key, value in declared.items():
            if isinstance(key, str) and isinstance(value, Mapping):
                variables[key] = Variable(key, _text(value, "type") or "", dict(value))
    scene_ids = item.get("scene_ids")
    return Template(
        id=template_id,
        name=name or template_id,
        aspect_ratio=_text(item, "aspect_ratio"),
        variables=variables,
        scene_ids=tuple(s for s in scene_ids if isinstance(s, str))
        if isinstance(scene_ids, list)
        else (),
    )


def balance_of(me: Any) -> float | None:
    """What the account has left, in credits (see the module docstring), or ``None``."""
    if not isinstance(me, Mapping):
        return None
    kind = me.get("billing_type")
    source = me.get("wallet") if kind == "wallet" else me.get("usage_based")
    key = "remaining_balance" if kind == "wallet" else "remaining_credits"
    if kind not in ("wallet", "usage_based") or not isinstance(source, Mapping):
        return None
    value = source.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


@dataclass(frozen=True)
class HeygenCatalog:
    """The looks and voices the account may use, and its balance. ``problems`` is pure."""

    looks: Mapping[str, Look]
    voices: Mapping[str, Voice]
    balance: float | None = None

    @property
    def quota(self) -> Quota:
        return Quota(unit="credits", limit=None, left=self.balance)

    def problems(self, spec: Mapping[str, Any]) -> list[CatalogProblem]:
        out: list[CatalogProblem] = []
        kind = spec.get("type", API.video_type)
        if kind != API.video_type:
            out.append(CatalogProblem("type", f"type {kind!r}: vidspec makes avatar videos"))
        look = self._look(spec.get("avatar_id"), out)
        voice_id = spec.get("voice_id")
        if isinstance(voice_id, str) and voice_id not in self.voices:
            out.append(_unknown("voice_id", "voice", voice_id, self.voices, "GET /v3/voices"))
        script = spec.get("script")
        if isinstance(script, str) and len(script) > API.max_script_chars:
            out.append(
                CatalogProblem(
                    "script",
                    f"the script has {len(script)} characters; HeyGen takes at most "
                    f"{API.max_script_chars}",
                    "Split it into several videos.",
                )
            )
        if spec.get("output_format") == "webm" and spec.get("background") is not None:
            out.append(CatalogProblem("background", "webm output has no background"))
        if look is not None:
            out.extend(_engine_problems(spec, look))
        return out

    def _look(self, avatar_id: Any, out: list[CatalogProblem]) -> Look | None:
        if not isinstance(avatar_id, str):
            return None
        look = self.looks.get(avatar_id)
        if look is None:
            out.append(
                _unknown("avatar_id", "avatar look", avatar_id, self.looks, "GET /v3/avatars/looks")
            )
        return look

    def to_json(self) -> dict[str, Any]:
        return {
            "looks": [
                {
                    "id": look.id,
                    "name": look.name,
                    "avatar_type": look.avatar_type,
                    "supported_api_engines": list(look.engines),
                    "default_voice_id": look.default_voice_id,
                }
                for look in self.looks.values()
            ],
            "voices": [
                {"id": v.id, "name": v.name, "language": v.language, "gender": v.gender}
                for v in self.voices.values()
            ],
            "quota": {"unit": "credits", "limit": None, "left": self.balance},
        }


def _engine_problems(spec: Mapping[str, Any], look: Look) -> list[CatalogProblem]:
    out: list[CatalogProblem] = []
    engine = spec.get("engine")
    chosen = engine.get("type") if isinstance(engine, Mapping) else "avatar_iv"
    if isinstance(chosen, str) and look.engines and chosen not in look.engines:
        out.append(
            CatalogProblem(
                "engine.type",
                f"avatar look {look.name} ({look.id}) does not support engine {chosen}",
                f"Use one of its supported_api_engines: {', '.join(look.engines)}.",
            )
        )
    photo = look.avatar_type == "photo_avatar"
    if spec.get("motion_prompt") is not None and not (photo or chosen == "avatar_v"):
        out.append(
            CatalogProblem(
                "motion_prompt",
                "motion_prompt needs a photo avatar, or a video avatar on engine avatar_v",
            )
        )
    if spec.get("expressiveness") is not None and not (photo and chosen == "avatar_iv"):
        out.append(
            CatalogProblem("expressiveness", "expressiveness is for photo avatars on avatar_iv")
        )
    return out


def _unknown(
    path: str, noun: str, value: str, known: Mapping[str, Any], call: str
) -> CatalogProblem:
    close = nearest(value, known, count=1)
    hint = f"Did you mean {close[0]}? " if close else ""
    return CatalogProblem(
        path,
        f"unknown {noun} {value!r}",
        hint + f"The account's are listed by {call} (vidspec catalog).",
    )
