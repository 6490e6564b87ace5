"""The one surface for provider plugin authors: everything a provider package may import.

A provider package registers a ``ProviderPlugin`` under the entry-point group
``vidspec.providers``; the entry point's name is the ``kind`` users write in vidspec.yaml::

    [project.entry-points."vidspec.providers"]
    did = "vidspec_did.plugin:PLUGIN"

vidspec's own kinds (``sandbox``, ``cdnvideo``, ``vidnoz``) are registered the same way. The
module is imported only when its kind is used. ``docs/providers.md`` walks through writing one
with the D-ID example in ``examples/provider-plugin/``.

What a provider implements is ``Provider`` (catalog, list, create, status, download, close)
and, when its ``Capabilities`` say so, ``Renamer``, ``Deleter`` and ``Canceler``. Its HTTP goes
through ``OpenContext.http_client`` (bounded, counted, retried only when safe), its calls take
their turn in ``OpenContext.pacing``, and it raises the errors below (``ProviderError`` and its
kinds; ``OutcomeUnknown`` when a create's answer was lost). ``API_VERSION`` is the version of
this module's contract: a plugin sets ``api_version`` to the one it was written for, and
vidspec refuses one of another major version, naming the package and both versions.

Anything not exported here is vidspec's private code and may change in any release.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from vidspec.core.clock import Clock, ManualClock, SystemClock
from vidspec.core.errors import (
    AuthError,
    InvalidRequest,
    MissingVariable,
    NotFound,
    OutcomeUnknown,
    ProjectError,
    ProviderError,
    QuotaExhausted,
    RateLimited,
    ServerError,
    TransportError,
)
from vidspec.core.rate import Rate
from vidspec.core.videos import DownloadResult, RemoteVideo, TaskState
from vidspec.http.client import HttpClient, HttpPolicy, new_session
from vidspec.http.ledger import RequestLedger
from vidspec.providers.base import (
    Canceler,
    Capabilities,
    Catalog,
    CatalogProblem,
    Deleter,
    Provider,
    Quota,
    Renamer,
    SpecAlias,
)
from vidspec.providers.pacing import Pacing
from vidspec.providers.plugin import (
    API_VERSION,
    HttpFactory,
    OpenContext,
    ProviderPlugin,
    ProviderSettings,
)

__all__ = [
    "API_VERSION",
    "AuthError",
    "Canceler",
    "Capabilities",
    "Catalog",
    "CatalogProblem",
    "Clock",
    "Deleter",
    "DownloadResult",
    "HttpClient",
    "HttpFactory",
    "HttpPolicy",
    "InvalidRequest",
    "ManualClock",
    "MissingVariable",
    "NotFound",
    "OpenContext",
    "OutcomeUnknown",
    "Pacing",
    "ProjectError",
    "Provider",
    "ProviderError",
    "ProviderPlugin",
    "ProviderSettings",
    "Quota",
    "QuotaExhausted",
    "Rate",
    "RateLimited",
    "RemoteVideo",
    "Renamer",
    "RequestLedger",
    "ServerError",
    "SpecAlias",
    "SystemClock",
    "TaskState",
    "TransportError",
    "open_context",
]


def open_context(
    *,
    clock: Clock,
    work_dir: Path,
    cache_dir: Path,
    secrets: Callable[[str], str | None],
    policy: HttpPolicy | None = None,
) -> OpenContext:
    """The ``OpenContext`` vidspec opens a provider with (a plugin's tests build theirs here):
    ``http_client`` makes vidspec's ``HttpClient`` bound to ``policy`` and ``clock``."""
    bounds = policy or HttpPolicy()

    def http_client(
        ledger: RequestLedger, *, secrets: Sequence[str] = (), trust_env: bool = True
    ) -> HttpClient:
        session = new_session(ledger, policy=bounds, clock=clock, trust_env=trust_env)
        return HttpClient(session, secrets=secrets, policy=bounds)

    return OpenContext(
        clock=clock,
        policy=bounds,
        work_dir=work_dir,
        cache_dir=cache_dir,
        secrets=secrets,
        http=http_client,
    )
