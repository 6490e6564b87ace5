"""``EmulatorSettings``: every knob of an emulated service, each with a default.

The defaults are the documented limits of the real services (CDNvideo: 10 POSTs a minute, 1500
requests a month, 30 days of storage, the seed page's quota; Vidnoz: 1 request a second, files
kept 7 days; HeyGen: 10 videos generating at once, answers to an ``Idempotency-Key`` replayed
for 24 hours). Tests shrink them (``Rate(10, 1.0)``) and move the emulator's clock instead of
sleeping. ``EmulatorServer.configure`` swaps the knobs listed in ``RUNTIME_FIELDS`` while the
server runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from pathlib import Path

from vidspec.core.rate import Rate

PROVIDERS = ("cdnvideo", "vidnoz", "heygen", "synthesia")
"""Emulated services. A provider here needs a module ``vidspec.emulator.<name>`` exposing
``create_service(runtime)`` (see ``vidspec.emulator.common.server.EmulatedService``)."""

WRITE_SCOPES = ("endpoint", "shared")
"""Synthesia's write limits count per endpoint (the vendor's newer table), or shared by all."""

RUNTIME_FIELDS = frozenset(
    {
        "post_limit",
        "monthly_requests",
        "queue_seconds",
        "processing_seconds",
        "list_in_progress",
        "retention_days",
        "fail_rate",
        "lose_response_rate",
        "slow_seconds",
        "request_limit",
        "file_retention_days",
        "heygen_max_concurrent",
        "heygen_read_limits",
        "heygen_write_limits",
        "heygen_create_seconds",
        "heygen_render_fail_rate",
        "heygen_link_seconds",
        "synthesia_write_limits",
        "synthesia_read_limits",
        "synthesia_write_scope",
        "synthesia_test_video_limit",
        "synthesia_render_fail_rate",
        "synthesia_link_seconds",
    }
)
"""Fields ``configure`` may change on a running server. The others (identity, persistence,
the starting quota, the seed) are fixed when the server starts."""


@dataclass(frozen=True)
class EmulatorSettings:
    """How an emulated service behaves. Immutable; ``configure`` replaces it as a whole.

    ``token`` is CDNvideo's ``CDN-AUTH-TOKEN``, Vidnoz's API key (``Authorization: Bearer``)
    or Synthesia's (``Authorization: <key>``).
    ``account``, ``username``/``password``, ``post_limit``, ``monthly_requests``,
    ``list_in_progress``, ``retention_days`` and ``quota_*`` are CDNvideo's; ``request_limit``,
    ``credits_left`` and ``file_retention_days`` are Vidnoz's; the ``heygen_*`` fields are
    HeyGen's (``token`` is its ``x-api-key``); the ``synthesia_*`` fields are Synthesia's (a
    video is ``in_progress`` for ``queue_seconds`` + ``processing_seconds``). The rest apply to
    all.
    """

    provider: str = "cdnvideo"
    token: str = "test-token"
    account: str | None = None
    username: str = "user"
    password: str = "secret"
    post_limit: Rate = field(default_factory=lambda: Rate(10, 60.0))
    monthly_requests: int = 1500
    queue_seconds: float = 1.0
    processing_seconds: float = 4.0
    list_in_progress: bool = False
    retention_days: int = 30
    quota_limit: float = 560.0
    quota_left: float = 544.0
    fail_rate: float = 0.0
    lose_response_rate: float = 0.0
    slow_seconds: float = 0.0
    seed: int | None = None
    data_dir: Path | None = None
    # -- Vidnoz only ------------------------------------------------------------------------
    request_limit: Rate = field(default_factory=lambda: Rate(1, 1.0))  # every call; code 803
    credits_left: float = 600.0  # 4 credits a minute of video, spent on completion
    file_retention_days: int = 7
    # -- HeyGen only ------------------------------------------------------------------------
    heygen_max_concurrent: int = 10  # videos pending or processing at once; more get 429
    heygen_read_limits: tuple[Rate, ...] = ()  # windows of GET calls (none published)
    heygen_write_limits: tuple[Rate, ...] = ()  # windows of POST/DELETE calls (none published)
    heygen_wallet_usd: float = 50.0  # the pay-as-you-go wallet, $0.10 a second on completion
    heygen_idempotency_seconds: float = 86400.0  # how long an Idempotency-Key replays
    heygen_create_seconds: float = 0.0  # a create's work on the server: a same-key retry gets 409
    heygen_render_fail_rate: float = 0.0  # share of renders ending in `failed`
    heygen_link_seconds: float = 7 * 86400.0  # lifetime of a presigned file link
    heygen_readonly_token: str | None = None  # a valid key refused (403) on every write
    # -- Synthesia only ---------------------------------------------------------------------
    # Creator ("Tier 3"): every window of each write endpoint (POST, PATCH, DELETE) and of each
    # read endpoint (GET); a call over any of them is a 429 and is not counted.
    synthesia_write_limits: tuple[Rate, ...] = (
        Rate(60, 60.0),
        Rate(300, 3600.0),
        Rate(1000, 86400.0),
    )
    synthesia_read_limits: tuple[Rate, ...] = (Rate(60, 60.0), Rate(20000, 86400.0))
    synthesia_write_scope: str = "endpoint"  # or "shared": one counter for every write endpoint
    synthesia_test_video_limit: Rate = field(default_factory=lambda: Rate(30, 86400.0))
    synthesia_render_fail_rate: float = 0.0  # share of videos that end in status "error"
    synthesia_link_seconds: float = 3600.0  # how long a download link works

    def __post_init__(self) -> None:
        problems = list(_problems(self))
        if problems:
            raise ValueError("invalid emulator settings: " + "; ".join(problems))


def field_names() -> frozenset[str]:
    return frozenset(f.name for f in fields(EmulatorSettings))


def _problems(s: EmulatorSettings) -> list[str]:
    out: list[str] = []
    if s.provider not in PROVIDERS:
        out.append(f"provider {s.provider!r} is not emulated (known: {', '.join(PROVIDERS)})")
    if not s.token:
        out.append("token must not be empty")
    if s.account is not None and (not s.account or "/" in s.account):
        out.append(f"account {s.account!r} must be a non-empty name without '/'")
    if s.post_limit.count < 1 or not s.post_limit.seconds > 0:
        out.append(f"post_limit {s.post_limit} must allow at least 1 call per positive window")
    if s.monthly_requests < 1:
        out.append(f"monthly_requests must be at least 1, not {s.monthly_requests}")
    for name in ("queue_seconds", "processing_seconds", "slow_seconds"):
        value = getattr(s, name)
        if not (math.isfinite(value) and value >= 0):
            out.append(f"{name} must be a number of seconds >= 0, not {value}")
    if s.retention_days < 1:
        out.append(f"retention_days must be at least 1, not {s.retention_days}")
    for name in ("fail_rate", "lose_response_rate"):
        value = getattr(s, name)
        if not 0.0 <= value <= 1.0:
            out.append(f"{name} must be between 0 and 1, not {value}")
    if s.request_limit.count < 1 or not s.request_limit.seconds > 0:
        out.append(
            f"request_limit {s.request_limit} must allow at least 1 call per positive window"
        )
    if not (math.isfinite(s.credits_left) and s.credits_left >= 0):
        out.append(f"credits_left must be a number >= 0, not {s.credits_left}")
    if s.file_retention_days < 1:
        out.append(f"file_retention_days must be at least 1, not {s.file_retention_days}")
    out.extend(_heygen_problems(s))
    out.extend(_synthesia_problems(s))
    if not (0 <= s.quota_left <= s.quota_limit):
        out.append(f"quota_left {s.quota_left} must be between 0 and quota_limit {s.quota_limit}")
    return out


def _heygen_problems(s: EmulatorSettings) -> list[str]:
    out: list[str] = []
    if s.heygen_max_concurrent < 1:
        out.append(f"heygen_max_concurrent must be at least 1, not {s.heygen_max_concurrent}")
    for name in ("heygen_read_limits", "heygen_write_limits"):
        for rate in getattr(s, name):
            if rate.count < 1 or not rate.seconds > 0:
                out.append(f"{name}: {rate} must allow at least 1 call per positive window")
    for name in ("heygen_wallet_usd", "heygen_create_seconds"):
        value = getattr(s, name)
        if not (math.isfinite(value) and value >= 0):
            out.append(f"{name} must be a number >= 0, not {value}")
    for name in ("heygen_idempotency_seconds", "heygen_link_seconds"):
        value = getattr(s, name)
        if not (math.isfinite(value) and value > 0):
            out.append(f"{name} must be a number of seconds > 0, not {value}")
    if not 0.0 <= s.heygen_render_fail_rate <= 1.0:
        out.append(
            f"heygen_render_fail_rate must be between 0 and 1, not {s.heygen_render_fail_rate}"
        )
    if s.heygen_readonly_token is not None and s.heygen_readonly_token in ("", s.token):
        out.append("heygen_readonly_token must be a non-empty key other than token")
    return out


def _synthesia_problems(s: EmulatorSettings) -> list[str]:
    out: list[str] = []
    for name in ("synthesia_write_limits", "synthesia_read_limits"):
        rates = getattr(s, name)
        if not rates or any(r.count < 1 or not r.seconds > 0 for r in rates):
            out.append(f"{name} must be rates of at least 1 call per positive window")
    scope, test = s.synthesia_write_scope, s.synthesia_test_video_limit
    if scope not in WRITE_SCOPES:
        choices = ", ".join(WRITE_SCOPES)
        out.append(f"synthesia_write_scope must be one of {choices}, not {scope!r}")
    if test.count < 0 or not test.seconds > 0:
        out.append(f"synthesia_test_video_limit {test} must be a count >= 0 per positive window")
    fail, link = s.synthesia_render_fail_rate, s.synthesia_link_seconds
    if not 0.0 <= fail <= 1.0:
        out.append(f"synthesia_render_fail_rate must be between 0 and 1, not {fail}")
    if not (math.isfinite(link) and link > 0):
        out.append(f"synthesia_link_seconds must be a number of seconds > 0, not {link}")
    return out
