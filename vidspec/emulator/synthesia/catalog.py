"""What the emulated Synthesia account accepts: stock avatars, voices, backgrounds, templates.

The API has no avatar or voice endpoint (the vendor lists them on docs pages and in STUDIO), so
these lists only decide what a create accepts; ``GET /_admin/catalog`` shows them. The two
avatar ids of the vendor's examples (``anna_costume1_cameraA``, ``mia_costume1_cameraA``) and
the 17 documented stock backgrounds are here; the other avatars, the voices (UUIDs, as
``avatarSettings.voice`` takes) and the templates are the emulator's own [vidspec: enough
variety for every check, none documented].

Templates answer ``GET /v2/templates`` in the documented shape (``id``, ``title``,
``description``, ``ctaSettings``, ``variables[{id, type, value}]``, ``createdAt``,
``lastUpdatedAt``); ``source`` says whether one is the workspace's or a stock (``synthesia``)
template, and ``seconds`` how long a video made from it lasts [vidspec: the docs give no
length].
"""

from __future__ import annotations

import copy
from typing import Any

AVATARS: tuple[str, ...] = (
    "anna_costume1_cameraA",  # the vendor's example
    "mia_costume1_cameraA",  # the vendor's example
    "jonathan_costume1_cameraA",
    "santa_costume1_cameraA",
)

VOICES: dict[str, dict[str, str]] = {
    "0d6b3a4c-2b1e-4c55-9b5a-6f0f3c1d7e21": {"name": "Anna (en-US)", "language": "en-US"},
    "5a8e1f02-7c3d-4e9b-a1f6-2d4b8c0e9f13": {"name": "Mia (en-GB)", "language": "en-GB"},
    "9c2d7e41-0b6a-4f38-8e5d-1a3f9b7c2d64": {"name": "Jonas (de-DE)", "language": "de-DE"},
}

BACKGROUNDS: tuple[str, ...] = (
    "green_screen",
    "off_white",
    "warm_white",
    "light_pink",
    "soft_pink",
    "light_blue",
    "dark_blue",
    "soft_cyan",
    "strong_cyan",
    "light_orange",
    "soft_orange",
    "white_studio",
    "white_cafe",
    "luxury_lobby",
    "large_window",
    "white_meeting_room",
    "open_office",
)

_CREATED = 1767225600  # 2026-01-01T00:00:00Z: the stock templates' age

TEMPLATES: tuple[dict[str, Any], ...] = (
    {
        "id": "6f1d2c3b-4a5e-4f60-8b7c-9d0e1f2a3b4c",
        "title": "Product update",
        "description": "A presenter announces a product change.",
        "ctaSettings": {"label": "Read more", "url": "https://example.com/updates"},
        "variables": [
            {"id": "product_name", "type": "string", "value": "Acme"},
            {"id": "headline", "type": "string", "value": "What is new"},
            {"id": "logo", "type": "image", "value": "https://example.com/logo.png"},
        ],
        "createdAt": _CREATED,
        "lastUpdatedAt": _CREATED,
        "source": "workspace",
        "seconds": 45.0,
    },
    {
        "id": "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d",
        "title": "Onboarding",
        "description": "Welcome a new colleague by name.",
        "ctaSettings": None,
        "variables": [
            {"id": "name", "type": "string", "value": "there"},
            {"id": "clip", "type": "video", "value": "https://example.com/office.mp4"},
        ],
        "createdAt": _CREATED,
        "lastUpdatedAt": _CREATED,
        "source": "workspace",
        "seconds": 30.0,
    },
    {
        "id": "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
        "title": "Stock: Welcome",
        "description": "Synthesia's stock welcome template.",
        "ctaSettings": None,
        "variables": [{"id": "company", "type": "string", "value": "our company"}],
        "createdAt": _CREATED,
        "lastUpdatedAt": _CREATED,
        "source": "synthesia",
        "seconds": 20.0,
    },
)

TEMPLATE_SOURCES = ("workspace", "synthesia")
_PRIVATE = ("source", "seconds")  # the emulator's own keys: not in an answer
_BY_ID = {t["id"]: t for t in TEMPLATES}


def template(template_id: str) -> dict[str, Any] | None:
    """The template of ``template_id`` with the emulator's keys (``source``, ``seconds``)."""
    return _BY_ID.get(template_id)


def template_json(found: dict[str, Any]) -> dict[str, Any]:
    """A template as the API answers it (a fresh copy)."""
    return {k: copy.deepcopy(v) for k, v in found.items() if k not in _PRIVATE}


def templates(sources: tuple[str, ...]) -> list[dict[str, Any]]:
    """The templates of ``sources``, in a fixed order."""
    return [t for t in TEMPLATES if t["source"] in sources]


def admin_json() -> dict[str, Any]:
    """``GET /_admin/catalog``: what a create accepts, since the API lists none of it."""
    return {
        "avatars": list(AVATARS),
        "voices": [{"id": k, **v} for k, v in VOICES.items()],
        "backgrounds": list(BACKGROUNDS),
        "templates": [template_json(t) | {"source": t["source"]} for t in TEMPLATES],
    }
