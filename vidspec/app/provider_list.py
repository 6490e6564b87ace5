"""``vidspec providers``: every installed provider kind, what it can do, and whether it loads.

Each kind is loaded (imported) here, one at a time; one that does not load is listed with its
error and does not keep the others from being listed.
"""

from __future__ import annotations

from dataclasses import replace

from vidspec.core.errors import VidspecError
from vidspec.providers import registry
from vidspec.providers.base import Capabilities
from vidspec.render.providers import ProviderRow

__all__ = ["installed_providers"]


def installed_providers(*, distribution: str | None = None) -> list[ProviderRow]:
    """A row per installed kind (only ``distribution``'s when given), sorted by kind."""
    rows = []
    for kind, entry in registry.installed().items():
        if distribution is not None and entry.distribution != distribution:
            continue
        try:
            plugin = registry.load(kind)
        except VidspecError as exc:
            rows.append(ProviderRow(kind, entry.distribution, entry.version, error=str(exc)))
            continue
        row = ProviderRow(
            kind,
            entry.distribution,
            entry.version,
            display_name=plugin.display_name,
            api_version=plugin.api_version,
            emulator=plugin.emulator is not None or plugin.local,
        )
        rows.append(_with_capabilities(row, plugin.capabilities))
    return rows


def _with_capabilities(row: ProviderRow, caps: Capabilities) -> ProviderRow:
    listing = f"{caps.list_page_size} a page, " + (
        "last page marked" if caps.listing_end == "marked" else "ends at a short page"
    )
    if caps.listing_shows_tasks:
        listing += ", shows tasks"
    cost = caps.cost_unit
    if caps.cost_unit != "minutes":
        cost += f" ({caps.credits_per_minute:g} a minute)"
    return replace(
        row,
        can_rename=caps.can_rename,
        can_delete=caps.can_delete,
        can_cancel=caps.can_cancel,
        generation_rate=caps.limits.describe(),
        request_rate=None if caps.request_rate is None else str(caps.request_rate),
        monthly_requests=caps.monthly_requests,
        listing=listing,
        cost=cost,
    )
