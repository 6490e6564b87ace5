"""Video services behind one protocol (``base.Provider``), and ``open_provider`` to get one.

``open_provider`` is the only place that turns ``provider:`` of vidspec.yaml into a client:
``sandbox`` (the default: the CDNvideo emulator in-process), ``cdnvideo``, ``vidnoz``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from vidspec.clock import Clock
from vidspec.config import PROVIDER_KINDS, Project
from vidspec.errors import ProjectError
from vidspec.providers.base import Provider

__all__ = ["open_provider"]


def open_provider(
    project: Project,
    *,
    environ: Mapping[str, str] | None = None,
    clock: Clock | None = None,
) -> Provider:
    """The client for the project's ``provider:``. Close it when done (``provider.close()``).

    Secrets (``env/NAME``) are read from ``environ`` (default: the process environment).
    """
    config = project.provider
    where = f"{config.location}: " if config.location else ""
    if config.kind == "sandbox":
        from vidspec.providers.sandbox import SandboxProvider  # starts a server: load on demand

        return SandboxProvider.open(project, clock=clock)
    if config.kind == "cdnvideo":
        from vidspec.providers.cdnvideo import CdnvideoProvider

        return CdnvideoProvider.from_config(
            config, environ=os.environ if environ is None else environ, clock=clock
        )
    if config.kind == "vidnoz":
        from vidspec.providers.vidnoz import VidnozProvider

        return VidnozProvider.from_config(
            config, environ=os.environ if environ is None else environ, clock=clock
        )
    raise ProjectError(
        f"{where}unknown provider kind {config.kind!r}",
        f"Use one of: {', '.join(PROVIDER_KINDS)}.",
    )
