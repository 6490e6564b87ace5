"""Every fact vidspec relies on about the Synthesia API v2, in one table.

Each fact is marked: **[doc]** is in a vendor source (SW: the OpenAPI; RL:
the rate-limit pages; INTRO, VID, LIST, CV, TPL, CRED: the docs pages named there); **[client]**
is seen only in public client code (bb-io/Synthesia); **[vidspec]** is a choice vidspec makes
where both are silent, with its reason. When the service turns out to differ, correct it here:
the client, the wire mapping, the catalog, the pacing and the capabilities all read this table.

``LIMITS`` holds the vendor's limits as data (every window of writes and of reads, per
endpoint, the test videos a day, no concurrency cap), by tier in ``TIERS``: the client paces by
them, and ``Capabilities`` carries the write windows (``generation_rate`` and
``generation_windows``) for the engine's gate and the plan's estimate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType
from typing import Any, Literal

from vidspec.core.videos import TaskState
from vidspec.providers.base import Capabilities, Rate

MINUTE, HOUR, DAY = 60.0, 3600.0, 86400.0


@dataclass(frozen=True)
class Limits:
    """Synthesia's rate limits of one tier [doc RL].

    ``writes``: the windows of each write endpoint (create, create from a template, update,
    delete); ``reads``: of each read endpoint (list, get, templates). ``scope``: ``endpoint``
    (each endpoint counts on its own) or ``shared`` (all writes count together).
    ``test_videos``: free test renders (``test: true``) [doc INTRO]. ``concurrency``: videos
    rendering at once (``None``: no cap documented).
    """

    writes: tuple[Rate, ...]
    reads: tuple[Rate, ...]
    scope: Literal["endpoint", "shared"] = "endpoint"  # [vidspec] the newer table: "per endpoint"
    test_videos: Rate = field(default_factory=lambda: Rate(30, DAY))  # [doc INTRO] 30 a day
    concurrency: int | None = None  # [doc RL, by absence] a third-party "3" is unverified

    @property
    def binding_write(self) -> Rate:
        """The window that paces a burst of writes first (the shortest): 60 a minute."""
        return min(self.writes, key=lambda r: r.seconds)

    @property
    def other_writes(self) -> tuple[Rate, ...]:
        """The write windows besides the binding one (300 an hour, 1,000 a day)."""
        binding = self.binding_write
        return tuple(rate for rate in self.writes if rate != binding)


TIERS: Mapping[str, Limits] = MappingProxyType(
    {
        # [doc RL, the newer table] "Tier 3" is Creator (the older page gives its reads
        # 40,000/day); Tiers 2 and 1 are Enterprise
        "3": Limits(
            writes=(Rate(60, MINUTE), Rate(300, HOUR), Rate(1000, DAY)),
            reads=(Rate(60, MINUTE), Rate(20000, DAY)),
        ),
        "2": Limits(
            writes=(Rate(80, MINUTE), Rate(400, HOUR), Rate(2000, DAY)),
            reads=(Rate(80, MINUTE), Rate(40000, DAY)),
        ),
        "1": Limits(
            writes=(Rate(120, MINUTE), Rate(600, HOUR), Rate(3000, DAY)),
            reads=(Rate(120, MINUTE), Rate(80000, DAY)),
        ),
    }
)
LIMITS = TIERS["3"]  # [doc INTRO] API access needs Creator (Tier 3) or above


def _frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@dataclass(frozen=True)
class SynthesiaApi:
    """Paths, headers, statuses and vidspec's choices for the Synthesia API v2."""

    # -- addresses and auth -----------------------------------------------------------------
    default_base_url: str = "https://api.synthesia.io"  # [doc SW servers]
    videos_path: str = "/v2/videos"  # [doc SW] POST create (200), GET list
    video_path: str = "/v2/videos/{id}"  # [doc SW] GET, PATCH (200), DELETE (204)
    from_template_path: str = "/v2/videos/fromTemplate"  # [doc SW] POST (201)
    templates_path: str = "/v2/templates"  # [doc SW] GET list
    template_path: str = "/v2/templates/{id}"  # [doc SW] GET one
    auth_header: str = "Authorization"  # [doc SW securitySchemes] the raw key, no "Bearer"
    # [doc RL] a 429's RateLimit-Reset: "how many seconds you need to wait"; Retry-After first
    # in case a proxy in front sends one
    wait_headers: tuple[str, ...] = ("Retry-After", "RateLimit-Reset")

    # -- the video object -------------------------------------------------------------------
    # [doc VID; SW enum] in_progress, complete, error, rejected; deleted and approved are in
    # the enum but described nowhere. [vidspec: the documented meanings] error and rejected
    # are failures; anything else (approved, a new value) is still running
    task_states: Mapping[str, TaskState] = field(
        default_factory=lambda: _frozen(
            {
                "in_progress": TaskState.RUNNING,
                "complete": TaskState.DONE,
                "error": TaskState.FAILED,
                "rejected": TaskState.FAILED,
            }
        )
    )
    gone_status: str = "deleted"  # [vidspec] a deleted video is treated as absent
    running_state: TaskState = TaskState.RUNNING  # [vidspec] any other status
    rejected_status: str = "rejected"  # [doc VID] moderation: do not retry the same script

    # -- listing ----------------------------------------------------------------------------
    page_size: int = 100  # [doc SW] limit 1..100 (default 20)
    # [doc SW] "every call returns the next offset"; what marks the end is not documented.
    # [vidspec] stop when nextOffset is missing, when a page is empty or shorter than asked
    # (safe under either convention); read every page (the order is undocumented) and
    # deduplicate by id (offsets shift when videos are made during the walk)
    # [doc SW] templates' source is workspace or synthesia (stock); [vidspec] none is sent:
    # the templates the service lists by default
    # [vidspec] a listing longer than this is a server that never stops: videos are kept until
    # deleted, so retention x rate (``max_listed``) bounds nothing; 1,000 a day takes 200 days
    max_listed: int = 200_000

    # -- correlation ------------------------------------------------------------------------
    # [doc CV] callbackId links a video from the listing back to its request; no idempotency
    # exists [doc SW, by absence]. [vidspec] callbackId = "vs:" + a key the caller gives (a
    # write-ahead record's); only videos whose callbackId starts with it are vidspec's
    callback_prefix: str = "vs:"
    callback_key_max: int = 64  # [vidspec] the length limit is undocumented: keep it short
    callback_key_chars: str = r"[A-Za-z0-9._:\-\[\]]"  # [vidspec] an address's, a hash's

    # -- requests and cost ------------------------------------------------------------------
    max_scenes: int = 25  # [doc SW since 2026-04] input[] 1..25 (the older create page: 6)
    credits_per_second: float = 2.0  # [doc CRED] "Each second of a video uses 2 credits"
    chars_per_second: float = 14.0  # [vidspec] speech rate for the duration estimate
    generation_seconds: float = 600.0  # [doc LIST] 2-40 minutes; [vidspec] 10 as typical
    # [vidspec] no expiry is documented (only links expire): a video is kept "for ever"
    retention: timedelta = timedelta(days=3650)
    # [vidspec] running out of credits gives an undocumented 4xx on create: one naming these
    # is QuotaExhausted, fatal for the run
    quota_markers: tuple[str, ...] = ("credit", "quota")
    # [vidspec] download links are "time-limited" [doc VID] with no published lifetime: get
    # the video right before each download, and once more when the file host answers 403
    link_refetches: int = 1
    # [doc SW] what the service assumes for omitted fields (compared, never sent)
    spec_defaults: Mapping[str, Any] = field(
        default_factory=lambda: _frozen(
            {"title": "", "description": "", "visibility": "private", "aspectRatio": "16:9"}
        )
    )
    # [doc SW] the stock backgrounds (a background may also be an asset id or a URL)
    stock_backgrounds: tuple[str, ...] = (
        "green_screen",
        "off_white",
        "warm_white",
        "light_pink",
        "soft_pink",
        "light_blue",
        "dark_blue",
        "soft_cyan",
        "strong_cyan",
        "light_orange",
        "soft_orange",
        "white_studio",
        "white_cafe",
        "luxury_lobby",
        "large_window",
        "white_meeting_room",
        "open_office",
    )


