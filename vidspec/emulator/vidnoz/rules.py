"""Vidnoz's rules for ``POST /v2/task/avatar-to-video``: checking the form.

``parse_generation`` takes the form as ``vidnoz_form.read_form`` reads it (a nested dict of
text and JSON values); a text value is read as the field needs (``aspect=1``). It checks every
documented field and range and returns a ``Generation`` with the service's defaults applied,
or raises ``VidnozError(400, …)`` naming the field as it was sent. Choices where the vendor
page is silent:

- exactly one of ``voice[tts]``, ``voice[file]``, ``voice[silence]`` (the page: "choose one";
  its curl example lists all three only to show them); ``voice[tts]`` needs ``id`` and
  ``text``; a file or a media background needs exactly one of ``asset_id`` and ``url``;
- ``background`` may be left out (all its fields are optional), although the page marks it
  required; ``circle_bgcolor`` is accepted with every style and used only with style 3;
- an unknown field is refused (``unknown field: avatar[colour]``); colours are ``#rrggbb``;
  ``avatar[scale]`` must be above 0 and at most 10; the script must be under 5000 characters;
- an ``emotion`` is checked against the voice's list; when absent the voice speaks ``normal``.

The duration of the video (what credits are charged for) is estimated: TTS text at 14
characters a second divided by ``speed`` (at least 1 second), the silence's ``duration``, or
30 seconds for an audio file the emulator cannot fetch.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vidspec.emulator.vidnoz import catalog

OK = 200
BAD_REQUEST = 400
UNAUTHORIZED = 401
SERVER_ERROR = 500
TOO_FREQUENT = 803

MAX_TEXT_CHARS = 4999  # "under 5000 characters"
CHARS_PER_SECOND = 14.0
AUDIO_FILE_SECONDS = 30.0
CREDITS_PER_MINUTE = 4.0
MAX_SCALE = 10.0
ASPECTS = {1: "16:9", 2: "9:16", 3: "1:1"}
FITS = {0: "contain", 1: "cover"}
VOICE_MODES = ("tts", "file", "silence")
DEFAULT_COLOUR = "#ffffff"

_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
_INTEGER = re.compile(r"[+-]?\d+")
_TRUE, _FALSE = ("true", "1"), ("false", "0")


class VidnozError(Exception):
    """An error answer of the emulated API: the handler turns it into the envelope
    ``{"code": code, "message": message, "data": null}``. Internal to the emulator."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Generation:
    """A checked create request: ``request`` is the body with every default applied."""

    name: str | None
    request: dict[str, Any]
    duration: float

    @property
    def minutes(self) -> float:
        return self.duration / 60.0

    @property
    def credits(self) -> float:
        return round(self.minutes * CREDITS_PER_MINUTE, 4)


# -- checking it -------------------------------------------------------------------------------


def bracketed(path: list[str] | tuple[str, ...]) -> str:
    """``("voice", "tts", "text")`` -> ``voice[tts][text]``: the name as the form sends it."""
    return path[0] + "".join(f"[{p}]" for p in path[1:])


