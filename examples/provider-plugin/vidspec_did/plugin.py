"""The plugin object vidspec finds through the entry point ``did`` (``pyproject.toml``).

Reading it imports no HTTP client and no server: ``open`` imports the client when a command
uses ``kind: did``; the emulator is named as a string and imported only when asked for.
"""

from __future__ import annotations

from dataclasses import replace

from vidspec.plugin import (
    API_VERSION,
    Catalog,
    OpenContext,
    ProjectError,
    Provider,
    ProviderPlugin,
    ProviderSettings,
)

from vidspec_did import __version__
from vidspec_did.api import API, CAPABILITIES

__all__ = ["PLUGIN", "PROVIDER_SCHEMA", "VIDEO_SCHEMA"]

PROVIDER_SCHEMA = {
    "type": "object",
    "required": ["api_key"],
    "properties": {
        # a credential: vidspec accepts only env/NAME here, whatever else the schema says
        "api_key": {"type": "string", "x-secret": True, "x-example": "env/DID_API_KEY"},
        "base_url": {
            "type": "string",
            "pattern": "^https?://[^\\s]+$",
            "x-expect": "an http(s) URL",
        },
    },
}

VIDEO_SCHEMA = {
    "description": "One talk: D-ID's POST /talks fields, plus vidspec's lifecycle and download.",
    "required": ["name", "source_url", "script"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": API.max_name},
        "source_url": {
            "description": "The presenter: an image (.jpg, .png) D-ID can fetch.",
            "type": "string",
            "pattern": "^https?://[^\\s]+$",
            "x-expect": "an http(s) URL of an image",
        },
        "script": {"$ref": "#/$defs/script"},
        "config": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "result_format": {"enum": ["mp4", "gif", "mov"]},
                "fluent": {"type": "boolean"},
                "pad_audio": {"type": "number", "minimum": 0},
                "stitch": {"type": "boolean"},
            },
        },
        "webhook": {
            "description": "D-ID calls this https URL when the talk is done.",
            "type": "string",
            "pattern": "^https://[^\\s]+$",
            "x-expect": "an https URL",
        },
        "user_data": {
            "description": "Non-sensitive text D-ID returns with the talk and the webhook.",
            "type": "string",
            "minLength": 1,
            "maxLength": API.max_user_data,
        },
    },
    "$defs": {
        "script": {
            "type": "object",
            "additionalProperties": False,
            "required": ["type"],
            "properties": {
                "type": {"enum": ["text", "audio"]},
                # vidspec's shared text: a string or {file: path} read from the project
                "input": {"$ref": "#/$defs/text"},
                "audio_url": {"type": "string", "pattern": "^https?://[^\\s]+$"},
                "provider": {
                    "type": "object",
                    "required": ["type", "voice_id"],
                    "additionalProperties": False,
                    "properties": {
                        "type": {"enum": ["microsoft", "amazon", "elevenlabs"]},
                        "voice_id": {"type": "string", "minLength": 1},
                    },
                },
            },
        },
    },
}


def open_did(settings: ProviderSettings, context: OpenContext) -> Provider:
    """The client of the account whose key ``provider.api_key: env/NAME`` names."""
    from vidspec_did.provider import DidProvider  # the HTTP client: only when it is used

    key = context.secret("api_key")
    if not key:
        raise ProjectError(
            f"{settings.where}the did provider needs provider.api_key",
            "Set provider.api_key: env/DID_API_KEY and export DID_API_KEY.",
        )
    rate = context.generation_rate(settings, API.generation_rate, "D-ID")
    return DidProvider(
        api_key=key,
        base_url=str(settings.values.get("base_url") or API.default_base_url),
        capabilities=replace(CAPABILITIES, generation_rate=rate),
        context=context,
    )


def _catalog_from_source(source: object) -> Catalog:
    from vidspec_did.provider import DidCatalog

    return DidCatalog.from_source(source)


PLUGIN = ProviderPlugin(
    kind="did",
    display_name="D-ID",
    version=__version__,
    capabilities=CAPABILITIES,
    open=open_did,
    provider_schema=PROVIDER_SCHEMA,
    video_schema=VIDEO_SCHEMA,
    catalog_from_source=_catalog_from_source,
    emulator="vidspec_did.emulator:serve",
    api_version=API_VERSION,
)
