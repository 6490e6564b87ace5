"""Reading the ``provider.options`` a vendor's plugin takes, one rule for every kind: an option
the kind does not know is named with the ones it does."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from vidspec.core.errors import ProjectError


def known_options(
    options: Mapping[str, Any], known: Iterable[str], *, kind: str, where: str
) -> Mapping[str, Any]:
    """``options`` when every key is in ``known``; else a ``ProjectError`` naming the first."""
    allowed = tuple(known)
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise ProjectError(
            f"{where}provider.options.{unknown[0]} is not a {kind} setting",
            f"The {kind} options are: {', '.join(allowed) or 'none'}.",
        )
    return options