API = SynthesiaApi()

CAPABILITIES = Capabilities(
    kind="synthesia",
    display_name="Synthesia",
    can_rename=True,  # PATCH title [doc SW]
    can_delete=True,  # DELETE [doc SW]
    can_cancel=False,  # no such endpoint [doc SW]
    name_field="title",
    script_path="input.*.scriptText",  # every scene speaks
    retention=API.retention,
    # the binding write window, and the hour and the day at the same time [doc RL]
    generation_rate=LIMITS.binding_write,
    generation_windows=LIMITS.other_writes,
    request_rate=None,  # reads count per endpoint (LIMITS.reads), paced by the client
    monthly_requests=None,
    # [doc SW] list items are full video objects: these request fields come back
    listing_fields=("title", "description", "visibility", "aspectRatio"),
    spec_defaults=API.spec_defaults,
    cost_unit="minutes",  # [vidspec] self-serve credits are 2 a second: minutes say the same
    credits_per_minute=1.0,
    chars_per_second=API.chars_per_second,
    list_page_size=API.page_size,
    listing_end="marked",  # the last page comes without nextOffset (or short)
    catalog_requests=1,  # the templates, one page of 100
    generation_seconds=API.generation_seconds,
    listing_shows_tasks=True,  # [doc LIST] in-progress videos are listed
)
