"""HeyGen's rules for ``POST /v3/templates/{template_id}``: a video from a template.

``parse_generate`` checks the body against the template's declared variables and the fields
HeyGen documents (``variables`` required; ``title``, ``callback_id``,
``callback_url``, ``folder_id``, ``caption``, ``dimension``, ``fps``, ``scene_ids``,
``subtitles``, ...) and returns a ``Generation`` whose script is the chosen scenes' scripts
with the variables filled in. Choices where the docs are silent [vidspec]:

- a variable the template does not declare is 400 ``invalid_parameter`` naming
  ``variables.<name>`` and the declared ones; a declared variable left out keeps its default
  (the template detail returns defaults "in the same shape the generate request accepts");
- a variable's ``type``, when sent, must be the declared one; a text variable needs
  ``properties.content`` (a string), an image one ``properties.url`` or ``asset_id``;
- the duration is estimated from the filled-in scripts, like a create's.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from vidspec.emulator.heygen.errors import invalid
from vidspec.emulator.heygen.fields import Fields
from vidspec.emulator.heygen.rules import FAIL_MARKER, Generation, estimate_seconds

FPS = (25, 30, 60)
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")


def parse_generate(template: Mapping[str, Any], document: Any) -> Generation:
    """The checked template-generate body, or the ``HeygenError`` HeyGen answers."""
    body = Fields.body(document)
    variables = _variables(template, body)
    for name in ("title", "callback_id", "callback_url", "folder_id", "brand_voice_id"):
        body.string(name)
    for name in ("caption", "enable_sharing", "include_gif", "keep_text_vertically_centered"):
        body.flag(name)
    body.flag("reorder_music")
    body.choice("fps", FPS)
    _dimension(body)
    subtitles = body.object("subtitles")
    if subtitles is not None:
        subtitles.string("preset_name", required=True)
    script = _script(template, _scene_ids(template, body), variables)
    request = {k: v for k, v in body.value.items() if v is not None}
    request["variables"] = variables
    return Generation(
        title=body.string("title"),
        request=request,
        duration=estimate_seconds(script),
        folder_id=body.string("folder_id"),
        captioned=bool(body.flag("caption")) or subtitles is not None,
        fails=FAIL_MARKER in script,
        template_id=str(template["id"]),
    )


def _variables(template: Mapping[str, Any], body: Fields) -> dict[str, Any]:
    given = body.object("variables", required=True)
    assert given is not None
    declared: Mapping[str, Any] = template["variables"]
    merged = copy.deepcopy(dict(declared))
    for name in given.value:
        where = f"variables.{name}"
        if name not in declared:
            known = ", ".join(sorted(declared)) or "none"
            raise invalid(where, f"template has no variable {name!r} (declared: {known})")
        value = given.object(name, required=True)
        assert value is not None
        kind = declared[name]["type"]
        sent_kind = value.string("type")
        if sent_kind is not None and sent_kind != kind:
            raise invalid(f"{where}.type", f"{where} is a {kind} variable, not {sent_kind}")
        properties = value.object("properties", required=True)
        assert properties is not None
        if kind == "text":
            properties.string("content", required=True)
        elif kind == "image" and sum(properties.present(k) for k in ("url", "asset_id")) != 1:
            raise invalid(f"{where}.properties", "an image needs exactly one of url, asset_id")
        merged[name] = {"name": name, "type": kind, "properties": dict(properties.value)}
    return merged


def _dimension(body: Fields) -> None:
    dimension = body.object("dimension")
    if dimension is None:
        return
    for side in ("width", "height"):
        value = dimension.integer(side, low=128, high=4096)
        if value is None or value % 2:
            raise invalid(
                dimension.name(side), f"{dimension.name(side)} must be an even number of pixels"
            )


def _scene_ids(template: Mapping[str, Any], body: Fields) -> list[str]:
    known = [scene["scene_id"] for scene in template["scenes"]]
    chosen = body.strings("scene_ids")
    if chosen is None:
        return known
    if not chosen:
        raise invalid("scene_ids", "scene_ids must name at least one scene")
    for scene_id in chosen:
        if scene_id not in known:
            raise invalid(
                "scene_ids", f"the template has no scene {scene_id!r} (scenes: {', '.join(known)})"
            )
    return chosen


def _script(template: Mapping[str, Any], scene_ids: list[str], variables: Mapping[str, Any]) -> str:
    """The spoken text: each chosen scene's script with its text variables filled in."""
    scripts = {scene["scene_id"]: scene.get("script") or "" for scene in template["scenes"]}

    def fill(match: re.Match[str]) -> str:
        variable = variables.get(match.group(1))
        if variable is None or variable["type"] != "text":
            return ""
        return str(variable["properties"].get("content", ""))

    return " ".join(_PLACEHOLDER.sub(fill, scripts[s]) for s in scene_ids)
