"""Every fact vidspec relies on about the CDNvideo Talking Head API, in one table.

Each fact is marked: **[doc]** is on the vendor page; **[vidspec]** is a
choice vidspec makes where the page is silent or its text was lost. When the service turns out
to differ, correct it here: the client, the catalog checks, the listing mapping and the
capabilities all read this table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType
from typing import Any

from vidspec.core.videos import TaskState
from vidspec.providers.base import Capabilities, Rate, SpecAlias


def _frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@dataclass(frozen=True)
class CdnvideoApi:
    """Paths, limits and vidspec's choices for the CDNvideo API."""

    # -- addresses --------------------------------------------------------------------------
    default_base_url: str = "https://api.cdnvideo.ru/app/th-api/v1"  # [doc]
    login_path: str = "/app/oauth/v1/token/"  # [doc] on the host root, not under base_url
    account_path: str = "/accounts/{account}"  # [doc] appended to base_url
    configurations_path: str = "/configurations"  # [doc]
    generate_path: str = "/generate"  # [doc]
    task_path: str = "/tasks/{id}"  # [vidspec] status (GET) and cancel (DELETE)
    videos_path: str = "/videos"  # [doc]
    video_path: str = "/videos/{id}"  # [vidspec] rename (PATCH) and delete (DELETE)
    download_path: str = "/videos/{id}/download"  # [vidspec]
    auth_header: str = "CDN-AUTH-TOKEN"  # [doc]

    # -- login ------------------------------------------------------------------------------
    token_lifetime: timedelta = timedelta(hours=6)  # [doc] when the answer has no lifetime
    token_refresh_margin: timedelta = timedelta(minutes=5)  # [vidspec] log in again this early
    login_rate: Rate = field(default_factory=lambda: Rate(20, 60.0))  # [doc]

    # A 403 whose message holds one of these is a spent quota or monthly cap, not a bad token
    # [vidspec: the page documents neither refusal; these are the emulator's words].
    quota_refusals: tuple[str, ...] = ("quota", "request limit")

    # -- limits [doc] -----------------------------------------------------------------------
    generation_rate: Rate = field(default_factory=lambda: Rate(10, 60.0))
    monthly_requests: int = 1500
    max_script_chars: int = 3000
    max_minutes_per_video: float = 3.0
    max_name_chars: int = 35
    retention: timedelta = timedelta(days=30)

    # -- listing ----------------------------------------------------------------------------
    # [vidspec] the page's maximum `limit` is not documented. The listing gives no total, so
    # the client reads pages until one is shorter than this: N videos cost N // 1000 + 1
    # requests, one more (empty) page when N is an exact multiple (`vidspec.plan.cost` counts so).
    list_page_size: int = 1000
    # [vidspec] a typical generation, for the plan's expected polling rounds (not documented)
    generation_seconds: float = 120.0
    list_sort: str = "+date"  # [vidspec] oldest first: new videos land on the last page
    list_window: timedelta = timedelta(days=31)  # [vidspec] `start`: retention plus a margin
    list_date_format: str = "%Y-%m-%dT%H:%M:00+00"  # [doc] seconds always 00, UTC
    # Listing field -> dotted request-body path it reports [doc: the `fields` names].
    listing_fields: Mapping[str, str] = field(
        default_factory=lambda: _frozen(
            {
                "actor_name": "actor.name",
                "model_version": "actor.version",
                "shot": "actor.shot",
                "voice_name": "voice",
                "background": "background",
                "emotion": "emotion",
                "script": "script",
                "video_name": "video_name",
                "orientation": "composition.orientation",
                "scale": "composition.scale",
                "crop": "composition.crop",
                "shift": "composition.shift",
            }
        )
    )
    # The listing's `circle` object [doc] (all null: no circle) is reported in the documented
    # composition form [vidspec]: frame_style circle/rectangle plus these keys. The create
    # body's older `circle` object [doc] has the same keys and means the same [vidspec]:
    # `circle_alias` makes both spellings of a request compare equal.
    circle_field: str = "circle"
    circle_paths: Mapping[str, str] = field(
        default_factory=lambda: _frozen(
            {
                "location": "composition.location",
                "background_color": "composition.background_color",
                "border_color": "composition.border_color",
            }
        )
    )
    frame_style_path: str = "composition.frame_style"

    @property
    def circle_alias(self) -> SpecAlias:
        """``circle: {location, ...}`` in a create body is the composition circle frame."""
        return SpecAlias(
            path=self.circle_field,
            fields=self.circle_paths,
            implies=_frozen({self.frame_style_path: "circle"}),
        )

    @property
    def reported_paths(self) -> tuple[str, ...]:
        """Every dotted request-body path a listing item can report."""
        return (
            *self.listing_fields.values(),
            self.frame_style_path,
            *self.circle_paths.values(),
        )

    # -- task states [doc], compared without case; any other value is a failure [vidspec] ---
    task_states: Mapping[str, TaskState] = field(
        default_factory=lambda: _frozen(
            {
                "in_queue": TaskState.QUEUED,
                "processing": TaskState.RUNNING,
                "processed": TaskState.DONE,
                "canceled": TaskState.CANCELED,
            }
        )
    )

    # -- what the service assumes for omitted request fields [doc] --------------------------
    default_background: str = "green_screen"
    default_emotion: str = "neutral"
    composition_defaults: Mapping[str, Any] = field(
        default_factory=lambda: _frozen(
            {
                "orientation": "horizontal",
                "frame_style": "rectangle",
                "scale": 1.0,
                "crop": 1.0,
                "shift": 0.0,
                "location": "upperleft",
                "background_color": "#FFFFFF",
                "border_color": "#000000",
            }
        )
    )
    latest_version: str = "latest"  # [doc] actor.version may say this

    # -- estimates [vidspec] ----------------------------------------------------------------
    chars_per_second: float = 14.0  # speech rate for the duration estimate


API = CdnvideoApi()


def capabilities(
    kind: str = "cdnvideo",
    display_name: str = "CDNvideo",
    *,
    generation_rate: Rate | None = None,
    monthly_requests: int | None = None,
    generation_seconds: float | None = None,
) -> Capabilities:
    """CDNvideo's capabilities; the sandbox reports the same ones under its own kind (and its
    own limits when its options shrink them)."""
    return Capabilities(
        kind=kind,
        display_name=display_name,
        can_rename=True,
        can_delete=True,
        can_cancel=True,
        name_field="video_name",
        script_path="script",
        retention=API.retention,
        generation_rate=generation_rate or API.generation_rate,
        request_rate=None,
        monthly_requests=monthly_requests or API.monthly_requests,
        listing_fields=API.reported_paths,
        spec_defaults=_frozen(
            {
                "background": API.default_background,
                "emotion": API.default_emotion,
                "composition": dict(API.composition_defaults),
            }
        ),
        spec_aliases=(API.circle_alias,),
        cost_unit="minutes",
        credits_per_minute=1.0,
        chars_per_second=API.chars_per_second,
        max_minutes_per_video=API.max_minutes_per_video,
        list_page_size=API.list_page_size,
        generation_seconds=(
            API.generation_seconds if generation_seconds is None else generation_seconds
        ),
    )


CAPABILITIES = capabilities()
