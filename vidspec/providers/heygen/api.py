"""Every fact vidspec relies on about the HeyGen API v3, in one table.

**[doc]** is in HeyGen's documentation or its official CLI's generated schemas; **[client]** is
seen only in the official CLI's behaviour; **[vidspec]** is a choice vidspec makes where both
are silent, with its reason.

Sources, by the short names the marks cite: HeyGen's documentation at developers.heygen.com
(QS quick start, LIM usage limits, PRICE and ENT pricing, ERR error codes, CHG changelog, IDEM
the ``Idempotency-Key`` header, GETV and CREATE the video references, MODELS engines), the
legacy pages at docs.heygen.com (V1 video status, WH webhooks, OLDLIM limits), and the request
and response schemas HeyGen generates for its official CLI (CLI: ``heygen-com/heygen-cli`` at
7699a8e, ``gen/*.go``, and its client's behaviour).

When the service turns out to differ, correct it here: the client, the catalog, the wire
mapping and the capabilities all read this table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType
from typing import Any

from vidspec.core.videos import TaskState
from vidspec.providers.base import Capabilities, Rate


def _frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@dataclass(frozen=True)
class HeygenLimits:
    """The vendor's limits as data (``Capabilities.concurrency`` carries the cap).

    Each window is "at most N calls per S seconds"; several windows hold at once. HeyGen
    says every endpoint is rate limited and publishes no number [doc ENT], so both tuples
    are empty: the binding limit is the number of videos generating at once.
    """

    read_windows: tuple[Rate, ...] = ()  # [doc ENT] limited, no number published
    write_windows: tuple[Rate, ...] = ()  # [doc ENT] limited, no number published
    concurrent_jobs: int = 10  # [doc LIM] pay-as-you-go; Enterprise "20+ (by contract)"
    # [doc LIM] a create over it is refused with 429 + Retry-After, not queued


@dataclass(frozen=True)
class HeygenApi:
    """Paths, limits, statuses and vidspec's choices for the HeyGen API v3."""

    # -- addresses --------------------------------------------------------------------------
    default_base_url: str = "https://api.heygen.com"  # [doc QS]
    auth_header: str = "x-api-key"  # [doc QS, ERR]
    videos_path: str = "/v3/videos"  # [doc] POST create, GET list ?limit&token&folder_id&title
    video_path: str = "/v3/videos/{id}"  # [doc] GET one (fresh links), DELETE
    statuses_path: str = "/v3/videos/statuses"  # [doc] GET ?video_ids=a,b (up to 100)
    templates_path: str = "/v3/templates"  # [doc] GET ?limit&token
    template_path: str = "/v3/templates/{id}"  # [doc] GET detail, POST generate
    looks_path: str = "/v3/avatars/looks"  # [doc] GET ?group_id&avatar_type&ownership
    voices_path: str = "/v3/voices"  # [doc] GET ?type&engine&language&gender
    voice_types: tuple[str, ...] = ("public", "private")  # [doc] `type`, default public
    me_path: str = "/v3/users/me"  # [doc] billing_type, wallet / subscription / usage_based
    idempotency_header: str = "Idempotency-Key"  # [doc CHG May 2026, IDEM]

    # -- paging [doc CLI] ---------------------------------------------------------------------
    list_page_size: int = 100  # videos and templates: limit 1-100
    looks_page_size: int = 50  # avatars and looks: limit 1-50
    voices_page_size: int = 100  # voices: limit 1-100
    max_status_ids: int = 100  # ids per GET /v3/videos/statuses

    # -- statuses -----------------------------------------------------------------------------
    # [doc CLI] get and list say pending, processing, completed, failed; the create answer says
    # "waiting" and the bulk call "queued" and "not_found". [vidspec] any other value is still
    # running: the create answer already uses one missing from the get enum.
    task_states: Mapping[str, TaskState] = field(
        default_factory=lambda: _frozen(
            {
                "waiting": TaskState.QUEUED,
                "pending": TaskState.QUEUED,
                "queued": TaskState.QUEUED,
                "processing": TaskState.RUNNING,
                "completed": TaskState.DONE,
                "failed": TaskState.FAILED,
            }
        )
    )
    unknown_state: TaskState = TaskState.RUNNING  # [vidspec] see above
    not_found_status: str = "not_found"  # [doc CLI] bulk statuses: unknown or unowned id

    # -- creating -----------------------------------------------------------------------------
    video_type: str = "avatar"  # [doc CLI] the create body's discriminator vidspec sends
    max_script_chars: int = 5000  # [doc LIM, CREATE] 1 to 5,000 characters
    # [doc IDEM] 1-255 characters of [A-Za-z0-9_:.-]; replays for 24 hours
    idempotency_key: re.Pattern[str] = re.compile(r"[A-Za-z0-9_:.\-]{1,255}")
    idempotency_window: timedelta = timedelta(hours=24)
    # [vidspec] a key is retried only this long after its first use: the rest of the 24 hours
    # is a margin for the two clocks (past it, a lost create is found by title and time)
    idempotency_margin: timedelta = timedelta(hours=1)
    # [vidspec] how far the service's clock may be behind ours when a lost create is looked
    # for by its creation time
    clock_skew: timedelta = timedelta(minutes=5)
    # [vidspec] tries of one create while its answer is lost or "in progress" (409), the waits
    # between them doubling from `create_backoff` seconds: retried with the same key, so the
    # service replays the first answer instead of making a second video
    create_attempts: int = 5
    create_backoff: float = 1.0
    in_progress_status: int = 409  # [doc IDEM] request_in_progress
    credit_status: int = 402  # [doc ERR] insufficient_credit

    # -- files --------------------------------------------------------------------------------
    # [doc CLI] presigned; a 403 or 404 on download means the link expired: get a new one
    stale_link_statuses: tuple[int, ...] = (403, 404)
    # [vidspec] links expire and v3 gives no lifetime: every download asks for a fresh one

    # -- ids ----------------------------------------------------------------------------------
    # [vidspec] the docs show ids only as "<string>" (real ones are 32 hex characters); any
    # id that is safe in a path, a comma list and a file name is accepted
    id_pattern: re.Pattern[str] = re.compile(r"[A-Za-z0-9_-]{1,128}")

    # -- cost ---------------------------------------------------------------------------------
    usd_per_second: float = 0.10  # [doc PRICE] Avatar IV/V, pay-as-you-go
    credits_per_second: float = 0.1  # [doc ENT] Avatar IV/V, Enterprise
    chars_per_second: float = 14.0  # [vidspec] speech rate for the duration estimate
    # [vidspec] renders take minutes; used for the expected polling and for the pace below
    generation_seconds: float = 120.0

    # -- listing ------------------------------------------------------------------------------
    # [vidspec] the order is undocumented; the client reads the listing as newest first only
    # while every page it saw was in that order, and otherwise reads all of it
    retention: timedelta = timedelta(days=3650)  # [doc V1] "the video itself does not expire"

    # [doc CLI] what the service assumes for omitted fields (compared, never sent)
    spec_defaults: Mapping[str, Any] = field(
        default_factory=lambda: _frozen(
            {
                "type": "avatar",
                "aspect_ratio": "16:9",
                "output_format": "mp4",
                "engine": {"type": "avatar_iv"},
                "voice_settings": {"speed": 1.0, "pitch": 0, "volume": 1.0},
                "caption": {"file_format": "srt"},
            }
        )
    )


