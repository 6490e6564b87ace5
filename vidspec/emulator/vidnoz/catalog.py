"""The emulated Vidnoz account's avatars and voices: what ``GET /v2/avatar/list`` and
``GET /v2/voice/list`` answer.

The vendor publishes no shape for these two lists. Public client code reads ``data`` as an
object holding an array (``avatars`` / ``voices``, or ``list``), each item with ``id`` (or
``avatar_id`` / ``voice_id``), ``name``, ``gender``, and for voices ``language`` and
``emotions``. The emulator answers that shape, plus what a reconciler needs and the clients
hint at: ``styles`` (the ``avatar.style`` numbers an avatar offers) and ``total``::

    {"code": 200, "message": "ok",
     "data": {"total": 5, "avatars": [{"id", "name", "gender", "styles": [1, 2, 3]}]}}
    {"code": 200, "message": "ok",
     "data": {"total": 6, "voices": [{"id", "name", "language", "gender", "emotions": [...]}]}}

The avatar and voice ids of the vendor page's curl example are here, so that example's ids
work. Around them, enough variety for every catalog problem: an avatar without the round
close-up (style 3), one with only the round close-up, a voice with a single emotion.
"""

from __future__ import annotations

import copy
from typing import Any

STYLE_NAMES = {1: "full body", 2: "half body", 3: "round close-up"}
DEFAULT_EMOTION = "normal"

AVATARS: list[dict[str, Any]] = [
    {
        "id": "Rk1nN090NnZQWXlSZW5oSHJlSlhWdz09",  # the vendor page's example
        "name": "Anna",
        "gender": "female",
        "styles": [1, 2, 3],
    },
    {"id": "TUh6dnJ0QXBQcW1ZS3hVdw==", "name": "Daniel", "gender": "male", "styles": [1, 2, 3]},
    {"id": "U29maWFIYWxmQm9keTAxMg==", "name": "Sofia", "gender": "female", "styles": [2, 3]},
    {"id": "S2VuamlGdWxsQm9keTAzNA==", "name": "Kenji", "gender": "male", "styles": [1, 2]},
    {"id": "TGVuYVJvdW5kT25seTA1Ng==", "name": "Lena", "gender": "female", "styles": [3]},
]

VOICES: list[dict[str, Any]] = [
    {
        "id": "d0VWUk5SU056NEwwMlRsem5vNVROYlpCc3FGY25CY0xBa3VIeWtLUkRyMD0=",  # the example's
        "name": "Jenny",
        "language": "en-US",
        "gender": "female",
        "emotions": ["normal", "happy", "sad", "cheerful", "chat"],
    },
    {
        "id": "R3V5TmV1cmFsRW5VUzAwMQ==",
        "name": "Guy",
        "language": "en-US",
        "gender": "male",
        "emotions": ["normal", "cheerful", "chat"],
    },
    {
        "id": "U29uaWFOZXVyYWxFbkdCMDI=",
        "name": "Sonia",
        "language": "en-GB",
        "gender": "female",
        "emotions": ["normal"],
    },
    {
        "id": "S2F0amFOZXVyYWxEZURFMDM=",
        "name": "Katja",
        "language": "de-DE",
        "gender": "female",
        "emotions": ["normal", "happy", "sad"],
    },
    {
        "id": "Q29ucmFkTmV1cmFsRGVERTA0",
        "name": "Conrad",
        "language": "de-DE",
        "gender": "male",
        "emotions": ["normal", "cheerful"],
    },
    {
        "id": "U3ZldGxhbmFOZXVyYWxSdTA1",
        "name": "Svetlana",
        "language": "ru-RU",
        "gender": "female",
        "emotions": ["normal"],
    },
]

_AVATARS_BY_ID = {a["id"]: a for a in AVATARS}
_VOICES_BY_ID = {v["id"]: v for v in VOICES}


def avatar(avatar_id: str) -> dict[str, Any] | None:
    return _AVATARS_BY_ID.get(avatar_id)


def voice(voice_id: str) -> dict[str, Any] | None:
    return _VOICES_BY_ID.get(voice_id)


def avatar_list() -> dict[str, Any]:
    """``data`` of ``GET /v2/avatar/list`` (a fresh copy)."""
    return {"total": len(AVATARS), "avatars": copy.deepcopy(AVATARS)}


def voice_list() -> dict[str, Any]:
    """``data`` of ``GET /v2/voice/list`` (a fresh copy)."""
    return {"total": len(VOICES), "voices": copy.deepcopy(VOICES)}
