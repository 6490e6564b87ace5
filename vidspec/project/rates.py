"""Rates as users write them in vidspec.yaml: ``10/60s``, ``10/1m``, ``10/s`` or
``{count: 10, seconds: 60}`` (``provider.rate_limit``, the sandbox's ``post_limit``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from vidspec.core.rate import Rate

_RATE = re.compile(r"\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)?\s*(ms|s|m|min|h)?\s*")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}


def parse_rate(value: Any) -> Rate:
    """``10/60s``, ``10/1m``, ``10/s`` or ``{count: 10, seconds: 60}``."""
    if isinstance(value, Mapping):
        count, seconds = value.get("count"), value.get("seconds")
        if (
            isinstance(count, int)
            and not isinstance(count, bool)
            and count >= 1
            and isinstance(seconds, int | float)
            and not isinstance(seconds, bool)
            and seconds > 0
        ):
            return Rate(count, float(seconds))
        raise ValueError(f"{dict(value)!r} needs count >= 1 and seconds > 0")
    match = _RATE.fullmatch(str(value))
    if match is None or (match.group(2) is None and match.group(3) is None):
        raise ValueError(f"{value!r} is not a rate; write it as N/WINDOW, e.g. 10/60s or 10/1m")
    count = int(match.group(1))
    seconds = float(match.group(2) or 1) * _UNIT_SECONDS[match.group(3) or "s"]
    if count < 1 or seconds <= 0:
        raise ValueError(f"{value!r} must allow at least 1 call in a window longer than 0")
    return Rate(count, seconds)
