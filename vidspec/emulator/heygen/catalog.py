"""The emulated HeyGen account's catalog: avatar groups and their looks, voices, templates and
the account itself (``GET /v3/avatars``, ``/v3/avatars/looks``, ``/v3/voices``,
``/v3/templates``, ``/v3/users/me``), in the shapes HeyGen documents [doc CLI].

The look and voice ids of HeyGen's own quick-start examples (``Angela-inTshirt-20220820``,
``1bd001e7e50f421d891986aad5158bc8``) are here, so the vendor's examples run. Around them,
enough variety for every catalog rule: a look for each ``avatar_type``, looks with and without
``avatar_v``, a photo avatar, a private voice, a template whose variables are text and image,
and one without variables (a template "only with variables defined is listed" [doc]). Ids the
docs show only as ``<string>`` are 32 lower-case hex characters [vidspec: HeyGen's real ids
have that shape].
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

_CREATED = 1_719_792_000  # 2024-07-01, when these public avatars "were made"

VOICES: list[dict[str, Any]] = [
    {"voice_id": "1bd001e7e50f421d891986aad5158bc8", "name": "Sara", "language": "English",
     "gender": "female", "type": "public", "support_locale": True, "support_pause": True},
    {"voice_id": "2d5b0e6cf36f460aa7fc47e3eee4ba54", "name": "Ivy", "language": "English",
     "gender": "female", "type": "public", "support_locale": True, "support_pause": True},
    {"voice_id": "131a436c47064f708210df6628ef8f32", "name": "Mark", "language": "English",
     "gender": "male", "type": "public", "support_locale": True, "support_pause": False},
    {"voice_id": "9f8ff4eb32f04ac6a7fd6e2a28e3e5a2", "name": "Lena", "language": "German",
     "gender": "female", "type": "public", "support_locale": False, "support_pause": True},
    {"voice_id": "f1e2d3c4b5a69788776655443322a1b0", "name": "Acme brand voice",
     "language": "English", "gender": "male", "type": "private", "support_locale": False,
     "support_pause": True},
]  # fmt: skip

GROUPS: list[dict[str, Any]] = [
    {"id": "5b3c2a1d0e9f48a7b6c5d4e3f2a1b0c9", "name": "Angela", "gender": "female",
     "default_voice_id": "1bd001e7e50f421d891986aad5158bc8", "ownership": "public"},
    {"id": "6c4d3b2e1f0a49b8c7d6e5f4a3b2c1d0", "name": "Daisy", "gender": "female",
     "default_voice_id": "2d5b0e6cf36f460aa7fc47e3eee4ba54", "ownership": "public"},
    {"id": "7d5e4c3f2a1b40c9d8e7f6a5b4c3d2e1", "name": "Josh", "gender": "male",
     "default_voice_id": "131a436c47064f708210df6628ef8f32", "ownership": "private"},
    {"id": "8e6f5d4a3b2c41d0e9f8a7b6c5d4e3f2", "name": "Mira", "gender": "female",
     "default_voice_id": "9f8ff4eb32f04ac6a7fd6e2a28e3e5a2", "ownership": "private"},
]  # fmt: skip

_IV_III = ["avatar_iv", "avatar_iii"]
_ALL = ["avatar_v", "avatar_iv", "avatar_iii"]
LOOKS: list[dict[str, Any]] = [
    {"id": "Angela-inTshirt-20220820", "name": "Angela in T-shirt", "group": "Angela",
     "avatar_type": "studio_avatar", "engines": _IV_III, "orientation": "landscape",
     "size": (1920, 1080), "tags": ["casual"]},
    {"id": "Angela-inSuit-20220820", "name": "Angela in suit", "group": "Angela",
     "avatar_type": "studio_avatar", "engines": _ALL, "orientation": "landscape",
     "size": (1920, 1080), "tags": ["business"]},
    {"id": "Daisy-inskirt-20220818", "name": "Daisy in skirt", "group": "Daisy",
     "avatar_type": "studio_avatar", "engines": _IV_III, "orientation": "portrait",
     "size": (1080, 1920), "tags": ["casual"]},
    {"id": "Josh_lite3_20230714", "name": "Josh", "group": "Josh",
     "avatar_type": "digital_twin", "engines": ["avatar_v", "avatar_iv"],
     "orientation": "landscape", "size": (1920, 1080), "tags": []},
    {"id": "c3d2e1f0a9b84c7d6e5f4a3b2c1d0e9f", "name": "Mira (photo)", "group": "Mira",
     "avatar_type": "photo_avatar", "engines": ["avatar_v", "avatar_iv"],
     "orientation": "square", "size": (1024, 1024), "tags": ["photo"]},
]  # fmt: skip


def _text(name: str, content: str) -> dict[str, Any]:
    return {"name": name, "type": "text", "properties": {"content": content}}


TEMPLATES: list[dict[str, Any]] = [
    {
        "id": "4f1c2b3a5d6e7f8091a2b3c4d5e6f708",
        "name": "Product promo",
        "aspect_ratio": "16:9",
        "variables": {
            "product_name": _text("product_name", "Acme Rocket"),
            "offer": _text("offer", "20% off this week"),
            "logo": {
                "name": "logo",
                "type": "image",
                "properties": {"url": "https://example.com/logo.png", "asset_id": None},
            },
        },
        "scenes": [
            {"scene_id": "a1b2c3d4", "script": "Meet {{product_name}}!",
             "variables": [{"name": "product_name", "variable_type": "text"},
                           {"name": "logo", "variable_type": "image"}]},
            {"scene_id": "e5f6a7b8", "script": "{{offer}}. Order {{product_name}} today.",
             "variables": [{"name": "offer", "variable_type": "text"},
                           {"name": "product_name", "variable_type": "text"}]},
        ],
    },
    {
        "id": "9a8b7c6d5e4f30211203f4e5d6c7b8a9",
        "name": "Welcome aboard",
        "aspect_ratio": "9:16",
        "variables": {
            "first_name": _text("first_name", "Alex"),
            "team": _text("team", "the platform team"),
        },
        "scenes": [
            {"scene_id": "0c1d2e3f", "script": "Hi {{first_name}}, welcome to {{team}}!",
             "variables": [{"name": "first_name", "variable_type": "text"},
                           {"name": "team", "variable_type": "text"}]},
        ],
    },
    {
        "id": "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
        "name": "Draft without variables",
        "aspect_ratio": "1:1",
        "variables": {},
        "scenes": [{"scene_id": "f0e1d2c3", "script": "A fixed message.", "variables": []}],
    },
]  # fmt: skip

LOOKS_BY_ID = {look["id"]: look for look in LOOKS}
VOICES_BY_ID = {voice["voice_id"]: voice for voice in VOICES}
TEMPLATES_BY_ID = {template["id"]: template for template in TEMPLATES}
_GROUPS_BY_NAME = {group["name"]: group for group in GROUPS}


def group_items(root: str, ownership: str | None) -> list[dict[str, Any]]:
    """``GET /v3/avatars``' items, filtered by ``ownership``."""
    out = []
    for group in GROUPS:
        if ownership is not None and group["ownership"] != ownership:
            continue
        out.append(
            {
                "id": group["id"],
                "name": group["name"],
                "gender": group["gender"],
                "looks_count": sum(1 for look in LOOKS if look["group"] == group["name"]),
                "default_voice_id": group["default_voice_id"],
                "preview_image_url": f"{root}/files/preview/{group['id']}.jpg",
                "preview_video_url": None,
                "created_at": _CREATED,
                "status": "completed",
                "consent_status": None,
                "error": None,
            }
        )
    return out


