"""``open_provider``: the only place that turns ``provider:`` of vidspec.yaml into a client.

``sandbox`` (the default: the CDNvideo emulator in-process), ``cdnvideo``, ``vidnoz``,
``heygen`` and ``synthesia`` (``vidspec.app.vendors``). The
clients take plain values; reading the project file's section and its ``env/`` secrets is
done here, so ``vidspec.providers`` never imports the project layer.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import replace

import platformdirs

from vidspec.app.vendors import VENDOR_CAPABILITIES, heygen_from_config, synthesia_from_config
from vidspec.core.clock import Clock, SystemClock
from vidspec.core.errors import ProjectError, VidspecError
from vidspec.project.config import PROVIDER_KINDS, Project, ProviderConfig
from vidspec.project.rates import lowered
from vidspec.providers.base import Capabilities, Provider
from vidspec.providers.cdnvideo.api import API, capabilities
from vidspec.providers.cdnvideo.api import CAPABILITIES as CDNVIDEO
from vidspec.providers.cdnvideo.provider import CdnvideoProvider
from vidspec.providers.http.client import HttpPolicy
from vidspec.providers.vidnoz.api import CAPABILITIES as VIDNOZ
from vidspec.providers.vidnoz.provider import VidnozProvider
from vidspec.state import UsageCounter, open_usage

__all__ = ["kind_capabilities", "open_provider", "project_policy", "usage_listener"]


def project_policy(project: Project, base: HttpPolicy | None = None) -> HttpPolicy:
    """``base`` (default: the standard policy) bounded by the project's ``safety.max_wait``,
    ``safety.request_deadline`` and ``download:`` bounds (``max_bytes``, ``min_speed``,
    ``stall_time``)."""
    return (base or HttpPolicy()).bounded(
        max_wait=project.safety.max_wait.total_seconds(),
        deadline=project.safety.request_deadline.total_seconds(),
        max_bytes=project.download.max_bytes,
        min_speed=project.download.min_speed,
        stall_time=project.download.stall_time.total_seconds(),
    )


def open_provider(
    project: Project,
    *,
    environ: Mapping[str, str] | None = None,
    clock: Clock | None = None,
    usage: UsageCounter | None = None,
) -> Provider:
    """The client for the project's ``provider:``. Close it when done (``provider.close()``).

    Secrets (``env/NAME``) are read from ``environ`` (default: the process environment).
    Each request the client sends is added to the month's count (``usage``: the command's
    store's; by default the backend's) as it is sent; a count kept in memory (S3) is written
    by ``usage.flush()``, which ``vidspec.app.workflow.ProviderUse`` calls.
    """
    provider = _open(project, environ=environ, clock=clock)
    counter = usage if usage is not None else open_usage(project)
    provider.ledger.listener = usage_listener(counter, clock or SystemClock())
    return provider


def kind_capabilities(kind: str) -> Capabilities:
    """What a provider kind can do and where its request bodies keep the name and the
    spoken text, without opening a client (offline commands: ``report``)."""
    if kind in ("sandbox", "cdnvideo"):
        return CDNVIDEO if kind == "cdnvideo" else replace(CDNVIDEO, kind=kind)
    if kind == "vidnoz":
        return VIDNOZ
    if kind in VENDOR_CAPABILITIES:
        return VENDOR_CAPABILITIES[kind]
    raise ProjectError(
        f"unknown provider kind {kind!r}", f"Use one of: {', '.join(PROVIDER_KINDS)}."
    )


def usage_listener(usage: UsageCounter, clock: Clock) -> Callable[[str], bool]:
    """Adds each request to the month's count as it is sent, so a run killed half-way keeps
    its count (the monthly cap is spent all the same): the local file at once, S3 within
    30 s (``vidspec.state.s3usage``)."""

    def count(method: str) -> bool:
        try:
            usage.add(1, clock.now(), durable=False)
        except VidspecError:
            return False  # left for the count at the command's end, which reports the problem
        return True

    return count


def _open(project: Project, *, environ: Mapping[str, str] | None, clock: Clock | None) -> Provider:
    config = project.provider
    where = f"{config.location}: " if config.location else ""
    policy = project_policy(project)
    if config.kind == "sandbox" and config.emulate in ("heygen", "synthesia"):
        from vidspec.app.vendor_sandbox import open_vendor_sandbox  # starts a server

        return open_vendor_sandbox(project, config.emulate, clock=clock, policy=policy)
    if config.kind == "sandbox":
        from vidspec.app.sandbox import SandboxProvider  # starts a server: load on demand

        return SandboxProvider.open(project, clock=clock, policy=policy)
    if config.kind == "cdnvideo":
        return cdnvideo_from_config(
            config, environ=os.environ if environ is None else environ, clock=clock, policy=policy
        )
    if config.kind == "vidnoz":
        return vidnoz_from_config(
            config, environ=os.environ if environ is None else environ, clock=clock, policy=policy
        )
    if config.kind == "heygen":
        return heygen_from_config(
            config, environ=os.environ if environ is None else environ, clock=clock, policy=policy
        )
    if config.kind == "synthesia":
        return synthesia_from_config(
            config, environ=os.environ if environ is None else environ, clock=clock, policy=policy
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
    rate = lowered(config.rate_limit, API.generation_rate, service_name="CDNvideo", where=where)
    caps = CDNVIDEO if rate == CDNVIDEO.generation_rate else capabilities(generation_rate=rate)
    return CdnvideoProvider(
        capabilities=caps,
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
    rate = lowered(config.rate_limit, VIDNOZ.generation_rate, service_name="Vidnoz", where=where)
    return VidnozProvider(
        capabilities=VIDNOZ
        if rate == VIDNOZ.generation_rate
        else replace(VIDNOZ, generation_rate=rate),
        api_key=config.api_key.resolve(environ),
        base_url=config.base_url,
        clock=clock,
        policy=policy,
        # the pace across commands (1 call a second per key) is kept per user, not per project
        cache_dir=platformdirs.user_cache_path("vidspec"),
    )
