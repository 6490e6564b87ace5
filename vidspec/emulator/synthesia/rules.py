"""Synthesia's request bodies, checked: create (``POST /v2/videos``), create from a template
(``POST /v2/videos/fromTemplate``), update (``PATCH /v2/videos/{id}``), and the listings'
query parameters [doc SW ``CreateVideoRequest``, ``Input``, ``UpdateVideoMetadataRequest``].

Every documented field, type and enum is checked and every problem reported (``schema``).
Where the docs are silent [vidspec]:

- an unknown field (top level, scene, ``avatarSettings``, PATCH) is a 400 ``<path>: Unknown
  field.``: a strict schema catches typos;
- an avatar, voice or stock background the catalog does not hold is a 400; a background may
  also be an asset id (any UUID: the emulator keeps no assets) or an http(s) URL;
- a scene has exactly one of ``scriptText`` and ``scriptAudio`` (the latter with
  ``scriptLanguage``); ``transition`` takes any non-empty word (the docs cut the list short);
- a ``templateData`` key the template does not declare is a 400; a declared variable left
  out keeps the template's ``value``; a text variable takes a string, an image or a video one
  a URL or an asset id;
- a video lasts 1 second per 14 characters of ``scriptText`` (at least 1 second a scene), 10
  seconds per ``scriptAudio`` scene, or the template's length;
- test hooks: a ``scriptText`` holding ``FAILME`` ends in status ``error``, ``REJECTME`` in
  ``rejected`` (in a template, a variable's value).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vidspec.emulator.synthesia import catalog
from vidspec.emulator.synthesia.schema import Fields, Problems, SynthesiaError, is_url, is_uuid

MAX_SCENES = 25  # [doc SW, since 2026-04] (the older create page: 6)
VISIBILITIES = ("private", "public")
ASPECT_RATIOS = ("16:9", "9:16", "1:1", "4:5", "5:4")
SOUNDTRACKS = ("corporate", "inspirational", "modern", "urban")
AVATAR_STYLES = ("rectangular", "circular", "voiceOnly")
ALIGNS = ("left", "center", "right")
LIST_SOURCES = ("workspace", "my_videos", "shared_with_me")
CHARS_PER_SECOND = 14.0
AUDIO_SCENE_SECONDS = 10.0
FAIL_WORD, REJECT_WORD = "FAILME", "REJECTME"
COMMON_FIELDS = ("test", "title", "description", "visibility", "callbackId", "ctaSettings")
CREATE_FIELDS = (
    "input",
    *COMMON_FIELDS,
    "aspectRatio",
    "folderId",
    "soundtrack",
    "soundSettings",
)
TEMPLATE_FIELDS = ("templateId", "templateData", *COMMON_FIELDS, "folderId", "brandKitId")
UPDATE_FIELDS = ("title", "description", "visibility", "ctaSettings")
SCENE_FIELDS = (
    "avatar",
    "background",
    "scriptText",
    "scriptAudio",
    "scriptLanguage",
    "avatarSettings",
    "backgroundSettings",
    "soundSettings",
    "transition",
)
_ANYWHERE = float("-inf")


@dataclass(frozen=True)
class Creation:
    """A checked create: what the new video is, with the defaults applied."""

    title: str
    description: str
    visibility: str
    aspect_ratio: str
    callback_id: str | None
    cta: Mapping[str, str] | None
    folder_id: str | None
    test: bool
    seconds: float
    outcome: str  # "complete", or what a test hook asks for: "error", "rejected"
    template_id: str | None
    request: Mapping[str, Any]


def parse_create(body: dict[str, Any]) -> Creation:
    """``POST /v2/videos``: a ``Creation`` or a 400 naming every problem."""
    problems = Problems()
    top = Fields(body, "", problems)
    top.only(CREATE_FIELDS)
    common = _common(top)
    aspect = top.string("aspectRatio", choices=ASPECT_RATIOS)
    top.string("folderId", kind="uuid")
    top.string("soundtrack", choices=SOUNDTRACKS)
    sound = top.fields("soundSettings")
    if sound is not None:
        sound.only(("defaultSoundtrackVolume", "soundtracks"))
        sound.number("defaultSoundtrackVolume", high=1.0)
        sound.array("soundtracks", high=100)
    seconds = 0.0
    texts: list[str] = []
    for index, scene in enumerate(top.array("input", required=True, low=1, high=MAX_SCENES)):
        if not isinstance(scene, dict):
            problems.add(f"input.{index}", "Not a valid mapping type.")
            continue
        scene_seconds, text = _scene(Fields(scene, f"input.{index}", problems))
        seconds += scene_seconds
        texts.append(text)
    problems.raise_any()
    return _creation(body, common, aspect or "16:9", seconds, texts, template_id=None)


def parse_from_template(body: dict[str, Any]) -> Creation:
    """``POST /v2/videos/fromTemplate``: a ``Creation``, a 400, or a 404 for an unknown template."""
    problems = Problems()
    top = Fields(body, "", problems)
    top.only(TEMPLATE_FIELDS)
    common = _common(top)
    top.string("folderId", kind="uuid")
    top.string("brandKitId", kind="uuid")
    template_id = top.string("templateId", required=True, kind="uuid")
    data = top.mapping("templateData", required=True)
    problems.raise_any()
    found = catalog.template(template_id or "")
    if found is None:
        raise SynthesiaError(404, "Template not found.")
    texts = _template_data(found, data or {}, problems)
    problems.raise_any()
    common.setdefault("title", found["title"])
    common.setdefault("description", found["description"])
    return _creation(body, common, "16:9", found["seconds"], texts, template_id=found["id"])


def parse_update(body: dict[str, Any]) -> dict[str, Any]:
    """``PATCH /v2/videos/{id}``: the changes (``ctaSettings`` may be ``None``: removed)."""
    problems = Problems()
    top = Fields(body, "", problems)
    top.only(UPDATE_FIELDS)
    changes = _given_texts(top, ("title", "description"))
    if "ctaSettings" in body:
        changes["ctaSettings"] = _cta(top.fields("ctaSettings", nullable=True))
    problems.raise_any()
    return changes


def page_params(query: Mapping[str, list[str]], sources: tuple[str, ...]) -> tuple[int, int]:
    """``limit`` (1–100, default 20) and ``offset`` (>= 0, default 0) of a listing, and its
    ``source`` values checked against ``sources`` (repeated, or comma-separated)."""
    problems = Problems()
    limit = _integer(query, "limit", 20, 1, 100, problems)
    offset = _integer(query, "offset", 0, 0, None, problems)
    for value in page_sources(query):
        if value not in sources:
            problems.add("source", f"Must be one of: {', '.join(sources)}.")
    problems.raise_any()
    return limit, offset


def page_sources(query: Mapping[str, list[str]]) -> list[str]:
    raw = [*query.get("source", []), *query.get("source[]", [])]
    return [part for value in raw for part in value.split(",") if part]


# -- the parts ---------------------------------------------------------------------------------


def _common(top: Fields) -> dict[str, Any]:
    """The fields create and fromTemplate share, those given only."""
    out = _given_texts(top, ("title", "description", "callbackId"))
    test = top.boolean("test")
    out["test"] = bool(test)
    cta = _cta(top.fields("ctaSettings"))
    if cta is not None:
        out["ctaSettings"] = cta
    return out


def _given_texts(top: Fields, names: tuple[str, ...]) -> dict[str, Any]:
    """The strings ``names`` and ``visibility``, those given, checked."""
    out: dict[str, Any] = {}
    for name in names:
        value = top.string(name)
        if value is not None:
            out[name] = value
    visibility = top.string("visibility", choices=VISIBILITIES)
    if visibility is not None:
        out["visibility"] = visibility
    return out


def _cta(fields: Fields | None) -> dict[str, str] | None:
    if fields is None:
        return None
    fields.only(("label", "url"))
    label = fields.string("label", required=True)
    url = fields.string("url", required=True, kind="url")
    return None if label is None or url is None else {"label": label, "url": url}


def _scene(scene: Fields) -> tuple[float, str]:
    """Check one ``input[]`` item; its length in seconds and its script text."""
    scene.only(SCENE_FIELDS)
    avatar = scene.string("avatar", required=True)
    if avatar is not None and avatar not in catalog.AVATARS:
        scene.problems.add(scene.at("avatar"), f"Unknown avatar {avatar!r}.")
    background = scene.string("background", required=True)
    if background is not None and not (
        background in catalog.BACKGROUNDS or is_uuid(background) or is_url(background)
    ):
        scene.problems.add(
            scene.at("background"),
            f"Unknown background {background!r}: a stock name, an asset id or a URL.",
        )
    text = scene.string("scriptText", kind="word")
    audio = scene.string("scriptAudio", kind="uuid")
    language = scene.string("scriptLanguage", kind="word")
    if ("scriptText" in scene.value) == ("scriptAudio" in scene.value):
        scene.problems.add(scene.path, "Give exactly one of scriptText and scriptAudio.")
    elif audio is not None and language is None:
        scene.problems.add(scene.at("scriptLanguage"), "Required with scriptAudio.")
    _avatar_settings(scene.fields("avatarSettings"))
    _background_settings(scene.fields("backgroundSettings"))
    sound = scene.fields("soundSettings")
    if sound is not None:
        sound.only(("soundtrackVolume",))
        sound.number("soundtrackVolume", high=1.0)
    scene.string("transition", kind="word")
    if text is None:
        return AUDIO_SCENE_SECONDS, ""
    return max(1.0, len(text) / CHARS_PER_SECOND), text


def _avatar_settings(fields: Fields | None) -> None:
    if fields is None:
        return
    fields.only(("style", "voice", "horizontalAlign", "scale", "backgroundColor", "seamless"))
    fields.string("style", required=True, choices=AVATAR_STYLES)
    voice = fields.string("voice", kind="uuid")
    if voice is not None and voice not in catalog.VOICES:
        fields.problems.add(fields.at("voice"), f"Unknown voice {voice!r}.")
    fields.string("horizontalAlign", choices=ALIGNS)
    fields.number("scale", high=10.0)
    fields.string("backgroundColor", kind="hex")
    fields.boolean("seamless")


def _background_settings(fields: Fields | None) -> None:
    if fields is None:
        return
    fields.only(("position", "scale", "videoSettings"))
    position = fields.fields("position")
    if position is not None:
        position.only(("x", "y"))
        position.number("x", low=_ANYWHERE)
        position.number("y", low=_ANYWHERE)
    fields.number("scale", high=10.0)
    fields.mapping("videoSettings")


def _template_data(
    found: Mapping[str, Any], data: Mapping[str, Any], problems: Problems
) -> list[str]:
    """Check ``templateData`` against the template's variables; the text values used."""
    declared = {v["id"]: v for v in found["variables"]}
    texts: list[str] = []
    for name, value in data.items():
        variable = declared.get(name)
        where = f"templateData.{name}"
        if variable is None:
            problems.add(where, f"Unknown variable; the template has: {', '.join(declared)}.")
        elif variable["type"] == "string":
            if isinstance(value, str):
                texts.append(value)
            else:
                problems.add(where, "Not a valid string.")
        elif not (is_url(value) or is_uuid(value)):
            problems.add(where, f"Not a URL or an asset id (the {variable['type']} variable's).")
    return texts


