"""``kind: cdnvideo``: the CDNvideo Talking Head API, registered as a plugin like any other
(``[project.entry-points."vidspec.providers"]`` in vidspec's ``pyproject.toml``)."""

from __future__ import annotations

from vidspec import __version__
from vidspec.plugin import OpenContext, ProjectError, ProviderPlugin, ProviderSettings
from vidspec.providers.cdnvideo.api import API, CAPABILITIES, capabilities
from vidspec.providers.cdnvideo.catalog import CdnvideoCatalog
from vidspec.providers.cdnvideo.provider import CdnvideoProvider

__all__ = ["PLUGIN", "PROVIDER_SCHEMA"]

PROVIDER_SCHEMA = {
    "type": "object",
    "required": ["account"],
    "properties": {
        "account": {"type": "string", "minLength": 1},
        "base_url": {
            "type": "string",
            "pattern": "^https?://[^\\s]+$",
            "x-expect": "an http(s) URL",
        },
        "token": {"type": "string", "x-secret": True, "x-example": "env/CDN_TOKEN"},
        "username": {"type": "string", "x-secret": True, "x-example": "env/CDN_USERNAME"},
        "password": {"type": "string", "x-secret": True, "x-example": "env/CDN_PASSWORD"},
    },
    "oneOf": [{"required": ["token"]}, {"required": ["username", "password"]}],
    "x-message": "needs token: env/NAME, or username: env/NAME and password: env/NAME (not both)",
    "x-hint": "e.g. token: env/CDN_TOKEN",
}


def open_cdnvideo(settings: ProviderSettings, context: OpenContext) -> CdnvideoProvider:
    """The client for an account: a token, or a username and password to log in with."""
    values, where = settings.values, settings.where
    if not values.get("account"):
        raise ProjectError(
            f"{where}provider.account is missing",
            "Name the CDNvideo account: provider.account: <your account name>.",
        )
    if "token" not in values and ("username" not in values or "password" not in values):
        raise ProjectError(
            f"{where}the cdnvideo provider needs credentials",
            "Set provider.token: env/CDN_TOKEN, or provider.username: env/CDN_USER and "
            "provider.password: env/CDN_PASSWORD.",
        )
    token = context.secret("token")
    username = password = None
    if token is None:
        username, password = context.secret("username"), context.secret("password")
    rate = context.generation_rate(settings, API.generation_rate, "CDNvideo")
    return CdnvideoProvider(
        capabilities=CAPABILITIES
        if rate == CAPABILITIES.generation_rate
        else capabilities(generation_rate=rate),
        account=str(settings.values["account"]),
        base_url=settings.values.get("base_url"),
        token=token,
        username=username,
        password=password,
        clock=context.clock,
        policy=context.policy,
    )


PLUGIN = ProviderPlugin(
    kind="cdnvideo",
    display_name="CDNvideo",
    version=__version__,
    capabilities=CAPABILITIES,
    open=open_cdnvideo,
    provider_schema=PROVIDER_SCHEMA,
    schema_family="cdnvideo",
    catalog_from_source=CdnvideoCatalog.from_configurations,
    emulator="vidspec.emulator.plugins:cdnvideo",
)
