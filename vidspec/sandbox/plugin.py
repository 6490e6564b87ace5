"""``kind: sandbox`` (the default): the CDNvideo client against a local emulator, registered
through ``vidspec.providers`` like every other kind."""

from __future__ import annotations

from dataclasses import replace

from vidspec import __version__
from vidspec.plugin import OpenContext, Provider, ProviderPlugin, ProviderSettings
from vidspec.providers.cdnvideo.api import CAPABILITIES
from vidspec.providers.cdnvideo.catalog import CdnvideoCatalog

__all__ = ["PLUGIN", "PROVIDER_SCHEMA"]

PROVIDER_SCHEMA = {
    "type": "object",
    "properties": {
        "emulate": {
            "description": "Whose emulator the sandbox runs (cdnvideo, the default; heygen; "
            "synthesia): the manifests then hold that service's request fields.",
            "enum": ["cdnvideo", "heygen", "synthesia"],
        },
        "options": {
            "description": "The sandbox's timings and limits (queue_seconds, "
            "processing_seconds, post_limit, monthly_requests, list_in_progress, fail_rate, "
            "lose_response_rate, lock_timeout).",
            "type": "object",
        },
    },
}


def open_sandbox(settings: ProviderSettings, context: OpenContext) -> Provider:
    """Start the project's sandbox: the emulator is imported only now, not with the plugin.
    ``emulate: heygen|synthesia`` runs that service's emulator with its client instead."""
    emulate = settings.values.get("emulate")
    if emulate in ("heygen", "synthesia"):
        from vidspec.sandbox.vendor import open_vendor_sandbox

        return open_vendor_sandbox(emulate, settings, context)
    from vidspec.sandbox.provider import SandboxProvider

    return SandboxProvider.open(settings, context)


PLUGIN = ProviderPlugin(
    kind="sandbox",
    display_name="sandbox (local CDNvideo emulator)",
    version=__version__,
    capabilities=replace(CAPABILITIES, kind="sandbox"),
    open=open_sandbox,
    provider_schema=PROVIDER_SCHEMA,
    schema_family="cdnvideo",
    catalog_from_source=CdnvideoCatalog.from_configurations,
    local=True,
)