def _creation(
    body: dict[str, Any],
    common: Mapping[str, Any],
    aspect: str,
    seconds: float,
    texts: list[str],
    *,
    template_id: str | None,
) -> Creation:
    outcome = "complete"
    if any(REJECT_WORD in t for t in texts):
        outcome = "rejected"
    elif any(FAIL_WORD in t for t in texts):
        outcome = "error"
    return Creation(
        title=common.get("title", ""),
        description=common.get("description", ""),
        visibility=common.get("visibility", "private"),
        aspect_ratio=aspect,
        callback_id=common.get("callbackId"),
        cta=common.get("ctaSettings"),
        folder_id=body.get("folderId"),
        test=bool(common.get("test")),
        seconds=seconds,
        outcome=outcome,
        template_id=template_id,
        request=body,
    )


def _integer(
    query: Mapping[str, list[str]],
    name: str,
    default: int,
    low: int,
    high: int | None,
    problems: Problems,
) -> int:
    values = query.get(name)
    if not values:
        return default
    raw = values[0].strip()
    number = int(raw) if raw.isdigit() else None
    if number is None or number < low or (high is not None and number > high):
        top = "" if high is None else f" and less than or equal to {high}"
        problems.add(name, f"Must be an integer greater than or equal to {low}{top}.")
        return default
    return number
