"""Every fact vidspec relies on about the Vidnoz API v2, in one table.

Each fact is marked: **[doc]** is on the vendor's pages; **[client]** is seen
only in public client code; **[vidspec]** is a choice vidspec makes where both are silent.
When the service turns out to differ, correct it here: the client, the catalog reading, the
form flattening and the capabilities all read this table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType
from typing import Any, TypeVar

from vidspec.core.videos import TaskState
from vidspec.providers.base import Capabilities, Rate

K = TypeVar("K")
V = TypeVar("V")


def _frozen(value: Mapping[K, V]) -> Mapping[K, V]:
    return MappingProxyType(dict(value))


@dataclass(frozen=True)
class VidnozApi:
    """Paths, limits, codes and vidspec's choices for the Vidnoz API v2."""

    # -- addresses --------------------------------------------------------------------------
    default_base_url: str = "https://devapi.vidnoz.com"  # [doc]
    create_path: str = "/v2/task/avatar-to-video"  # [doc] multipart/form-data
    detail_path: str = "/v2/task/detail"  # [client] POST, form field `id`
    list_path: str = "/v2/video/list"  # [doc] GET ?limit=&end_cursor=
    avatars_path: str = "/v2/avatar/list"  # [client]
    voices_path: str = "/v2/voice/list"  # [client]
    auth_scheme: str = "Bearer"  # [doc] Authorization: Bearer <api key>

    # -- the envelope {code, message, data} -------------------------------------------------
    ok_code: int = 200  # [doc]
    bad_request_code: int = 400  # [doc] parameter error
    auth_code: int = 401  # [doc] auth failed or expired
    server_error_code: int = 500  # [doc]
    busy_code: int = 803  # [client] more than 1 request a second: nothing was done
    busy_wait: float = 1.0  # [vidspec] extra wait after an 803, on top of the pacing
    busy_attempts: int = 6  # [vidspec] tries of one call while answered 803
    read_attempts: int = 3  # [vidspec] tries of a read answered 500 (or a failed detail POST)
    read_backoff: float = 2.0  # [vidspec] seconds before a read is tried again
    # [vidspec] the vendor documents neither refusal (these are the emulator's words): a 400
    # whose message holds one of these is spent credits (QuotaExhausted) ...
    credit_refusals: tuple[str, ...] = ("credit",)
    # ... or an unknown (or expired) task id (NotFound)
    not_found_markers: tuple[str, ...] = ("not found", "not exist")

    # -- limits -----------------------------------------------------------------------------
    request_interval: float = 1.0  # [doc] 1 request a second per key; measured from the end
    # of the previous answer to the next request, so arrivals are always more than 1 s apart
    max_text_chars: int = 4999  # [doc] "under 5000 characters"
    retention: timedelta = timedelta(days=7)  # [doc]
    credits_per_minute: float = 4.0  # [doc]
    chars_per_second: float = 14.0  # [vidspec] speech rate for the duration estimate

    # -- listing ----------------------------------------------------------------------------
    list_page_size: int = 10000  # [doc] limit=1..10000; a smaller page is followed all the same
    list_time_format: str = "%Y-%m-%d %H:%M:%S"  # [doc] create_at; [vidspec] read as UTC
    # [doc] statuses of the list (the detail uses the same numbers [client]); any other value
    # is a failure [vidspec]
    task_states: Mapping[int, TaskState] = field(
        default_factory=lambda: _frozen(
            {0: TaskState.QUEUED, 2: TaskState.RUNNING, 1: TaskState.DONE, 3: TaskState.FAILED}
        )
    )
    # [vidspec] which finished file `download` fetches, best first; `url` is the detail's own
    download_files: tuple[str, ...] = ("video_1080p", "video_720p", "url")
    list_files: tuple[str, ...] = ("file_1080p", "file_720p")

    # -- the create form --------------------------------------------------------------------
    # [doc: the curl example] top-level scalars go as plain parts (`aspect=1`), nested fields
    # as JSON-typed parts (`avatar[style]=3;type=application/json`)
    json_part_type: str = "application/json"
    # [vidspec] the page marks `background` required; without one the client sends the
    # documented default colour
    default_background: Mapping[str, Any] = field(
        default_factory=lambda: _frozen({"color": "#ffffff"})
    )
    # [doc] what the service assumes for omitted fields (compared, never sent)
    spec_defaults: Mapping[str, Any] = field(
        default_factory=lambda: _frozen(
            {
                "aspect": 1,
                "avatar": {"style": 1, "circle_bgcolor": "#ffffff", "scale": 1.0},
                "voice": {"tts": {"speed": 1.0, "pitch": 0}, "silence": {"duration": 1}},
                "background": {"color": "#ffffff", "media": {"fit": 0, "loop": False}},
            }
        )
    )
    style_names: Mapping[int, str] = field(
        default_factory=lambda: _frozen({1: "full body", 2: "half body", 3: "round close-up"})
    )

    # -- the catalog lists [client: public clients read these keys] --------------------------
    avatar_list_keys: tuple[str, ...] = ("avatars", "list", "items")
    voice_list_keys: tuple[str, ...] = ("voices", "list", "items")
    avatar_id_keys: tuple[str, ...] = ("id", "avatar_id")
    voice_id_keys: tuple[str, ...] = ("id", "voice_id")
    emotion_keys: tuple[str, ...] = ("emotions", "style_list")
    style_keys: tuple[str, ...] = ("styles",)  # [vidspec] the emulator's; absent: all styles


API = VidnozApi()

CAPABILITIES = Capabilities(
    kind="vidnoz",
    display_name="Vidnoz",
    can_rename=False,
    can_delete=False,
    can_cancel=False,
    name_field="name",
    script_path="voice.tts.text",
    retention=API.retention,
    generation_rate=Rate(1, API.request_interval),
    request_rate=Rate(1, API.request_interval),
    monthly_requests=None,
    listing_fields=(),  # the list has names and statuses, no script or avatar
    spec_defaults=API.spec_defaults,
    cost_unit="credits",
    credits_per_minute=API.credits_per_minute,
    chars_per_second=API.chars_per_second,
    max_minutes_per_video=None,
    list_page_size=API.list_page_size,
    listing_end="marked",  # an empty end_cursor marks the last page
    catalog_requests=2,  # the avatar list and the voice list
    listing_shows_tasks=True,  # every task, with its status
)
