"""``kind: vidnoz``: the Vidnoz API v2, registered as a plugin like any other
(``[project.entry-points."vidspec.providers"]`` in vidspec's ``pyproject.toml``)."""

from __future__ import annotations

from dataclasses import replace

from vidspec import __version__
from vidspec.plugin import OpenContext, ProjectError, ProviderPlugin, ProviderSettings
from vidspec.providers.vidnoz.api import CAPABILITIES
from vidspec.providers.vidnoz.catalog import VidnozCatalog
from vidspec.providers.vidnoz.provider import VidnozProvider

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
        "api_key": {"type": "string", "x-secret": True, "x-example": "env/VIDNOZ_API_KEY"},
        "catalog_max_age": {
            "description": "How long the catalog a plan read (.vidspec/catalog.json) is used "
            "again instead of two paced calls (default 10m; 0s reads it on every plan; plan "
            "--refresh-catalog forces a read).",
            "type": "string",
            "pattern": "^(0|[1-9][0-9]{0,5})[dhms]$",
            "x-expect": "a period such as 10m, 1h or 0s",
            "x-hint": "write e.g. catalog_max_age: 10m",
        },
    },
}


def open_vidnoz(settings: ProviderSettings, context: OpenContext) -> VidnozProvider:
    """The client for an API key; the 1-call-a-second pace is kept per user across commands."""
    if "api_key" not in settings.values:
        raise ProjectError(
            f"{settings.where}the vidnoz provider needs provider.api_key",
            "Set provider.api_key: env/VIDNOZ_API_KEY and export VIDNOZ_API_KEY.",
        )
    rate = context.generation_rate(settings, CAPABILITIES.generation_rate, "Vidnoz")
    return VidnozProvider(
        capabilities=CAPABILITIES
        if rate == CAPABILITIES.generation_rate
        else replace(CAPABILITIES, generation_rate=rate),
        api_key=context.secret("api_key") or "",
        base_url=settings.values.get("base_url"),
        clock=context.clock,
        policy=context.policy,
        cache_dir=context.cache_dir,
    )


PLUGIN = ProviderPlugin(
    kind="vidnoz",
    display_name="Vidnoz",
    version=__version__,
    capabilities=CAPABILITIES,
    open=open_vidnoz,
    provider_schema=PROVIDER_SCHEMA,
    schema_family="vidnoz",
    catalog_from_source=VidnozCatalog.from_source,
    reuse_catalog=True,
    emulator="vidspec.emulator.plugins:vidnoz",
)
