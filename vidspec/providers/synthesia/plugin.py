"""``kind: synthesia``: the Synthesia API v2, registered as a plugin like any other
(``[project.entry-points."vidspec.providers"]`` in vidspec's ``pyproject.toml``).

``api_key: env/NAME`` (required), ``base_url`` (an emulator's, or the vendor's), and
``options.tier``: ``"3"`` (Creator, the default), ``"2"`` or ``"1"`` (the Enterprise tiers'
windows [doc RL]). ``rate_limit`` lowers the binding window; the hour and the day still hold.
"""

from __future__ import annotations

import dataclasses

from vidspec import __version__
from vidspec.plugin import OpenContext, ProjectError, ProviderPlugin, ProviderSettings
from vidspec.providers.plugin_options import known_options
from vidspec.providers.synthesia.api import CAPABILITIES, TIERS
from vidspec.providers.synthesia.catalog import SynthesiaCatalog
from vidspec.providers.synthesia.provider import SynthesiaProvider

__all__ = ["PLUGIN", "PROVIDER_SCHEMA"]

PROVIDER_SCHEMA = {
    "type": "object",
    "required": ["api_key"],
    "properties": {
        "base_url": {
            "type": "string",
            "pattern": "^https?://[^\\s]+$",
            "x-expect": "an http(s) URL",
        },
        "api_key": {"type": "string", "x-secret": True, "x-example": "env/SYNTHESIA_API_KEY"},
        "options": {
            "description": "tier: '3' (Creator, the default), '2' or '1' (Enterprise).",
            "type": "object",
        },
    },
}


def open_synthesia(settings: ProviderSettings, context: OpenContext) -> SynthesiaProvider:
    """The client of the tier's windows, ``rate_limit`` applied."""
    options = known_options(
        settings.values.get("options") or {}, ("tier",), kind="synthesia", where=settings.where
    )
    api_key = context.secret("api_key")
    if not api_key:
        raise ProjectError(
            f"{settings.where}the synthesia provider needs provider.api_key",
            "Set provider.api_key: env/SYNTHESIA_API_KEY and export SYNTHESIA_API_KEY.",
        )
    tier = str(options.get("tier", "3"))
    if tier not in TIERS:
        raise ProjectError(
            f"{settings.where}provider.options.tier {tier!r} is not a Synthesia tier",
            f"Use one of: {', '.join(sorted(TIERS))} ('3' is Creator; '2' and '1' Enterprise).",
        )
    limits = TIERS[tier]
    rate = context.generation_rate(settings, limits.binding_write, "Synthesia")
    caps = dataclasses.replace(
        CAPABILITIES, generation_rate=rate, generation_windows=limits.other_writes
    )
    return SynthesiaProvider(
        api_key=api_key,
        base_url=settings.values.get("base_url"),
        clock=context.clock,
        policy=context.policy,
        capabilities=caps,
        limits=limits,
    )


PLUGIN = ProviderPlugin(
    kind="synthesia",
    display_name="Synthesia",
    version=__version__,
    capabilities=CAPABILITIES,
    open=open_synthesia,
    provider_schema=PROVIDER_SCHEMA,
    schema_family="synthesia",
    catalog_from_source=SynthesiaCatalog.from_source,
    emulator="vidspec.emulator.plugins:synthesia",
)
