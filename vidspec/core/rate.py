"""A rate limit value: vocabulary shared by the provider clients and the emulator.

It lives on the ground floor because neither of those two may import the other.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    """At most ``count`` calls per ``seconds``."""

    count: int
    seconds: float

    def __str__(self) -> str:
        return f"{self.count}/{self.seconds:g}s"
