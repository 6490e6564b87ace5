"""A rate limit value, and the one parser of rates as people write them: ``10/60s``,
``10/1m``, ``10/s``, ``10/.5s`` or ``{count: 10, seconds: 60}`` (vidspec.yaml's
``provider.rate_limit``, the sandbox's ``post_limit``, ``vidspec emulator --post-limit``); and
``lowered``, the rate a project may send at (``provider.rate_limit`` only ever lowers it).

It lives on the ground floor because the provider clients, the emulator and the project
files all use it, and none of them may import another.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vidspec.core.durations import UNIT_SECONDS, UNITS
from vidspec.core.errors import ProjectError

_RATE = re.compile(rf"\s*(\d+)\s*/\s*(\d+(?:\.\d+)?|\.\d+)?\s*({UNITS})?\s*")


@dataclass(frozen=True)
class Rate:
    """At most ``count`` calls per ``seconds``."""

    count: int
    seconds: float

    def __str__(self) -> str:
        return f"{self.count}/{self.seconds:g}s"


def parse_rate(value: Any) -> Rate:
    """The rate ``value`` names; ``ValueError`` saying how to write one if it names none."""
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
    seconds = float(match.group(2) or 1) * UNIT_SECONDS[match.group(3) or "s"]
    if count < 1 or seconds <= 0:
        raise ValueError(f"{value!r} must allow at least 1 call in a window longer than 0")
    return Rate(count, seconds)


def lowered(limit: Rate | None, service: Rate, *, service_name: str, where: str) -> Rate:
    """The generation rate to send at: ``service``'s, or the user's ``provider.rate_limit``
    (``limit``) when that is slower. A faster one is refused: it would only meet refusals."""
    if limit is None:
        return service
    if limit.count > service.count or limit.count / limit.seconds > service.count / service.seconds:
        raise ProjectError(
            f"{where}provider.rate_limit {limit.count}/{limit.seconds:g}s is faster than "
            f"{service_name} allows ({service.count}/{service.seconds:g}s)",
            "rate_limit can only lower the rate: write a slower one, or remove it.",
        )
    return limit
