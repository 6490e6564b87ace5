"""The emulated CDNvideo account's catalog: what ``GET /configurations`` answers.

It starts with the vendor page's example exactly (voices Alena, Sara, Mia; actor Natalia
1.0.0 in a suit jacket and 4.0.0 in a dress shirt, both a waist shot in HD; backgrounds
``background_1`` and ``globe``; quota 560/544; no watermark). The page's copy lost the lists
(``voices`` of each actor version, ``sizes`` of each background); the values below are ours.
Around it, just enough variety to meet every inconsistency a manifest can hold:

- Ivan, a male actor with several versions, shots and sizes (SD up to 4K), two styles;
- Filipp, a voice offered only to Ivan; Mia, offered to Natalia 4.0.0 but not 1.0.0;
- ``classroom``, a background that exists only in SD; ``globe`` without FullHD or 4K;
  ``green_screen`` (the default background) in every size.

The actor version's ``voices`` names the voices it may speak with. Sizes are ``SD``, ``HD``,
``FullHD`` and ``4K``.
"""

from __future__ import annotations

import copy
from typing import Any

SIZES = ("SD", "HD", "FullHD", "4K")
DEFAULT_BACKGROUND = "green_screen"
DEFAULT_EMOTION = "neutral"


def _shot(size: str, width: int, height: int) -> dict[str, Any]:
    return {"size": size, "out_size": {"width": width, "height": height}}


VOICES: dict[str, dict[str, Any]] = {
    "Alena": {
        "language": "ru-RU",
        "gender": "female",
        "name": "alena",
        "provider": "Yandex",
        "emotions": ["neutral", "good"],
    },
    "Sara": {
        "language": "en-EN",
        "gender": "female",
        "name": "en-US-SaraNeural",
        "provider": "Microsoft",
    },
    "Mia": {
        "language": "en-EN",
        "gender": "female",
        "name": "en-GB-MiaNeural",
        "provider": "Microsoft",
    },
    "Filipp": {
        "language": "ru-RU",
        "gender": "male",
        "name": "filipp",
        "provider": "Yandex",
        "emotions": ["neutral", "strict"],
    },
    "Guy": {
        "language": "en-EN",
        "gender": "male",
        "name": "en-US-GuyNeural",
        "provider": "Microsoft",
    },
}

MODELS: dict[str, dict[str, dict[str, Any]]] = {
    "Natalia": {
        "1.0.0": {
            "style": "suitjacket",
            "gender": "female",
            "voices": ["Alena", "Sara"],
            "shots": {"waist": _shot("HD", 512, 720)},
        },
        "4.0.0": {
            "style": "dressshirt",
            "gender": "female",
            "voices": ["Alena", "Sara", "Mia"],
            "shots": {"waist": _shot("HD", 512, 720)},
        },
    },
    "Ivan": {
        "1.0.0": {
            "style": "hoodie",
            "gender": "male",
            "voices": ["Filipp", "Guy"],
            "shots": {"waist": _shot("SD", 360, 480), "closeup": _shot("HD", 720, 720)},
        },
        "2.0.0": {
            "style": "suit",
            "gender": "male",
            "voices": ["Filipp", "Guy"],
            "shots": {
                "waist": _shot("FullHD", 768, 1080),
                "closeup": _shot("4K", 2160, 2160),
                "full": _shot("HD", 400, 720),
            },
        },
        "2.1.0": {
            "style": "suit",
            "gender": "male",
            "voices": ["Filipp", "Guy", "Sara"],
            "shots": {"waist": _shot("4K", 1536, 2160)},
        },
    },
}

BACKGROUNDS: dict[str, dict[str, Any]] = {
    "background_1": {"sizes": ["SD", "HD"]},
    "globe": {"sizes": ["SD", "HD"]},
    "classroom": {"sizes": ["SD"]},
    "office": {"sizes": ["HD", "FullHD", "4K"]},
    DEFAULT_BACKGROUND: {"sizes": list(SIZES)},
}


def configurations(quota_limit: float, quota_left: float) -> dict[str, Any]:
    """The body of ``GET /configurations`` (a fresh copy the caller may change)."""
    return {
        "status": "ok",
        "voices": copy.deepcopy(VOICES),
        "models": copy.deepcopy(MODELS),
        "backgrounds": copy.deepcopy(BACKGROUNDS),
        "quota": {"limit": float(quota_limit), "left": float(quota_left)},
        "watermark": False,
    }


def version_key(version: str) -> tuple[tuple[int, str], ...]:
    """Order versions like ``1.10.0`` > ``1.9.2``; non-numeric parts sort after numbers."""
    return tuple((int(p), "") if p.isdigit() else (1 << 30, p) for p in version.split("."))


def voice_emotions(voice: str) -> list[str]:
    """Emotions a voice offers; a voice that lists none speaks only ``neutral``."""
    return list(VOICES[voice].get("emotions", [DEFAULT_EMOTION]))
