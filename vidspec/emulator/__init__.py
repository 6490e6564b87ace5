"""Faithful local servers of the video APIs vidspec drives, over real HTTP on 127.0.0.1.

    from vidspec.emulator import EmulatorSettings, serve
    with serve(EmulatorSettings(token="t"), clock=ManualClock()) as server:
        server.base_url   # http://127.0.0.1:PORT/app/th-api/v1

    serve(EmulatorSettings(provider="vidnoz", token="key"))  # base_url: http://127.0.0.1:PORT

Common parts (``server``: HTTP plumbing and the fault pipeline; ``faults``; ``limits``;
``store``: persistence; ``settings``) are shared by every emulated service; a service is one
module named after it (``cdnvideo``, ``vidnoz``) with ``create_service(runtime)``.
"""

from __future__ import annotations

import importlib

from vidspec.clock import Clock, SystemClock
from vidspec.emulator.server import EmulatedService, EmulatorServer, Reply, Request, Runtime
from vidspec.emulator.settings import PROVIDERS, EmulatorSettings

__all__ = [
    "EmulatedService",
    "EmulatorServer",
    "EmulatorSettings",
    "Reply",
    "Request",
    "Runtime",
    "serve",
]


def serve(
    settings: EmulatorSettings | None = None,
    *,
    clock: Clock | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> EmulatorServer:
    """Start the emulated service named by ``settings.provider`` in a background thread.

    ``port=0`` takes a free port (read ``server.port``). The server reads ``clock`` for every
    time-dependent behaviour (task life, expiry, limits); the default is the real time.
    """
    settings = settings or EmulatorSettings()
    if settings.provider not in PROVIDERS:  # settings validate this; a guard for replace()
        raise ValueError(f"provider {settings.provider!r} is not emulated")
    module = importlib.import_module(f"vidspec.emulator.{settings.provider}")
    return EmulatorServer(
        settings, clock or SystemClock(), module.create_service, host=host, port=port
    )
