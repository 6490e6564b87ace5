"""A rate limit value: vocabulary shared by the provider clients and the emulator.

It lives on the ground floor because neither of those two may import the other.
"""

from __future__ import annotations

from dataclasses import dataclass

from vidspec.core.errors import ProjectError


@dataclass(frozen=True)
class Rate:
    """At most ``count`` calls per ``seconds``."""

    count: int
    seconds: float

    def __str__(self) -> str:
        return f"{self.count}/{self.seconds:g}s"


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