def look_item(root: str, look: Mapping[str, Any]) -> dict[str, Any]:
    group = _GROUPS_BY_NAME[look["group"]]
    width, height = look["size"]
    return {
        "id": look["id"],
        "name": look["name"],
        "group_id": group["id"],
        "gender": group["gender"],
        "default_voice_id": group["default_voice_id"],
        "tags": list(look["tags"]),
        "avatar_type": look["avatar_type"],
        "supported_api_engines": list(look["engines"]),
        "preferred_orientation": look["orientation"],
        "image_width": width,
        "image_height": height,
        "preview_image_url": f"{root}/files/preview/{look['id']}.jpg",
        "preview_video_url": None,
        "status": "completed",
        "error": None,
    }


def look_items(
    root: str, group_id: str | None, avatar_type: str | None, ownership: str | None
) -> list[dict[str, Any]]:
    """``GET /v3/avatars/looks``' items, filtered as asked."""
    out = []
    for look in LOOKS:
        group = _GROUPS_BY_NAME[look["group"]]
        if group_id is not None and group["id"] != group_id:
            continue
        if avatar_type is not None and look["avatar_type"] != avatar_type:
            continue
        if ownership is not None and group["ownership"] != ownership:
            continue
        out.append(look_item(root, look))
    return out


def default_voice(look: Mapping[str, Any]) -> str:
    return str(_GROUPS_BY_NAME[look["group"]]["default_voice_id"])


def voice_items(
    root: str, voice_type: str, language: str | None, gender: str | None
) -> list[dict[str, Any]]:
    """``GET /v3/voices``' items: ``type`` (default ``public``), ``language`` and ``gender``
    compared without case [vidspec]; ``engine`` is accepted and filters nothing [vidspec: the
    voices carry no engine field to filter on]."""
    out = []
    for voice in VOICES:
        if voice["type"] != voice_type:
            continue
        if language is not None and voice["language"].lower() != language.lower():
            continue
        if gender is not None and voice["gender"].lower() != gender.lower():
            continue
        item = dict(voice)
        item["preview_audio_url"] = f"{root}/files/preview/{voice['voice_id']}.mp3"
        out.append(item)
    return out


def template_summary(root: str, template: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": template["id"],
        "name": template["name"],
        "aspect_ratio": template["aspect_ratio"],
        "thumbnail_url": f"{root}/files/preview/{template['id']}.jpg",
        "created_at": _CREATED,
        "updated_at": _CREATED,
    }


def template_items(root: str) -> list[dict[str, Any]]:
    """``GET /v3/templates``: only templates with variables are listed [doc]."""
    return [template_summary(root, t) for t in TEMPLATES if t["variables"]]


def template_detail(root: str, template: Mapping[str, Any]) -> dict[str, Any]:
    """``GET /v3/templates/{id}``: the summary plus ``variables`` (keyed by name, in the shape
    the generate call accepts, with their current defaults), ``scenes`` and ``scene_ids``."""
    detail = template_summary(root, template)
    detail["variables"] = copy.deepcopy(template["variables"])
    detail["scenes"] = copy.deepcopy(template["scenes"])
    detail["scene_ids"] = [scene["scene_id"] for scene in template["scenes"]]
    return detail
