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
from vidspec.http.client import HttpClient, HttpPolicy
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
from vidspec.providers.plugin import API_VERSION, OpenContext, ProviderPlugin, ProviderSettings

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
]
