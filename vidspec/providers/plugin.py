"""The plugin object: what a provider package gives vidspec through the ``vidspec.providers``
entry-point group (``vidspec.plugin`` is the public name of everything here).

One value per kind (``ProviderPlugin``): its name and version, its ``Capabilities``, the JSON
Schemas of its ``provider:`` block and of a video's generation fields, and ``open``, which
builds the client from the validated block and an ``OpenContext``. The context carries what
every client must share with the others (the injected clock, the HTTP policy and the one
session factory, pacing, the project's work directory, the secrets resolver), so a plugin is
bounded, counted and paced by the same rules as vidspec's own providers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from vidspec.core.clock import Clock
from vidspec.core.rate import Rate, lowered
from vidspec.http.ledger import RequestLedger
from vidspec.http.policy import HttpPolicy
from vidspec.providers.base import Capabilities, Catalog, Provider
from vidspec.providers.pacing import Pacing

__all__ = ["API_VERSION", "HttpFactory", "OpenContext", "ProviderPlugin", "ProviderSettings"]

# The version of this surface. A plugin states the one it was built for (``api_version``);
# vidspec refuses one of another major version (a minor one only adds optional fields).
API_VERSION = "1.0"


@dataclass(frozen=True)
class ProviderSettings:
    """The ``provider:`` block of vidspec.yaml, already validated by the plugin's schema.

    ``values`` holds the block as written (a secret field still reads ``env/NAME``: resolve it
    with ``OpenContext.secret``); ``rate_limit`` is ``provider.rate_limit`` parsed (``None``:
    not written); ``where`` is the block's ``file:line:column: `` for messages ("" if unknown).
    """

    kind: str
    values: Mapping[str, Any] = field(default_factory=dict)
    rate_limit: Rate | None = None
    where: str = ""


class HttpFactory(Protocol):
    """What makes a plugin's HTTP client (vidspec's, bound to the command's policy and clock;
    this module stays free of the HTTP library, which the pure layers may not reach)."""

    def __call__(
        self, ledger: RequestLedger, *, secrets: Sequence[str] = (), trust_env: bool = True
    ) -> Any: ...


@dataclass(frozen=True)
class OpenContext:
    """What vidspec hands a plugin's ``open``: use it, not your own, so that every provider is
    bounded (``policy``: deadlines, body sizes, the longest wait), counted (every request of a
    client from ``http_client`` is added to the ledger given), paced (``pacing``)
    and testable (``clock``: never sleep or read the time any other way).

    ``work_dir``: the project's ``.vidspec/`` (a plugin's own local files go under it);
    ``cache_dir``: the user's cache directory (a pace kept across commands and projects).
    """

    clock: Clock
    policy: HttpPolicy
    work_dir: Path
    cache_dir: Path
    secrets: Callable[[str], str | None]
    http: HttpFactory

    def secret(self, name: str) -> str | None:
        """The value of the secret field ``name`` of the ``provider:`` block (written there as
        ``env/NAME``), read from the environment; ``None`` when the block has no such field.
        An unset variable raises ``MissingVariable`` naming it and where it is referenced."""
        return self.secrets(name)

    def http_client(
        self, ledger: RequestLedger, *, secrets: Sequence[str] = (), trust_env: bool = True
    ) -> Any:
        """A ``vidspec.plugin.HttpClient`` made by vidspec's one session factory: every request
        is counted in ``ledger``, retried only when safe and bounded by ``policy``; ``secrets``
        are blanked from any message a server echoes them in (use a second ledger for file
        downloads: they are not API calls). ``trust_env=False``: no proxy (loopback)."""
        return self.http(ledger, secrets=secrets, trust_env=trust_env)

    def pacing(self, capabilities: Capabilities) -> Pacing:
        """The provider's one ``Pacing`` (the engine reads its waits): ``generation_rate`` for
        creates, ``request_rate`` (when given) for every call."""
        return Pacing(capabilities.generation_rate, capabilities.request_rate, self.clock)

    def generation_rate(self, settings: ProviderSettings, service: Rate, name: str) -> Rate:
        """The rate to send generations at: the service's, or ``provider.rate_limit`` when
        slower; a faster one is refused naming ``name`` (the service) and both rates."""
        return lowered(settings.rate_limit, service, service_name=name, where=settings.where)


Opener = Callable[[ProviderSettings, OpenContext], Provider]


@dataclass(frozen=True)
class ProviderPlugin:
    """One provider kind, as its package registers it (``[project.entry-points."vidspec.providers"]
    KIND = "package.module:PLUGIN"``). Everything but ``open`` is data: reading it imports
    nothing more than the module that defines it.

    - ``kind``: the ``provider.kind`` it serves (equal to the entry point's name);
      ``display_name``: how messages name the service; ``version``: the plugin's own.
    - ``capabilities``: what the service can do and how it counts (``vidspec providers``, the
      planner and ``report`` read it without opening a client).
    - ``provider_schema``: JSON Schema (Draft 2020-12) of the ``provider:`` block's fields
      besides ``kind`` and vidspec's own (``rate_limit``): an object schema with
      ``properties`` and optionally ``required``. A credential is a string field with
      ``"x-secret": true``; vidspec forces it to ``env/NAME`` (never a value in a file).
    - ``video_schema``: JSON Schema of a video's generation fields (``properties``, optional
      ``required`` and ``$defs``); ``None`` keeps vidspec's shipped schema of ``schema_family``.
    - ``open(settings, context)``: the client (a ``Provider``; ``Renamer``, ``Deleter``,
      ``Canceler`` as ``capabilities`` say). It reads secrets with ``context.secret``.
    - ``catalog_from_source``: rebuild a catalog from what ``Catalog.source`` kept in
      ``.vidspec/catalog.json``, so ``validate`` checks offline (``None``: no offline check);
      ``reuse_catalog``: a plan may use that kept catalog for ``provider.catalog_max_age``
      instead of asking (for services whose catalog calls are dear).
    - ``emulator``: ``"module:attr"`` of a callable ``(settings mapping) -> server`` that
      serves the API locally, imported only when asked for (importing a plugin never imports
      a server); ``local``: the service runs inside the command (its links die with it).
    - ``api_version``: the ``API_VERSION`` the plugin was written for.
    """

    kind: str
    display_name: str
    version: str
    capabilities: Capabilities
    open: Opener
    provider_schema: Mapping[str, Any] = field(default_factory=dict)
    video_schema: Mapping[str, Any] | None = None
    schema_family: str | None = None
    catalog_from_source: Callable[[Any], Catalog] | None = None
    reuse_catalog: bool = False
    emulator: str | None = None
    local: bool = False
    api_version: str = API_VERSION
