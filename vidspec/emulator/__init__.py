"""Faithful local servers of the video APIs vidspec drives, over real HTTP on 127.0.0.1.

    from vidspec.emulator import EmulatorSettings, serve
    with serve(EmulatorSettings(token="t"), clock=ManualClock()) as server:
        server.base_url   # http://127.0.0.1:PORT/app/th-api/v1

    serve(EmulatorSettings(provider="vidnoz", token="key"))  # base_url: http://127.0.0.1:PORT

Common parts (``common``: ``server``, HTTP plumbing and the fault pipeline; ``faults``;
``limits``; ``store``, persistence; ``settings``; ``media``) are shared by every emulated
service; a service is one package named after it (``cdnvideo``, ``vidnoz``) whose ``service``
module has ``create_service(runtime)``. Nothing here imports ``vidspec.providers``: an
emulator that shared the client's code would agree with the client's bugs.

May import ``core`` only (its lock is ``core.lock``): a sibling of ``providers`` that never
shares the client's code.
"""

from __future__ import annotations

import importlib

from vidspec.core.clock import Clock, SystemClock
from vidspec.emulator.common.server import EmulatedService, EmulatorServer, Reply, Request, Runtime
from vidspec.emulator.common.settings import PROVIDERS, EmulatorSettings

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
    module = importlib.import_module(f"vidspec.emulator.{settings.provider}.service")
    return EmulatorServer(
        settings, clock or SystemClock(), module.create_service, host=host, port=port
    )
