"""The emulator factories the built-in provider plugins name (``ProviderPlugin.emulator``):
each serves one API on a free loopback port; imported only when an emulator is asked for."""

from __future__ import annotations

from vidspec.core.clock import Clock
from vidspec.emulator import EmulatorServer, EmulatorSettings, serve

__all__ = ["cdnvideo", "heygen", "synthesia", "vidnoz"]


def cdnvideo(*, token: str, clock: Clock | None = None) -> EmulatorServer:
    """The CDNvideo Talking Head API, accepting ``token`` (any account)."""
    return serve(EmulatorSettings(provider="cdnvideo", token=token), clock=clock)


def vidnoz(*, token: str, clock: Clock | None = None) -> EmulatorServer:
    """The Vidnoz API v2, accepting ``token`` as the API key."""
    return serve(EmulatorSettings(provider="vidnoz", token=token), clock=clock)


def heygen(*, token: str, clock: Clock | None = None) -> EmulatorServer:
    """The HeyGen API v3, accepting ``token`` as the API key."""
    return serve(EmulatorSettings(provider="heygen", token=token), clock=clock)


def synthesia(*, token: str, clock: Clock | None = None) -> EmulatorServer:
    """The Synthesia API v2, accepting ``token`` as the API key."""
    return serve(EmulatorSettings(provider="synthesia", token=token), clock=clock)
