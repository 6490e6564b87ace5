"""Durations as people write them: ``500ms``, ``30s``, ``5m``, ``12h``, ``3d``.

One parser for the command line (``--lock-timeout 5m``) and the files (``3d`` in
``regenerate_before_expiry``, ``30m`` in ``safety.pending_grace``); the JSON Schemas decide which
forms each file field admits.
"""

from __future__ import annotations

import re
from datetime import timedelta

UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, "d": 86400.0}
"""The one unit table: durations here, rate windows in ``vidspec.core.rate``."""
UNITS = "|".join(sorted(UNIT_SECONDS, key=len, reverse=True))  # longest first: min before m
_DURATION = re.compile(rf"\s*(\d+(?:\.\d+)?)\s*({UNITS})?\s*")


def parse_duration(text: str) -> timedelta:
    """The duration ``text`` names (a bare number is seconds); ``ValueError`` if it names none."""
    match = _DURATION.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not a duration; write it like 30s, 5m, 1h or 3d")
    return timedelta(seconds=float(match.group(1)) * UNIT_SECONDS[match.group(2) or "s"])
