"""HeyGen's rules for ``POST /v3/videos`` (``type: avatar``): checking the body.

``parse_create`` checks every documented field and range [doc CLI, LIM, MODELS] and
returns a ``Generation`` (the body with the documented defaults applied, the estimated
duration and cost), or raises ``HeygenError``: 400 ``invalid_parameter`` with ``param``, 404
``avatar_not_found`` / ``voice_not_found``, 403 for an Enterprise-only field. Choices where the
docs are silent [vidspec]:

- only ``type: avatar`` is emulated; ``image``, ``cinematic_avatar`` and ``studio`` are 400
  naming the field (vidspec makes avatar videos);
- an unknown look or voice is 404 ``avatar_not_found`` / ``voice_not_found`` (the codes exist
  in the error table; the answer for this case is undocumented);
- ``voice_id`` beside recorded audio is accepted and unused; ``watermark`` is 403
  ``forbidden`` (Enterprise only, and the emulated account is pay-as-you-go);
- the duration is estimated at 14 characters a second (at least 1 s), or 30 s for recorded
  audio the emulator cannot fetch; a script holding ``FAILME`` renders into ``failed``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from vidspec.emulator.heygen import catalog
from vidspec.emulator.heygen.errors import (
    FORBIDDEN,
    NOT_FOUND,
    HeygenError,
    invalid,
)
from vidspec.emulator.heygen.fields import Fields

TYPES = ("avatar", "image", "cinematic_avatar", "studio")
ASPECT_RATIOS = ("16:9", "9:16", "4:5", "5:4", "1:1", "auto")
RESOLUTIONS = ("4k", "1080p", "720p")
OUTPUT_FORMATS = ("mp4", "webm")
ENGINES = ("avatar_v", "avatar_iv", "avatar_iii")
EXPRESSIVENESS = ("high", "medium", "low")
FITS = ("contain", "cover")
MAX_SCRIPT_CHARS = 5000  # [doc LIM]
CHARS_PER_SECOND = 14.0  # [vidspec] the estimate of every vidspec emulator
AUDIO_SECONDS = 30.0  # [vidspec] recorded audio is not fetched
USD_PER_SECOND = 0.10  # [doc PRICE] Avatar IV and V, charged on completion
FAIL_MARKER = "FAILME"  # [vidspec] a deterministic render failure for tests
DEFAULTS: dict[str, Any] = {  # [doc CLI] what the service assumes for omitted fields
    "aspect_ratio": "16:9",
    "output_format": "mp4",
    "engine": {"type": "avatar_iv"},
}

_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


@dataclass(frozen=True)
class Generation:
    """A checked create: ``request`` is the body with the documented defaults applied."""

    title: str | None
    request: dict[str, Any]
    duration: float
    output_format: str = "mp4"
    folder_id: str | None = None
    captioned: bool = False
    fails: bool = False
    template_id: str | None = None

    @property
    def cost(self) -> float:
        """US dollars the finished video takes from the wallet."""
        return round(self.duration * USD_PER_SECOND, 4)


def estimate_seconds(script: str) -> float:
    return max(1.0, round(len(script) / CHARS_PER_SECOND, 1))


def parse_create(document: Any) -> Generation:
    """The checked ``POST /v3/videos`` body, or the ``HeygenError`` HeyGen answers."""
    body = Fields.body(document)
    kind = body.string("type", required=True)
    if kind not in TYPES:
        raise invalid("type", f"type must be one of {', '.join(TYPES)}, not {kind!r}")
    if kind != "avatar":
        raise invalid("type", f"type {kind!r} is not emulated; the emulator makes avatar videos")
    look = _look(body)
    script = _speech(body)
    output_format = body.choice("output_format", OUTPUT_FORMATS) or "mp4"
    body.choice("aspect_ratio", ASPECT_RATIOS)
    body.choice("resolution", RESOLUTIONS)
    body.choice("fit", FITS)
    body.flag("remove_background")
    for name in ("title", "callback_id", "callback_url"):
        body.string(name)
    _background(body, output_format)
    _voice_settings(body)
    captioned = _caption(body)
    _engine_fields(body, look)
    if body.present("watermark"):
        raise HeygenError(FORBIDDEN, "forbidden", "watermark is available on Enterprise plans only")
    request = {**DEFAULTS, **{k: v for k, v in body.value.items() if v is not None}}
    return Generation(
        title=body.string("title"),
        request=request,
        duration=AUDIO_SECONDS if script is None else estimate_seconds(script),
        output_format=output_format,
        captioned=captioned,
        fails=script is not None and FAIL_MARKER in script,
    )


def _look(body: Fields) -> dict[str, Any]:
    avatar_id = body.string("avatar_id", required=True)
    assert avatar_id is not None
    look = catalog.LOOKS_BY_ID.get(avatar_id)
    if look is None:
        raise HeygenError(
            NOT_FOUND, "avatar_not_found", f"avatar {avatar_id!r} not found", param="avatar_id"
        )
    return look


def _speech(body: Fields) -> str | None:
    """The script (``None`` for recorded audio), after checking the voice it is spoken in."""
    sources = [k for k in ("script", "audio_url", "audio_asset_id") if body.present(k)]
    if len(sources) != 1:
        raise invalid(
            "script",
            "exactly one of script, audio_url and audio_asset_id is required"
            + (f" (got {', '.join(sources)})" if sources else ""),
        )
    script = body.text("script", low=1, high=MAX_SCRIPT_CHARS)
    body.string("audio_url")
    body.string("audio_asset_id")
    voice_id = body.string("voice_id")
    if voice_id is None:
        return script  # the look's default voice speaks [doc]
    if voice_id not in catalog.VOICES_BY_ID:
        raise HeygenError(
            NOT_FOUND, "voice_not_found", f"voice {voice_id!r} not found", param="voice_id"
        )
    return script


def _background(body: Fields, output_format: str) -> None:
    background = body.object("background")
    if background is None:
        return
    if output_format == "webm":
        raise invalid(
            "background",
            "webm output has a transparent background: leave background out",
        )
    kind = background.choice("type", ("color", "image"))
    if kind is None:
        raise invalid("background.type", "background.type is required (color or image)")
    if kind == "color":
        value = background.string("value", required=True)
        if value is None or not _COLOUR.fullmatch(value):
            raise invalid("background.value", f"background.value must be #rrggbb, not {value!r}")
        return
    given = [k for k in ("url", "asset_id") if background.string(k) is not None]
    if len(given) != 1:
        raise invalid("background.url", "an image background needs exactly one of url, asset_id")


def _voice_settings(body: Fields) -> None:
    settings = body.object("voice_settings")
    if settings is None:
        return
    settings.number("speed", low=0.5, high=1.5)
    settings.number("pitch", low=-50, high=50)
    settings.number("volume", low=0.0, high=1.0)
    settings.string("locale")
    settings.object("engine_settings")


def _caption(body: Fields) -> bool:
    """Whether captions are burned in (``style: default``); a sidecar is always made [doc]."""
    caption = body.object("caption")
    if caption is None:
        return False
    caption.choice("file_format", ("srt",))
    return bool(caption.choice("style", ("default",)) == "default")


def _engine_fields(body: Fields, look: dict[str, Any]) -> None:
    """``engine`` must be one the look supports [doc MODELS]; ``motion_prompt`` and
    ``expressiveness`` only where the docs allow them."""
    engine = body.object("engine")
    chosen = "avatar_iv" if engine is None else engine.choice("type", ENGINES)
    if chosen is None:
        raise invalid("engine.type", f"engine.type is required ({', '.join(ENGINES)})")
    if chosen not in look["engines"]:
        raise invalid(
            "engine.type",
            f"avatar {look['id']!r} does not support engine {chosen} "
            f"(supported_api_engines: {', '.join(look['engines'])})",
        )
    photo = look["avatar_type"] == "photo_avatar"
    if body.string("motion_prompt") is not None and not (photo or chosen == "avatar_v"):
        raise invalid(
            "motion_prompt",
            "motion_prompt needs a photo avatar, or a video avatar on engine avatar_v",
        )
    if body.choice("expressiveness", EXPRESSIVENESS) is not None and not (
        photo and chosen == "avatar_iv"
    ):
        raise invalid("expressiveness", "expressiveness is for photo avatars on avatar_iv only")
