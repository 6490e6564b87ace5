"""``open_provider``: the only place that turns ``provider:`` of vidspec.yaml into a client.

``sandbox`` (the default: the CDNvideo emulator in-process), ``cdnvideo``, ``vidnoz``. The
clients take plain values; reading the project file's section and its ``env/`` secrets is
done here, so ``vidspec.providers`` never imports the project layer.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from vidspec.core.clock import Clock
from vidspec.core.errors import ProjectError
from vidspec.project.config import PROVIDER_KINDS, Project, ProviderConfig
from vidspec.providers.base import Provider
from vidspec.providers.cdnvideo.provider import CdnvideoProvider
from vidspec.providers.http.client import HttpPolicy
from vidspec.providers.vidnoz.provider import VidnozProvider

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
        from vidspec.app.sandbox import SandboxProvider  # starts a server: load on demand

        return SandboxProvider.open(project, clock=clock)
    if config.kind == "cdnvideo":
        return cdnvideo_from_config(
            config, environ=os.environ if environ is None else environ, clock=clock
        )
    if config.kind == "vidnoz":
        return vidnoz_from_config(
            config, environ=os.environ if environ is None else environ, clock=clock
        )
    raise ProjectError(
        f"{where}unknown provider kind {config.kind!r}",
        f"Use one of: {', '.join(PROVIDER_KINDS)}.",
    )


def cdnvideo_from_config(
    config: ProviderConfig,
    *,
    environ: Mapping[str, str],
    clock: Clock | None = None,
    policy: HttpPolicy | None = None,
) -> CdnvideoProvider:
    """Build the client from ``provider:`` of vidspec.yaml, resolving its ``env/`` secrets."""
    where = f"{config.location}: " if config.location else ""
    if not config.account:
        raise ProjectError(
            f"{where}provider.account is missing",
            "Name the CDNvideo account: provider.account: <your account name>.",
        )
    if config.token is None and (config.username is None or config.password is None):
        raise ProjectError(
            f"{where}the cdnvideo provider needs credentials",
            "Set provider.token: env/CDN_TOKEN, or provider.username: env/CDN_USER and "
            "provider.password: env/CDN_PASSWORD.",
        )
    token = config.token.resolve(environ) if config.token else None
    username = password = None
    if token is None and config.username is not None and config.password is not None:
        username = config.username.resolve(environ)
        password = config.password.resolve(environ)
    return CdnvideoProvider(
        account=config.account,
        base_url=config.base_url,
        token=token,
        username=username,
        password=password,
        clock=clock,
        policy=policy,
    )


def vidnoz_from_config(
    config: ProviderConfig,
    *,
    environ: Mapping[str, str],
    clock: Clock | None = None,
    policy: HttpPolicy | None = None,
) -> VidnozProvider:
    """Build the client from ``provider:`` of vidspec.yaml, resolving ``api_key: env/…``."""
    where = f"{config.location}: " if config.location else ""
    if config.api_key is None:
        raise ProjectError(
            f"{where}the vidnoz provider needs provider.api_key",
            "Set provider.api_key: env/VIDNOZ_API_KEY and export VIDNOZ_API_KEY.",
        )
    return VidnozProvider(
        api_key=config.api_key.resolve(environ),
        base_url=config.base_url,
        clock=clock,
        policy=policy,
    )
