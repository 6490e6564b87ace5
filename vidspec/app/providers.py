"""``open_provider``: the only place that turns ``provider:`` of vidspec.yaml into a client.

Every kind, vidspec's own too, comes from its plugin (``vidspec.providers.registry``: the
``vidspec.providers`` entry points): this module names none. The plugin's ``open`` gets the
validated block and an ``OpenContext`` built here (the project's HTTP bounds, the clock, the
work and cache directories, the ``env/`` secrets), so ``vidspec.providers`` never imports the
project layer; the month's request count is attached to the client's ledger after it opens.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

import platformdirs

from vidspec.core.clock import Clock, SystemClock
from vidspec.core.errors import VidspecError
from vidspec.http.client import HttpPolicy
from vidspec.plugin import open_context
from vidspec.project.config import SECRET_FIELDS, Project, ProviderConfig
from vidspec.providers import registry
from vidspec.providers.base import Capabilities, Provider
from vidspec.providers.plugin import ProviderPlugin, ProviderSettings
from vidspec.state import UsageCounter

__all__ = [
    "check_kind",
    "installed_kinds",
    "kind_capabilities",
    "kind_plugin",
    "open_provider",
    "project_policy",
    "usage_listener",
]


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
    Each request the client sends is added to the month's count ``usage`` (the command's
    store's: this opens no store of its own) as it is sent; a count kept in memory (S3) is
    written by ``usage.flush()``, which ``vidspec.app.workflow.ProviderUse`` calls. Without
    ``usage`` nothing is counted until a ``ProviderUse`` takes the provider.
    """
    provider = _open(project, environ=environ, clock=clock)
    if usage is not None:
        provider.ledger.listener = usage_listener(usage, clock or SystemClock())
    return provider


def kind_plugin(kind: str, where: str = "") -> ProviderPlugin:
    """The plugin of ``kind`` (imported now if not yet): ``ProjectError`` for a kind not
    installed, a plugin that fails to import or was written for another plugin API."""
    return registry.load(kind, where=where)


def installed_kinds() -> list[str]:
    """The provider kinds installed (their entry points), sorted; none is imported."""
    return sorted(registry.installed())


def check_kind(kind: str) -> None:
    """``ProjectError`` naming the installed kinds (did you mean, ``pip install vidspec-KIND``)
    when ``kind`` is not installed; nothing is imported."""
    if kind not in registry.installed():
        raise registry.unknown_kind(kind)


def kind_capabilities(kind: str) -> Capabilities:
    """What a provider kind can do and where its request bodies keep the name and the
    spoken text, without opening a client (offline commands: ``report``)."""
    return kind_plugin(kind).capabilities


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
    plugin = kind_plugin(config.kind, where)
    settings = ProviderSettings(
        kind=config.kind, values=_values(config), rate_limit=config.rate_limit, where=where
    )
    context = open_context(
        clock=clock or SystemClock(),
        policy=project_policy(project),
        work_dir=project.work_dir,
        # the pace across commands (Vidnoz: 1 call a second per key) is kept per user
        cache_dir=platformdirs.user_cache_path("vidspec"),
        secrets=_secrets(config, os.environ if environ is None else environ),
    )
    return plugin.open(settings, context)


def _values(config: ProviderConfig) -> dict[str, Any]:
    """The block as written, with the typed fields of a config built in code (tests)."""
    typed = {"account": config.account, "base_url": config.base_url, "options": config.options}
    typed |= {name: f"env/{ref.name}" for name in SECRET_FIELDS if (ref := getattr(config, name))}
    return {**{k: v for k, v in typed.items() if v}, **config.settings}


def _secrets(config: ProviderConfig, environ: Mapping[str, str]) -> Callable[[str], str | None]:
    refs = {name: getattr(config, name) for name in SECRET_FIELDS if getattr(config, name)}
    refs |= config.secrets

    def secret(name: str) -> str | None:
        ref = refs.get(name)
        return None if ref is None else ref.resolve(environ)

    return secret
