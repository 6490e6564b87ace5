"""Hand-built values for planner, plan and renderer tests (no tests of its own).

Everything here is plain data: a CDNvideo-like and a Vidnoz-like ``Capabilities``, a small
in-memory ``Catalog`` (a value with a pure ``problems`` method, as the protocol defines it),
and builders for desired videos, state records and listing entries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from vidspec.core.location import SourceLocation
from vidspec.core.videos import RemoteVideo, TaskState
from vidspec.plan.diff import flatten
from vidspec.project.config import Project, ProviderConfig
from vidspec.project.model import Desired, DesiredVideo, Lifecycle, MovedBlock, spec_hash
from vidspec.providers.base import Capabilities, CatalogProblem, Quota, Rate
from vidspec.state.model import DownloadRecord, PendingRecord, ProviderRef, State, VideoRecord

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
LINEAGE = "6f1c2b0e-8f0a-4c1e-9d7a-2b3c4d5e6f70"

CDN = Capabilities(
    kind="cdnvideo",
    display_name="CDNvideo",
    can_rename=True,
    can_delete=True,
    can_cancel=True,
    name_field="video_name",
    script_path="script",
    retention=timedelta(days=30),
    generation_rate=Rate(10, 60.0),
    monthly_requests=1500,
    listing_fields=("actor.name", "actor.version", "voice", "script", "video_name", "background"),
    spec_defaults={"background": "green_screen", "emotion": "neutral"},
    chars_per_second=14.0,
    list_page_size=1000,
)

# A service that can neither rename nor delete, counting credits (Vidnoz-like).
NOZ = replace(
    CDN,
    kind="vidnoz",
    display_name="Vidnoz",
    can_rename=False,
    can_delete=False,
    can_cancel=False,
    name_field="name",
    retention=timedelta(days=7),
    listing_fields=(),
    spec_defaults={},
    cost_unit="credits",
    credits_per_minute=4.0,
    monthly_requests=None,
)

SCRIPT = "Hello and welcome to Acme. We make talking videos for teams who keep them in git."


def spec(name: str = "Welcome", script: str = SCRIPT, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "video_name": name,
        "script": script,
        "actor": {"name": "Natalia", "version": "4.0.0", "style": "dressshirt", "shot": "waist"},
        "voice": "Sara",
    }
    body.update(over)
    return body


def want(
    address: str,
    body: Mapping[str, Any],
    *,
    line: int = 3,
    file: str = "videos/main.yaml",
    lifecycle: Lifecycle | None = None,
    download: str | None = None,
) -> DesiredVideo:
    """A desired video; every leaf path gets a location a line below the address."""
    locations = {
        path: SourceLocation(file, line + 1 + i, 5) for i, path in enumerate(sorted(flatten(body)))
    }
    locations["lifecycle.prevent_destroy"] = SourceLocation(file, line + 20, 7)
    return DesiredVideo(
        address=address,
        spec=dict(body),
        spec_hash=spec_hash(body),
        location=SourceLocation(file, line, 3),
        lifecycle=lifecycle or Lifecycle(),
        download=download,
        field_locations=locations,
    )


def desired(*videos: DesiredVideo, moves: tuple[MovedBlock, ...] = ()) -> Desired:
    return Desired(
        provider_kind="cdnvideo",
        videos={v.address: v for v in sorted(videos, key=lambda v: v.address)},
        moves=moves,
        files=("videos/main.yaml",),
    )


def record(
    video_id: str,
    body: Mapping[str, Any],
    *,
    status: TaskState = TaskState.DONE,
    age: timedelta = timedelta(days=1),
    previous: tuple[str, ...] = (),
    retention: timedelta = timedelta(days=30),
) -> VideoRecord:
    created = NOW - age
    return VideoRecord(
        id=video_id,
        status=status,
        spec_hash=spec_hash(body),
        spec=dict(body),
        name=body.get("video_name") or body.get("name"),
        created_at=created,
        expires_at=created + retention,
        previous=previous,
    )


def state(
    videos: Mapping[str, VideoRecord] | None = None,
    pending: tuple[PendingRecord, ...] = (),
    *,
    kind: str = "cdnvideo",
) -> State:
    return State(
        lineage=LINEAGE,
        provider=ProviderRef(kind, "acme"),
        serial=3,
        videos=dict(videos or {}),
        pending=pending,
    )


def listed(
    video_id: str,
    name: str | None,
    *,
    state: TaskState = TaskState.DONE,
    age: timedelta = timedelta(days=1),
    body: Mapping[str, Any] | None = None,
    message: str | None = None,
) -> RemoteVideo:
    """A listing entry; ``body`` is the request body it reports (CDNvideo-like fields)."""
    reported = None
    if body is not None:
        reported = {
            k: v
            for k, v in body.items()
            if k in ("voice", "script", "video_name", "background", "actor")
        }
        if "actor" in reported:
            actor = reported["actor"]
            reported["actor"] = {"name": actor["name"], "version": actor["version"]}
    return RemoteVideo(
        id=video_id,
        name=name,
        state=state,
        created_at=NOW - age,
        duration=30.0,
        spec=reported,
        message=message,
    )


class TinyCatalog:
    """A catalog that knows voices Sara and Mia and Natalia 4.0.0 / 1.0.0."""

    def __init__(self, left: float | None = 544.0, unit: str = "minutes") -> None:
        self._quota = Quota(unit=unit, limit=560.0, left=left)

    @property
    def quota(self) -> Quota:
        return self._quota

    def problems(self, spec: Mapping[str, Any]) -> list[CatalogProblem]:
        found = []
        if spec.get("voice") not in ("Sara", "Mia"):
            found.append(
                CatalogProblem("voice", f"unknown voice {spec.get('voice')!r}", "use Sara or Mia")
            )
        actor = spec.get("actor") or {}
        if actor.get("version") not in ("4.0.0", "1.0.0", "latest"):
            found.append(
                CatalogProblem(
                    "actor.version", f"Natalia has no version {actor.get('version')!r}", ""
                )
            )
        return found

    def to_json(self) -> dict[str, Any]:
        return {"quota": {"unit": self._quota.unit, "left": self._quota.left}}


# --- a plan holding every action kind (golden files, JSON contract) -------------------------

LONG_SCRIPT = (
    "Welcome to the Acme help centre. In this video we answer the questions our customers ask "
    "most often: how to reset a password, how to invite a colleague, and where to find your "
    "invoices."
)
SSML_SCRIPT = (
    '<speak>Hello and welcome to Acme. <break time="500ms"/> We make talking videos\n'
    'for teams who keep them in git. <break time="2s"/> Let\'s begin.</speak>'
)


def every_kind_plan() -> object:
    """Create, rename, both regenerate orders, delete, forget, move, adopt, download (a saved
    file that is gone), plus a task in flight, unmanaged videos and a warning; planned by the
    real planner."""
    from vidspec.plan.planner import PlanOptions, plan

    intro = spec(name="Intro")
    promo_old, promo_new = spec(name="Promo"), spec(name="Spring promo")
    faq_old = spec(name="FAQ", script=LONG_SCRIPT)
    faq_new = spec(name="FAQ", script=LONG_SCRIPT.replace("reset a password", "change a password"))
    pricing_old, pricing_new = spec(name="Pricing"), spec(name="Pricing", voice="Mia")
    late_sent, late_now = spec(name="Late"), spec(name="Late", emotion="good")
    onboarding = spec(name="Onboarding")
    tour = spec(name="Tour")
    tour_saved = DownloadRecord(path="out/tour.mp4", size=1024, sha256="ab" * 32)
    move = MovedBlock("intro_v1", "intro", SourceLocation("videos/main.yaml", 40, 5))
    wanted = desired(
        want("welcome", spec(script=SSML_SCRIPT), download="out/welcome.mp4"),
        want("promo", promo_new),
        want("faq", faq_new),
        want("pricing", pricing_new, lifecycle=Lifecycle(create_before_destroy=False)),
        want("intro", intro),
        want("late", late_now),
        want("onboarding", onboarding),
        want("tour", tour, download="out/tour.mp4"),
        moves=(move,),
    )
    sent = PendingRecord(
        address="late",
        action="create",
        spec_hash=spec_hash(late_sent),
        spec=late_sent,
        started_at=NOW - timedelta(minutes=20),
        outcome="unknown",
    )
    current = state(
        {
            "promo": record("vid-promo", promo_old),
            "faq": record("vid-faq", faq_old),
            "pricing": record("vid-pricing", pricing_old),
            "intro_v1": record("vid-intro", intro),
            "legacy": record("vid-legacy", spec(name="Legacy")),
            "old_teaser": record("vid-teaser", spec(name="Teaser")),
            "onboarding": record(
                "vid-onb", onboarding, status=TaskState.RUNNING, age=timedelta(minutes=3)
            ),
            "tour": replace(record("vid-tour", tour), download=tour_saved),
        },
        pending=(sent,),
    )
    remote = [
        listed("vid-promo", "Promo", body=promo_old),
        listed("vid-faq", "FAQ", body=faq_old),
        listed("vid-pricing", "Pricing", body=pricing_old),
        listed("vid-intro", "Intro", body=intro),
        listed("vid-legacy", "Legacy"),
        listed("vid-onb", None, state=TaskState.RUNNING, age=timedelta(minutes=3)),
        listed("vid-late", "Late", age=timedelta(minutes=19), body=late_sent),
        listed("vid-tour", "Tour", body=tour),
        listed("zz-1", "Made by hand"),
        listed("zz-2", None),
    ]
    return plan(
        wanted,
        current,
        remote,
        TinyCatalog(),
        CDN,
        NOW,
        PlanOptions(requests_used=312),
        files={"out/tour.mp4": None},  # deleted since it was saved
    )


# --- the state store ------------------------------------------------------------------------


def project(root: Path, kind: str = "cdnvideo", account: str | None = "acme") -> Project:
    """The least ``Project`` a state store opens: ``root``'s ``.vidspec/state.json``."""
    return Project(
        root=root,
        file=root / "vidspec.yaml",
        provider=ProviderConfig(kind=kind, account=account),
        state_path=root / ".vidspec" / "state.json",
    )


def full_state() -> State:
    """A state holding one of each: a done video with a download, a queued one, a pending."""
    done = replace(
        record("v1", spec(), previous=("v0",)),
        download=DownloadRecord("out/welcome.mp4", 1234, "ab" * 32),
    )
    queued = record("v2", spec(name="Promo"), status=TaskState.QUEUED, age=timedelta(minutes=1))
    pending = PendingRecord(
        address="late",
        action="create",
        spec_hash="sha256:" + "0" * 64,
        spec={"video_name": "Late"},
        started_at=NOW,
        outcome="unknown",
    )
    return (
        State.new(ProviderRef("cdnvideo", "acme"))
        .with_video("welcome", done)
        .with_video("promo", queued)
        .with_pending(pending)
    )