class _Object:
    """One object of the form, with readers that name the field as it was sent."""

    def __init__(self, value: Mapping[str, Any], path: tuple[str, ...] = ()) -> None:
        self.value = value
        self.path = path

    def key(self, name: str) -> str:
        return bracketed((*self.path, name))

    def has(self, name: str) -> bool:
        return name in self.value

    def only(self, *allowed: str) -> None:
        extra = sorted(k for k in self.value if k not in allowed)
        if extra:
            noun = "field" if len(extra) == 1 else "fields"
            raise VidnozError(
                BAD_REQUEST, f"unknown {noun}: " + ", ".join(self.key(k) for k in extra)
            )

    def object(self, name: str, *, required: bool = False) -> _Object | None:
        value = self.value.get(name)
        if value is None:
            if required:
                raise VidnozError(BAD_REQUEST, f"missing required field: {self.key(name)}")
            return None
        if not isinstance(value, dict):
            raise VidnozError(BAD_REQUEST, f"{self.key(name)} must be an object")
        return _Object(value, (*self.path, name))

    def string(self, name: str, *, required: bool = False) -> str | None:
        value = self.value.get(name)
        if value is None:
            if required:
                raise VidnozError(BAD_REQUEST, f"missing required field: {self.key(name)}")
            return None
        if not isinstance(value, str):
            raise VidnozError(BAD_REQUEST, f"{self.key(name)} must be a string")
        return value

    def word(self, name: str, *, required: bool = False) -> str | None:
        value = self.string(name, required=required)
        if value is not None and not value.strip():
            raise VidnozError(BAD_REQUEST, f"{self.key(name)} must not be empty")
        return value

    def integer(self, name: str, default: int, low: int, high: int, meaning: str = "") -> int:
        value = self.value.get(name)
        if value is None:
            return default
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
            number = int(value.strip())
        if number is None or not low <= number <= high:
            expected = meaning or f"an integer from {low} to {high}"
            raise VidnozError(BAD_REQUEST, f"{self.key(name)} must be {expected}, not {value!r}")
        return number

    def choice(self, name: str, default: int, names: Mapping[int, str]) -> int:
        listed = ", ".join(f"{k} ({v})" for k, v in names.items())
        value = self.integer(name, default, min(names), max(names), f"one of {listed}")
        if value not in names:
            raise VidnozError(BAD_REQUEST, f"{self.key(name)} must be one of {listed}")
        return value

    def number(
        self, name: str, default: float, low: float, high: float, *, above: bool = False
    ) -> float:
        value = self.value.get(name)
        if value is None:
            return default
        number: float | None = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        elif isinstance(value, str):
            try:
                number = float(value.strip())
            except ValueError:
                number = None
        bounds = f"above {low:g} and at most {high:g}" if above else f"from {low:g} to {high:g}"
        if (
            number is None
            or not math.isfinite(number)
            or number > high
            or number < low
            or (above and number == low)
        ):
            raise VidnozError(
                BAD_REQUEST, f"{self.key(name)} must be a number {bounds}, not {value!r}"
            )
        return number

    def boolean(self, name: str, default: bool) -> bool:
        value = self.value.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise VidnozError(BAD_REQUEST, f"{self.key(name)} must be true or false, not {value!r}")

    def colour(self, name: str, default: str) -> str:
        value = self.value.get(name)
        if value is None:
            return default
        if not isinstance(value, str) or not _COLOUR.fullmatch(value.strip()):
            raise VidnozError(
                BAD_REQUEST, f"{self.key(name)} must be a colour like #ffffff, not {value!r}"
            )
        return value.strip().lower()

    def url(self, name: str) -> str | None:
        value = self.word(name)
        if value is not None and not value.startswith(("http://", "https://")):
            raise VidnozError(BAD_REQUEST, f"{self.key(name)} must be an http(s) URL")
        return value


def parse_generation(form: Mapping[str, Any]) -> Generation:
    """Check a create form (``read_form``'s result); raise ``VidnozError`` for the first
    problem found."""
    top = _Object(form)
    top.only("name", "aspect", "avatar", "voice", "background")
    name = top.string("name")
    aspect = top.choice("aspect", 1, ASPECTS)
    avatar_part = top.object("avatar", required=True)
    voice_part = top.object("voice", required=True)
    assert avatar_part is not None and voice_part is not None
    avatar = _avatar(avatar_part)
    voice, duration = _voice(voice_part)
    background_part = top.object("background")
    background = _background(background_part) if background_part else {"color": DEFAULT_COLOUR}
    request = {"aspect": aspect, "avatar": avatar, "voice": voice, "background": background}
    if name is not None:
        request["name"] = name
    return Generation(name=name or None, request=request, duration=round(duration, 2))


