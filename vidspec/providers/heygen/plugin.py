"""``kind: heygen``: the HeyGen API v3, registered as a plugin like any other
(``[project.entry-points."vidspec.providers"]`` in vidspec's ``pyproject.toml``).

``api_key: env/NAME`` (required), ``base_url`` (an emulator's, or the vendor's), and
``options.concurrency``: the videos the account lets generate at once (10 on pay-as-you-go
[doc LIM]; Enterprise accounts have more by contract).
"""

from __future__ import annotations

import dataclasses

from vidspec import __version__
from vidspec.plugin import OpenContext, ProjectError, ProviderPlugin, ProviderSettings
from vidspec.providers.heygen.api import CAPABILITIES
from vidspec.providers.heygen.provider import HeygenProvider
from vidspec.providers.plugin_options import known_options

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
        "api_key": {"type": "string", "x-secret": True, "x-example": "env/HEYGEN_API_KEY"},
        "options": {
            "description": "concurrency: videos generating at once (10 on pay-as-you-go).",
            "type": "object",
        },
    },
}


def open_heygen(settings: ProviderSettings, context: OpenContext) -> HeygenProvider:
    """The client with the account's cap on videos generating at once."""
    options = known_options(
        settings.values.get("options") or {}, ("concurrency",), kind="heygen", where=settings.where
    )
    api_key = context.secret("api_key")
    if not api_key:
        raise ProjectError(
            f"{settings.where}the heygen provider needs provider.api_key",
            "Set provider.api_key: env/HEYGEN_API_KEY and export HEYGEN_API_KEY.",
        )
    concurrency = options.get("concurrency", CAPABILITIES.concurrency)
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ProjectError(
            f"{settings.where}provider.options.concurrency must be a whole number of at "
            f"least 1, not {concurrency!r}",
            "Write the videos your HeyGen plan lets generate at once (10 on pay-as-you-go).",
        )
    rate = context.generation_rate(settings, CAPABILITIES.generation_rate, "HeyGen")
    caps = dataclasses.replace(CAPABILITIES, generation_rate=rate, concurrency=concurrency)
    return HeygenProvider(
        api_key=api_key,
        base_url=settings.values.get("base_url"),
        clock=context.clock,
        policy=context.policy,
        capabilities=caps,
    )


PLUGIN = ProviderPlugin(
    kind="heygen",
    display_name="HeyGen",
    version=__version__,
    capabilities=CAPABILITIES,
    open=open_heygen,
    provider_schema=PROVIDER_SCHEMA,
    schema_family="heygen",
    emulator="vidspec.emulator.plugins:heygen",
)
