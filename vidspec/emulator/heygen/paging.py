"""Paging of HeyGen's lists: ``limit`` and the opaque ``token`` / ``next_token`` cursor.

Every list answers ``{"data": [...], "has_more", "next_token"}``; a client sends
``token=<next_token>`` while ``has_more`` is true [doc CLI]. ``limit`` is 1–100 (default 10)
for videos and templates, 1–50 (default 20) for avatars and looks, 1–100 (default 20) for
voices [doc CLI]; out of range is 400 ``invalid_parameter``, "limit must be between 1 and
100" [doc CLI test fixture]. Choices where the docs are silent [vidspec]: a token is base64 of
JSON (the last item's sort key for videos, an offset for the fixed catalogs), opaque by
contract; a token that is not one is 400 naming ``token``; ``next_token`` is ``null`` on the
last page.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Sequence
from typing import Any, TypeVar

from vidspec.emulator.heygen.errors import invalid

T = TypeVar("T")


def limit_of(raw: str | None, *, default: int, high: int) -> int:
    if raw is None or raw == "":
        return default
    value = int(raw) if re.fullmatch(r"\s*\d+\s*", raw) else None
    if value is None or not 1 <= value <= high:
        raise invalid("limit", f"limit must be between 1 and {high}")
    return value


def encode(value: Any) -> str:
    raw = json.dumps(value, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode(text: str) -> Any:
    try:
        return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise invalid("token", "token is not a next_token this API gave") from exc


def offset_page(items: Sequence[T], limit: int, token: str | None) -> tuple[list[T], str | None]:
    """One page of a fixed list: its items and the token of the next page (``None``: last)."""
    start = 0
    if token:
        value = decode(token)
        if not (isinstance(value, dict) and isinstance(value.get("offset"), int)):
            raise invalid("token", "token is not a next_token this API gave")
        start = max(0, value["offset"])
    page = list(items[start : start + limit])
    following = start + limit
    return page, (encode({"offset": following}) if following < len(items) else None)
