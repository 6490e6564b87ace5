"""The pure core of ``vidspec import``: applied specs, addresses, matching, the manifest text."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from vidspec.core.errors import UsageError
from vidspec.core.location import SourceLocation
from vidspec.core.videos import RemoteVideo, TaskState
from vidspec.plan.importer import (
    ADDRESS_PATTERN,
    Adoption,
    imported_spec,
    match_videos,
    plan_dump,
    render_manifest,
    slug,
    unique_address,
    written_spec,
)
from vidspec.project.model import Desired, DesiredVideo, spec_hash
from vidspec.project.yamlload import load_yaml
from vidspec.providers.cdnvideo.api import CAPABILITIES as CDN
from vidspec.providers.vidnoz.api import CAPABILITIES as VIDNOZ
from vidspec.state import PendingRecord, ProviderRef, State

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
BODY: dict[str, Any] = {
    "video_name": "Welcome",
    "script": "Hello.",
    "actor": {"name": "Natalia", "version": "4.0.0", "style": "dressshirt", "shot": "waist"},
    "voice": "Sara",
}
LISTED: dict[str, Any] = {  # what CDNvideo's listing reports for BODY
    "video_name": "Welcome",
    "script": "Hello.",
    "actor": {"name": "Natalia", "version": "4.0.0", "shot": "waist"},
    "voice": "Sara",
    "background": "green_screen",
    "emotion": "neutral",
    "composition": {
        "orientation": "horizontal",
        "frame_style": "rectangle",
        "scale": 1.0,
        "crop": 1.0,
        "shift": 0.0,
    },
}


def remote(video_id: str, spec: dict[str, Any] | None = None, **over: Any) -> RemoteVideo:
    fields: dict[str, Any] = {
        "name": (spec or {}).get("video_name"),
        "state": TaskState.DONE,
        "created_at": T0,
        "spec": spec,
    }
    fields.update(over)
    return RemoteVideo(id=video_id, **fields)


def desired(**videos: dict[str, Any]) -> Desired:
    return Desired(
        provider_kind="cdnvideo",
        videos={
            a: DesiredVideo(a, spec, spec_hash(spec), SourceLocation("videos/main.yaml", 1, 1))
            for a, spec in videos.items()
        },
    )


def empty_state() -> State:
    return State.new(ProviderRef("cdnvideo", "acme"))


# --- the applied spec -----------------------------------------------------------------------


def test_a_remote_like_the_manifest_records_the_manifest_exactly() -> None:
    assert imported_spec(LISTED, BODY, CDN) == BODY


def test_reported_differences_win_and_unreported_fields_come_from_the_manifest() -> None:
    listed = {**LISTED, "emotion": "good", "actor": {**LISTED["actor"], "version": "1.0.0"}}
    spec = imported_spec(listed, BODY, CDN)
    assert spec["emotion"] == "good"
    assert spec["actor"] == {
        "name": "Natalia",
        "version": "1.0.0",
        "style": "dressshirt",  # not reported: the manifest's
        "shot": "waist",
    }


def test_a_manifest_latest_version_is_kept() -> None:
    body = {**BODY, "actor": {**BODY["actor"], "version": "latest"}}
    assert imported_spec(LISTED, body, CDN)["actor"]["version"] == "latest"


def test_numbers_and_colours_compare_as_the_service_does() -> None:
    body = {**BODY, "composition": {"frame_style": "circle", "border_color": "#aabbcc"}}
    listed = {
        **LISTED,
        "composition": {
            "frame_style": "circle",
            "border_color": "#AABBCC",
            "orientation": "horizontal",
        },
    }
    assert imported_spec(listed, body, CDN)["composition"] == body["composition"]


def test_without_a_manifest_the_reported_spec_less_the_defaults_is_recorded() -> None:
    assert imported_spec(LISTED, None, CDN) == {
        "video_name": "Welcome",
        "script": "Hello.",
        "actor": {"name": "Natalia", "version": "4.0.0", "shot": "waist"},
        "voice": "Sara",
    }


def test_a_listing_that_reports_nothing_records_the_manifest() -> None:
    body = {"name": "Hi", "avatar": {"id": 7}, "voice": {"tts": {"id": "v", "text": "Hi"}}}
    assert imported_spec(None, body, VIDNOZ) == body
    assert imported_spec(None, None, VIDNOZ) == {}


def test_written_spec_spells_out_what_the_project_defaults_would_change() -> None:
    project_defaults = {"emotion": "good", "voice": "Sara", "lifecycle": {"prevent_destroy": True}}
    written = written_spec(LISTED, CDN, project_defaults)
    assert written == {
        "video_name": "Welcome",
        "script": "Hello.",
        "actor": {"name": "Natalia", "version": "4.0.0", "shot": "waist"},
        "emotion": "neutral",  # the project says good: the video's own value is written
    }
    assert list(written) == ["video_name", "script", "actor", "emotion"]


# --- addresses ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Welcome to Acme!", "welcome_to_acme"),
        ("Привет, мир!", "privet_mir"),
        ("Съёмка №5", "semka_no5"),
        ("Café crème", "cafe_creme"),
        ("intro_v1.2", "intro_v1_2"),
        ("日本語", ""),
        ("  --  ", ""),
    ],
)
def test_slug(name: str, expected: str) -> None:
    assert slug(name) == expected


def test_a_long_name_makes_a_short_valid_address() -> None:
    made = slug("A very " * 30)
    assert len(made) <= 64
    assert ADDRESS_PATTERN.fullmatch(made)
    assert not made.endswith("_")


def test_unique_address_counts_up() -> None:
    assert unique_address("intro", set()) == "intro"
    assert unique_address("intro", {"intro", "intro_2"}) == "intro_3"


# --- import --all ---------------------------------------------------------------------------


def test_plan_dump_names_and_skips() -> None:
    state = empty_state().with_pending(
        PendingRecord("promo", "create", spec_hash(BODY), BODY, T0 - timedelta(minutes=1))
    )
    videos = [
        remote("b-second", {**LISTED, "script": "Two."}, created_at=T0 + timedelta(seconds=2)),
        remote("a-first", {**LISTED, "video_name": "Other", "script": "One."}),
        remote("claimed", LISTED),  # what the pending create of promo may have made
        remote("failed", {**LISTED, "script": "Broken."}, state=TaskState.FAILED),
        remote("no-script", {k: v for k, v in LISTED.items() if k != "script"}, name="Mute"),
    ]
    dump = plan_dump(videos, state, {"welcome"}, CDN, {})
    assert [(e.address, e.video.id) for e in dump.entries] == [
        ("other", "a-first"),
        ("welcome_2", "b-second"),
    ]
    reasons = {s.video.id: s.reason for s in dump.skipped}
    assert reasons["claimed"].startswith("may be the result of the create pending for promo")
    assert reasons["failed"] == "the task failed; it is not a video"
    assert "'script' is a required property" in reasons["no-script"]


def test_plan_dump_refuses_a_listing_without_settings() -> None:
    with pytest.raises(UsageError, match="Vidnoz's listing reports no video settings"):
        plan_dump([remote("x", None, name="X")], empty_state(), (), VIDNOZ, {})


@pytest.mark.parametrize(
    "text",
    ["yes", "123", "1.0", "# not a comment", "key: value", "  leading", "a\nb\n", "a\n\nb", "ü"],
)
def test_the_manifest_reads_back_exactly(tmp_path: Path, text: str) -> None:
    spec = {**BODY, "script": text, "video_name": text}
    entries = [
        Adoption("true", remote("id-1"), spec),
        Adoption("123", remote("id-2"), {**spec, "voice": "null"}),
    ]
    path = tmp_path / "m.yaml"
    path.write_text(render_manifest(entries, provider="cdnvideo", written_at=T0))
    read = load_yaml(path).value
    assert read == {"videos": {"true": spec, "123": {**spec, "voice": "null"}}}


# --- import --match -------------------------------------------------------------------------


def test_one_video_wanted_by_two_addresses_is_ambiguous_for_both() -> None:
    result = match_videos(desired(a=BODY, b=BODY), empty_state(), [remote("v", LISTED)], CDN)
    assert result.matched == ()
    assert [(x.address, x.others) for x in result.ambiguous] == [("a", ("b",)), ("b", ("a",))]


def test_a_video_the_listing_gives_no_name_can_still_match_by_settings() -> None:
    result = match_videos(desired(a=BODY), empty_state(), [remote("v", LISTED, name=None)], CDN)
    assert [(m.address, m.video.id) for m in result.matched] == [("a", "v")]


def test_match_needs_evidence_and_the_same_settings() -> None:
    other_script = remote("v", {**LISTED, "script": "Bye."})
    result = match_videos(desired(a=BODY), empty_state(), [other_script], CDN)
    assert result.not_found == ("a",)
