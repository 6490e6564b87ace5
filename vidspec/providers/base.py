"""The provider protocol: what vidspec needs from a video service, and the values it trades in.

A provider is a small class behind this protocol. The planner never talks to a provider; it
reads values (``RemoteVideo``, ``Catalog``) and the provider's ``Capabilities``, which are
plain data. The apply engine calls the provider's methods. Adding a service means writing one
class that satisfies ``Provider`` plus its ``Capabilities`` and ``Catalog``; nothing else in
vidspec changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable
from urllib.parse import urlsplit

from vidspec.core.errors import ProviderError
from vidspec.core.rate import Rate as Rate
from vidspec.core.videos import (  # the shared vocabulary: the emulator reads it too
    DownloadResult,
    RemoteVideo,
)
from vidspec.http.ledger import RequestLedger
from vidspec.providers.limits import GenerationLimits
from vidspec.providers.pacing import Pacing


@dataclass(frozen=True)
class SpecAlias:
    """An older spelling of request fields that the service reads as the documented one.

    The object at ``path`` (dotted) stands for ``fields`` (its key -> the dotted path it
    means), and its mere presence means ``implies`` (dotted path -> value). CDNvideo's
    ``circle: {location, ...}`` is ``composition: {frame_style: circle, location, ...}``.
    """

    path: str
    fields: Mapping[str, str]
    implies: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Capabilities:
    """What a provider can do and how it counts, as data the planner and engine read.

    ``name_field``: the request field holding the video's name (renamable in place when
    ``can_rename``). ``script_path``: dotted path of the spoken text in the request body, for the
    duration estimate. ``listing_fields``: dotted request-body paths the listing reports, so
    drift in those can be seen remotely (empty: content drift is visible only in state).
    ``spec_defaults``: values the service assumes for omitted fields, so that an omitted
    field and its default compare equal. ``spec_aliases``: older spellings the service reads as
    documented fields, so that both spellings compare equal (``vidspec.plan.normalize``).
    ``cost_unit``: "minutes" (quota minutes) or "credits"; ``credits_per_minute`` converts.

    The request model of ``vidspec.plan.cost`` reads: ``catalog_requests``, the calls ``catalog()``
    makes; ``list_page_size``, the page ``list_videos()`` asks for; and ``listing_end``, how the
    listing says it is done: ``"short_page"`` (no total, no marker: the first page shorter than
    a full one ends it, so a full last page costs one more, empty, page) or ``"marked"`` (the
    service marks the last page, as an empty ``end_cursor``: ceil(N / page) calls, at least 1).
    ``generation_seconds``: how long a generation typically takes, for the expected polling
    rounds (an estimate; the vendors do not document it). ``listing_shows_tasks``: the listing
    reports tasks still generating (else the engine asks their status now and then).

    Limits of every shape (``limits``, ``vidspec.providers.limits``): ``generation_rate`` is
    the window that paces a burst first (the one a slower ``provider.rate_limit`` replaces);
    ``generation_windows`` are further windows that hold at the same time (Synthesia's 300 an
    hour and 1,000 a day); ``concurrency`` caps the videos generating at once (HeyGen's 10):
    the engine sends a generation only when every window and the cap allow it, and the plan's
    ``Apply time`` runs the same model.
    """

    kind: str
    display_name: str
    can_rename: bool
    can_delete: bool
    can_cancel: bool
    name_field: str
    script_path: str
    retention: timedelta
    generation_rate: Rate
    request_rate: Rate | None = None
    monthly_requests: int | None = None
    listing_fields: tuple[str, ...] = ()
    spec_defaults: Mapping[str, Any] = field(default_factory=dict)
    spec_aliases: tuple[SpecAlias, ...] = ()
    cost_unit: str = "minutes"
    credits_per_minute: float = 1.0
    chars_per_second: float = 14.0
    max_minutes_per_video: float | None = None
    list_page_size: int = 100
    listing_end: Literal["short_page", "marked"] = "short_page"
    catalog_requests: int = 1
    generation_seconds: float = 120.0
    listing_shows_tasks: bool = False
    generation_windows: tuple[Rate, ...] = ()
    concurrency: int | None = None

    @property
    def limits(self) -> GenerationLimits:
        """Every limit on sending generations, as the gate and the plan's estimate read them:
        ``generation_rate`` and ``generation_windows`` at once, and ``concurrency``."""
        return GenerationLimits((self.generation_rate, *self.generation_windows), self.concurrency)


@dataclass(frozen=True)
class CatalogProblem:
    """A request field the catalog does not allow: ``path`` is a dotted request-body path."""

    path: str
    message: str
    hint: str = ""


@dataclass(frozen=True)
class Quota:
    """What the account has left, in ``unit`` ("minutes" or "credits"); ``None`` if unknown."""

    unit: str
    limit: float | None
    left: float | None


@runtime_checkable
class Catalog(Protocol):
    """What the account may ask for: actors or avatars, voices, backgrounds, and quota.

    ``problems`` is pure: it checks one request body against the catalog and returns every
    inconsistency, so the planner can point each at the manifest line.
    """

    @property
    def quota(self) -> Quota: ...

    def problems(self, spec: Mapping[str, Any]) -> list[CatalogProblem]: ...

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready form for ``vidspec catalog --json``."""
        ...


def max_listed(caps: Capabilities) -> int:
    """The most videos an account can hold: every video it could make within ``retention``
    at ``generation_rate``. A listing longer than this is a server that never stops."""
    made = caps.retention.total_seconds() / caps.generation_rate.seconds
    return int(made * caps.generation_rate.count) + caps.list_page_size


def listing_loops(url: str, what: str) -> ProviderError:
    """The error of a listing that would go on forever (``what``), naming the host."""
    host = urlsplit(url).netloc.rpartition("@")[2]
    return ProviderError(
        f"{what} on {host}",
        method="GET",
        path=urlsplit(url).path,
        hint="The service's listing is broken; vidspec stopped reading it instead of "
        "spending the month's requests. Try again later, or report it to the service.",
    )


@runtime_checkable
class Provider(Protocol):
    """A video service, as vidspec drives it: the calls every service has.

    Contract for implementers:

    - Every HTTP call goes through ``vidspec.http`` and is counted in ``ledger``,
      and takes its turn in ``pacing`` (one ``Pacing`` per instance: a command opens one
      provider, so all its calls share it).
    - ``create`` returns the new remote id. If the request was sent and its answer was lost
      (5xx after sending, dropped connection, timeout) it raises ``OutcomeUnknown``; it never
      retries a POST on its own.
    - ``list_videos`` pages through the whole listing with ``capabilities.list_page_size``:
      the requests ``vidspec.plan.cost.listing_requests`` counts, never a call per video; and
      ``catalog`` makes ``capabilities.catalog_requests`` requests. With ``since``, only videos
      created at or after that moment are needed (apply's polling: one page however large
      the account); a client asks the service for no more than it must, and may return more.
    - What only some services can do is a protocol of its own (``Renamer``, ``Deleter``,
      ``Canceler``): a provider has the method or does not, and says so in ``capabilities``
      (``can_rename``, ``can_delete``, ``can_cancel``), which the planner reads.
    - Errors are ``vidspec.core.errors.ProviderError`` subclasses; no secret ever appears in one.
    """

    capabilities: Capabilities
    ledger: RequestLedger
    pacing: Pacing

    def catalog(self) -> Catalog: ...

    def list_videos(self, since: datetime | None = None) -> list[RemoteVideo]: ...

    def create(self, spec: Mapping[str, Any]) -> str: ...

    def status(self, ids: Sequence[str]) -> dict[str, RemoteVideo]: ...

    def download(self, video_id: str, dest: Path) -> DownloadResult: ...

    def close(self) -> None: ...


@runtime_checkable
class KeyedCreator(Protocol):
    """A provider whose create carries a key the caller derives from its write-ahead record
    (``vidspec.state.correlation``): the service replays the first answer to a retry with that key
    (HeyGen's ``Idempotency-Key``), or its listing reports the key (Synthesia's
    ``callbackId``: ``RemoteVideo.key``), so a lost answer is resolved without a second video.
    The engine prefers ``create_keyed`` to ``create`` when a provider has it."""

    def create_keyed(self, spec: Mapping[str, Any], key: str) -> str: ...


@runtime_checkable
class Previewer(Protocol):
    """A provider that renders free, watermarked test videos (Synthesia's ``test: true``):
    ``vidspec preview``. A preview is never a managed video: ``list_videos`` leaves previews
    out, so no plan adopts, compares or deletes one. ``previews_left`` is how many more the
    service renders today (``None``: unknown)."""

    def preview(self, spec: Mapping[str, Any]) -> str: ...

    def previews_left(self) -> int | None: ...


@runtime_checkable
class Renamer(Protocol):
    """A provider that renames a video in place (``Capabilities.can_rename``)."""

    def rename(self, video_id: str, name: str) -> None: ...


@runtime_checkable
class Deleter(Protocol):
    """A provider that deletes a video (``Capabilities.can_delete``)."""

    def delete(self, video_id: str) -> None: ...


@runtime_checkable
class Canceler(Protocol):
    """A provider that cancels a task still generating (``Capabilities.can_cancel``)."""

    def cancel(self, video_id: str) -> None: ...
