"""CDNvideo's rules for a create body: structure, the catalog, and the documented limits.

``parse_generation`` turns a ``POST /generate`` body into a ``Generation`` (every default
applied, ``latest`` resolved) or raises ``ApiError`` with the status and message the service
answers. Status choices: 400 for a body that is not the documented shape (bad JSON, missing
required field, wrong JSON type); 422 for names the API does not know (the page: "Incorrect
parameters' names"), for values the catalog does not allow (``bad style for Natalia-latest``)
and for every documented limit (script 3000 characters, 3 minutes, video_name 35, the
composition ranges).

The duration estimate (``estimate_seconds``): SSML tags stripped, whitespace collapsed,
characters / 14 per second, plus every ``<break time="…ms|s"/>``.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from typing import Any

from vidspec.emulator.cdnvideo import catalog

MAX_SCRIPT_CHARS = 3000
MAX_DURATION_SECONDS = 180.0
MAX_NAME_CHARS = 35
CHARS_PER_SECOND = 14.0

TOP_FIELDS = (
    "script",
    "actor",
    "voice",
    "background",
    "emotion",
    "video_name",
    "composition",
    "circle",
)
ACTOR_FIELDS = ("name", "version", "style", "shot", "size")
COMPOSITION_FIELDS = (
    "orientation",
    "frame_style",
    "scale",
    "crop",
    "shift",
    "location",
    "background_color",
    "border_color",
)
CIRCLE_FIELDS = ("location", "border_color", "background_color")
RECTANGLE_ONLY = ("scale", "crop", "shift")
LOCATIONS = ("upperleft", "upperright", "lowerleft", "lowerright")
ORIENTATIONS = ("horizontal", "vertical")
FRAME_STYLES = ("rectangle", "circle")
DEFAULT_CIRCLE = {"location": "upperleft", "background_color": "#FFFFFF", "border_color": "#000000"}

_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")
_BREAK = re.compile(
    r"<break\b[^>]*?\btime\s*=\s*[\"']\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s)\s*[\"'][^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]*>")


class ApiError(Exception):
    """An error answer of the emulated API. Internal to the emulator: the handler turns it into
    ``{"status": "ERROR", "message": …}`` with ``status``; it never reaches vidspec users."""

    def __init__(self, status: int, message: str, headers: tuple[tuple[str, str], ...] = ()):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


@dataclass(frozen=True)
class Generation:
    """A create request with every default applied: what the listing reports back."""

    script: str
    actor_name: str
    model_version: str
    style: str
    shot: str
    size: str
    voice_name: str
    emotion: str
    background: str
    video_name: str | None
    orientation: str
    frame_style: str
    scale: float | None
    crop: float | None
    shift: float | None
    circle: dict[str, str] | None
    duration: float

    @property
    def minutes(self) -> float:
        return self.duration / 60.0


def estimate_seconds(script: str) -> float:
    """Spoken seconds of a script: text at 14 characters a second plus SSML breaks."""
    pauses = sum(
        float(number) / (1000.0 if unit.lower() == "ms" else 1.0)
        for number, unit in _BREAK.findall(script)
    )
    text = " ".join(html.unescape(_TAG.sub(" ", script)).split())
    return len(text) / CHARS_PER_SECOND + pauses


def _check_offer(
    model: Any, label: str, shot_size: str, voice: str, background: str, emotion: str | None
) -> str:
    """Voice, background and emotion against the catalog; returns the emotion to use."""
    if voice not in catalog.VOICES:
        raise ApiError(422, f"unknown voice {voice}")
    if voice not in model["voices"]:
        raise ApiError(422, f"voice {voice} is not available for {label}")
    if background not in catalog.BACKGROUNDS:
        raise ApiError(422, f"unknown background {background}")
    if shot_size not in catalog.BACKGROUNDS[background]["sizes"]:
        raise ApiError(422, f"background {background} has no size {shot_size}")
    emotion = emotion or catalog.DEFAULT_EMOTION
    if emotion not in catalog.voice_emotions(voice):
        raise ApiError(422, f"emotion {emotion} is not available for voice {voice}")
    return emotion


def parse_generation(body: Any) -> Generation:
    """Validate a decoded create body; raise ``ApiError`` for the first problem found."""
    if not isinstance(body, dict):
        raise ApiError(400, "request body must be a JSON object")
    _unknown(body, TOP_FIELDS, "")
    script = _required_str(body, "script", "script")
    actor = body.get("actor")
    if actor is None:
        raise ApiError(400, "missing required field: actor")
    if not isinstance(actor, dict):
        raise ApiError(400, "field actor must be an object")
    _unknown(actor, ACTOR_FIELDS, "actor.")
    name = _required_str(actor, "name", "actor.name")
    shot = _required_str(actor, "shot", "actor.shot")
    version = _optional_str(actor, "version", "actor.version")
    style = _optional_str(actor, "style", "actor.style")
    size = _optional_str(actor, "size", "actor.size")
    voice = _required_str(body, "voice", "voice")
    background = _optional_str(body, "background", "background") or catalog.DEFAULT_BACKGROUND
    emotion = _optional_str(body, "emotion", "emotion")
    video_name = _optional_str(body, "video_name", "video_name")
    composition = _optional_object(body, "composition")
    circle = _optional_object(body, "circle")

    if not script.strip():
        raise ApiError(422, "script is empty")
    if len(script) > MAX_SCRIPT_CHARS:
        raise ApiError(
            422, f"script is too long: {len(script)} characters, at most {MAX_SCRIPT_CHARS}"
        )
    check_video_name(video_name)

    version, model = resolve_actor(name, version, style, shot, size)
    shot_size = str(model["shots"][shot]["size"])
    emotion = _check_offer(model, f"{name}-{version}", shot_size, voice, background, emotion)

    layout = _composition(composition or {}, circle)
    duration = estimate_seconds(script)
    if duration > MAX_DURATION_SECONDS:
        raise ApiError(
            422,
            f"video is too long: about {duration:.1f} seconds estimated from the script, "
            f"at most {MAX_DURATION_SECONDS:g} (3 minutes)",
        )
    return Generation(
        script=script,
        actor_name=name,
        model_version=version,
        style=str(model["style"]),
        shot=shot,
        size=shot_size,
        voice_name=voice,
        emotion=emotion,
        background=background,
        video_name=video_name,
        duration=duration,
        **layout,
    )


def check_video_name(video_name: str | None) -> None:
    if video_name is not None and len(video_name) > MAX_NAME_CHARS:
        raise ApiError(
            422,
            f"video_name is too long: {len(video_name)} characters, at most {MAX_NAME_CHARS}",
        )


def resolve_actor(
    name: str, version: str | None, style: str | None, shot: str, size: str | None
) -> tuple[str, dict[str, Any]]:
    """The actor version that fits; ``latest`` (or none) is the highest that fits the rest."""
    versions = catalog.MODELS.get(name)
    if versions is None:
        raise ApiError(422, f"unknown actor {name}")
    wanted = version if version and version != "latest" else None
    label = f"{name}-{wanted or 'latest'}"
    candidates = dict(versions)
    if wanted is not None:
        if wanted not in candidates:
            raise ApiError(422, f"bad version for {label}")
        candidates = {wanted: candidates[wanted]}
    if style is not None:
        candidates = {v: m for v, m in candidates.items() if m["style"] == style}
        if not candidates:
            raise ApiError(422, f"bad style for {label}")
    candidates = {v: m for v, m in candidates.items() if shot in m["shots"]}
    if not candidates:
        raise ApiError(422, f"bad shot for {label}")
    if size is not None:
        candidates = {v: m for v, m in candidates.items() if m["shots"][shot]["size"] == size}
        if not candidates:
            raise ApiError(422, f"bad size for {label}")
    best = max(candidates, key=catalog.version_key)
    return best, candidates[best]


def _composition(comp: dict[str, Any], circle: dict[str, Any] | None) -> dict[str, Any]:
    _unknown(comp, COMPOSITION_FIELDS, "composition.")
    orientation = _choice(comp, "orientation", ORIENTATIONS, "composition.") or "horizontal"
    frame = _choice(comp, "frame_style", FRAME_STYLES, "composition.")
    if circle is not None:
        _unknown(circle, CIRCLE_FIELDS, "circle.")
        if frame == "rectangle":
            raise ApiError(422, "circle cannot be used with composition.frame_style rectangle")
        if any(key in comp for key in CIRCLE_FIELDS):
            raise ApiError(422, "give the circle either in circle or in composition, not both")
        frame = "circle"
    frame = frame or "rectangle"
    if frame == "circle":
        for key in RECTANGLE_ONLY:
            if key in comp:
                raise ApiError(422, f"composition.{key} is not valid with frame_style circle")
        source, prefix = (circle, "circle.") if circle is not None else (comp, "composition.")
        ring = dict(DEFAULT_CIRCLE)
        location = _choice(source, "location", LOCATIONS, prefix)
        ring["location"] = location or ring["location"]
        for key in ("background_color", "border_color"):
            ring[key] = _color(source, key, prefix) or ring[key]
        return {
            "orientation": orientation,
            "frame_style": "circle",
            "scale": None,
            "crop": None,
            "shift": None,
            "circle": ring,
        }
    for key in CIRCLE_FIELDS:
        if key in comp:
            raise ApiError(422, f"composition.{key} is valid only with frame_style circle")
    return {
        "orientation": orientation,
        "frame_style": "rectangle",
        "scale": _number(comp, "scale", 1.0, low=0.0, high=1.0, low_open=True),
        "crop": _number(comp, "crop", 1.0, low=0.0, high=1.0, low_open=True),
        "shift": _number(comp, "shift", 0.0, low=-1.0, high=1.0, low_open=False),
        "circle": None,
    }


def _unknown(obj: dict[str, Any], known: tuple[str, ...], prefix: str) -> None:
    extra = sorted(k for k in obj if k not in known)
    if extra:
        noun = "parameter" if len(extra) == 1 else "parameters"
        raise ApiError(422, f"unknown {noun}: " + ", ".join(prefix + k for k in extra))


def _required_str(obj: dict[str, Any], key: str, path: str) -> str:
    value = obj.get(key)
    if value is None:
        raise ApiError(400, f"missing required field: {path}")
    if not isinstance(value, str):
        raise ApiError(400, f"field {path} must be a string")
    return value


def _optional_str(obj: dict[str, Any], key: str, path: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise ApiError(400, f"field {path} must be a string")
    return value


def _optional_object(obj: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, dict):
        raise ApiError(400, f"field {key} must be an object")
    return value


def _choice(obj: dict[str, Any], key: str, allowed: tuple[str, ...], prefix: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if value not in allowed:
        raise ApiError(422, f"bad {prefix}{key}: {value!r}, expected one of {', '.join(allowed)}")
    return str(value)


def _color(obj: dict[str, Any], key: str, prefix: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not _COLOR.fullmatch(value):
        raise ApiError(422, f"bad {prefix}{key}: {value!r}, expected #RRGGBB")
    return value


def _number(
    obj: dict[str, Any], key: str, default: float, *, low: float, high: float, low_open: bool
) -> float:
    value = obj.get(key)
    if value is None:
        return default
    interval = f"{'(' if low_open else '['}{low:g}, {high:g}]"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ApiError(422, f"bad composition.{key}: {value!r}, expected a number in {interval}")
    if value > high or value < low or (low_open and value == low):
        raise ApiError(422, f"bad composition.{key}: {value!r}, expected a number in {interval}")
    return float(value)
