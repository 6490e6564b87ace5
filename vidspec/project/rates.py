"""The rate a project may send at: ``provider.rate_limit`` only ever lowers the service's
(rates are parsed by ``vidspec.core.rate.parse_rate``)."""

from __future__ import annotations

from vidspec.core.errors import ProjectError
from vidspec.core.rate import Rate


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