def _avatar(part: _Object) -> dict[str, Any]:
    part.only("id", "style", "circle_bgcolor", "scale", "offset")
    avatar_id = part.word("id", required=True)
    assert avatar_id is not None
    style = part.choice("style", 1, catalog.STYLE_NAMES)
    known = catalog.avatar(avatar_id)
    if known is None:
        raise VidnozError(
            BAD_REQUEST,
            f"{part.key('id')}: no avatar with id {avatar_id!r} "
            "(GET /v2/avatar/list lists the avatars)",
        )
    if style not in known["styles"]:
        offered = ", ".join(f"{s} ({catalog.STYLE_NAMES[s]})" for s in known["styles"])
        raise VidnozError(
            BAD_REQUEST,
            f"{part.key('style')} {style} ({catalog.STYLE_NAMES[style]}) is not offered by "
            f"avatar {known['name']} ({avatar_id}); it offers {offered}",
        )
    offset_part = part.object("offset")
    offset = {"x": 0, "y": 0}
    if offset_part is not None:
        offset_part.only("x", "y")
        for axis in ("x", "y"):
            offset[axis] = offset_part.integer(axis, 0, -100_000, 100_000, "an integer (pixels)")
    return {
        "id": avatar_id,
        "style": style,
        "circle_bgcolor": part.colour("circle_bgcolor", DEFAULT_COLOUR),
        "scale": part.number("scale", 1.0, 0.0, MAX_SCALE, above=True),
        "offset": offset,
    }


def _voice(part: _Object) -> tuple[dict[str, Any], float]:
    part.only(*VOICE_MODES)
    given = [mode for mode in VOICE_MODES if part.has(mode)]
    if len(given) != 1:
        got = " and ".join(part.key(m) for m in given) if given else "none"
        raise VidnozError(
            BAD_REQUEST,
            "voice needs exactly one of "
            + ", ".join(part.key(m) for m in VOICE_MODES)
            + f"; got {got}",
        )
    mode = given[0]
    sub = part.object(mode, required=True)
    assert sub is not None
    if mode == "tts":
        return _tts(sub)
    if mode == "file":
        return {"file": _media(sub, ())}, AUDIO_FILE_SECONDS
    sub.only("duration")
    seconds = sub.integer("duration", 1, 1, 99)
    return {"silence": {"duration": seconds}}, float(seconds)


def _tts(part: _Object) -> tuple[dict[str, Any], float]:
    part.only("id", "text", "speed", "pitch", "emotion")
    voice_id = part.word("id", required=True)
    text = part.string("text", required=True)
    assert voice_id is not None and text is not None
    speed = part.number("speed", 1.0, 0.5, 1.5)
    pitch = part.integer("pitch", 0, -50, 50)
    emotion = part.word("emotion")
    if not text.strip():
        raise VidnozError(BAD_REQUEST, f"{part.key('text')} is empty")
    if len(text) > MAX_TEXT_CHARS:
        raise VidnozError(
            BAD_REQUEST,
            f"{part.key('text')} is too long: {len(text)} characters, "
            f"it must be under {MAX_TEXT_CHARS + 1}",
        )
    known = catalog.voice(voice_id)
    if known is None:
        raise VidnozError(
            BAD_REQUEST,
            f"{part.key('id')}: no voice with id {voice_id!r} "
            "(GET /v2/voice/list lists the voices)",
        )
    if emotion is not None and emotion not in known["emotions"]:
        raise VidnozError(
            BAD_REQUEST,
            f"{part.key('emotion')} {emotion!r} is not offered by voice {known['name']}; "
            f"it offers {', '.join(known['emotions'])}",
        )
    spoken = " ".join(text.split())
    seconds = max(1.0, len(spoken) / CHARS_PER_SECOND / speed)
    tts = {
        "id": voice_id,
        "text": text,
        "speed": speed,
        "pitch": pitch,
        "emotion": emotion or catalog.DEFAULT_EMOTION,
    }
    return {"tts": tts}, seconds


def _media(part: _Object, extra: tuple[str, ...]) -> dict[str, Any]:
    part.only("asset_id", "url", *extra)
    asset_id, url = part.word("asset_id"), part.url("url")
    if (asset_id is None) == (url is None):
        raise VidnozError(
            BAD_REQUEST,
            f"{bracketed(part.path)} needs exactly one of {part.key('asset_id')} and "
            f"{part.key('url')}",
        )
    return {"asset_id": asset_id} if asset_id is not None else {"url": url}


def _background(part: _Object) -> dict[str, Any]:
    part.only("color", "media")
    background: dict[str, Any] = {"color": part.colour("color", DEFAULT_COLOUR)}
    media_part = part.object("media")
    if media_part is not None:
        media = _media(media_part, ("fit", "loop"))
        media["fit"] = media_part.choice("fit", 0, FITS)
        media["loop"] = media_part.boolean("loop", False)
        background["media"] = media
    return background
