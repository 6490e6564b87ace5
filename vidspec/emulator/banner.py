"""What ``vidspec emulator`` prints when it starts: which API, where, and how to sign in."""

from __future__ import annotations

from vidspec.emulator.common.server import EmulatorServer
from vidspec.emulator.common.settings import EmulatorSettings

__all__ = ["banner"]


def banner(
    settings: EmulatorSettings,
    server: EmulatorServer,
    credits_left: float,
    account: str | None,
    username: str,
) -> list[str]:
    """The lines that tell a user of the served API how to reach it."""
    if settings.provider == "heygen":
        return [
            "vidspec emulator: HeyGen API v3",
            f"base_url: {server.base_url}",
            f"api_key: {settings.token}  (send it as x-api-key)",
            f"wallet: ${settings.heygen_wallet_usd:g}",
            f"max_concurrent: {settings.heygen_max_concurrent}",
        ]
    if settings.provider == "synthesia":
        return [
            "vidspec emulator: Synthesia API v2",
            f"base_url: {server.base_url}",
            f"api_key: {settings.token}",
            f"catalog: GET {server.root_url}/_admin/catalog",
        ]
    if settings.provider == "vidnoz":
        return [
            "vidspec emulator: Vidnoz API v2",
            f"base_url: {server.base_url}",
            f"api_key: {settings.token}",
            f"credits: {credits_left:g}",
        ]
    return [
        "vidspec emulator: CDNvideo Talking Head API",
        f"base_url: {server.base_url}",
        f"token: {settings.token}",
        f"account: {account or 'any'}",
        f"login: POST {server.root_url}/app/oauth/v1/token/ (username={username})",
    ]