API = HeygenApi()
LIMITS = HeygenLimits()

CAPABILITIES = Capabilities(
    kind="heygen",
    display_name="HeyGen",
    can_rename=False,  # [doc CLI] no PATCH /v3/videos/{id}: a new title is a new video
    can_delete=True,  # [doc] DELETE /v3/videos/{id}
    can_cancel=False,  # [doc CLI] no cancel endpoint
    name_field="title",
    script_path="script",
    retention=API.retention,
    # [doc LIM] HeyGen limits videos generating at once, not a rate: the engine's gate sends a
    # create only while fewer than `concurrency` are generating. [vidspec] creates are also
    # kept to the cap's count a second (no number is published [doc ENT]): a pace that never
    # binds against renders of minutes, and keeps a burst of retries polite
    generation_rate=Rate(LIMITS.concurrent_jobs, 1.0),
    concurrency=LIMITS.concurrent_jobs,
    request_rate=None,  # [doc ENT] no number published
    monthly_requests=None,
    listing_fields=(),  # [doc] get and list return neither script, avatar nor voice
    spec_defaults=API.spec_defaults,
    cost_unit="credits",  # [doc ENT] 0.1 credit a second; [doc PRICE] $0.10 a second
    credits_per_minute=60 * API.credits_per_second,
    chars_per_second=API.chars_per_second,
    max_minutes_per_video=None,
    list_page_size=API.list_page_size,
    listing_end="marked",  # [doc] has_more false on the last page
    catalog_requests=4,  # looks, public voices, private voices, the account (a page each)
    generation_seconds=API.generation_seconds,
    listing_shows_tasks=True,  # [doc, by the schema] pending and processing are listed
)
