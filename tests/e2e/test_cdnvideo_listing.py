"""Listing: paging cost, in-progress tasks listed or not, and items mapped to ``RemoteVideo``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from vidspec.core.clock import ManualClock
from vidspec.core.videos import TaskState
from vidspec.emulator import EmulatorServer, EmulatorSettings
from vidspec.http.client import HttpPolicy
from vidspec.plan.cost import refresh_requests
from vidspec.providers.cdnvideo.api import API, CAPABILITIES
from vidspec.providers.cdnvideo.listing import listing_params, parse_time, spec_of, task_state
from vidspec.providers.cdnvideo.provider import CdnvideoProvider

SPEC = {
    "script": "Hello! This is the text I am speaking.",
    "actor": {"name": "Natalia", "version": "4.0.0", "shot": "waist"},
    "voice": "Sara",
}
LIST_PATH = "/app/th-api/v1/accounts/acme/videos"


@pytest.fixture
def emulator_settings() -> EmulatorSettings:
    return EmulatorSettings(token="t", seed=3)


@pytest.fixture
def provider(emulator: EmulatorServer, clock: ManualClock) -> Iterator[CdnvideoProvider]:
    client = CdnvideoProvider(
        account="acme",
        base_url=emulator.base_url,
        token="t",
        clock=clock,
        policy=HttpPolicy(retries=2, backoff_jitter=0.0),
        trust_env=False,
    )
    yield client
    client.close()


def _list_calls(server: EmulatorServer) -> int:
    return sum(1 for e in server.request_log if e[1] == LIST_PATH)


@pytest.mark.parametrize("count", [0, 1, 999, 1000, 2500])
def test_a_plan_costs_one_catalog_call_and_one_list_call_per_page(provider, emulator, count):
    world = emulator.world
    ids = {world.add_video(video_name=f"v{i}").id for i in range(count)}
    provider.catalog()
    videos = provider.list_videos()
    assert {v.id for v in videos} == ids and len(videos) == count
    # The listing has no total: a full last page costs one more (empty) call to be sure.
    assert _list_calls(emulator) == count // API.list_page_size + 1
    assert provider.ledger.total == 1 + count // API.list_page_size + 1
    # ... which is what a plan's cost line counts for the refresh
    assert provider.ledger.total == refresh_requests(count, provider.capabilities)
    if count % API.list_page_size:  # the usual case: 1 + ceil(N / page)
        assert provider.ledger.total == 1 + -(-count // API.list_page_size)


def test_each_page_asks_the_largest_page_oldest_first_and_only_the_needed_fields(clock):
    params = listing_params(2000, clock.now())
    assert params == {
        "start": "2026-10-02T09:00:00+00",
        "offset": 2000,
        "limit": 1000,
        "sort": "+date",
        "fields": "actor_name,model_version,shot,voice_name,background,emotion,script,"
        "video_name,orientation,scale,crop,shift,circle",
    }


@pytest.mark.parametrize("in_progress", [False, True])
def test_tasks_in_progress_are_listed_with_their_state_or_not_at_all(
    provider, emulator, clock, in_progress
):
    emulator.configure(list_in_progress=in_progress, queue_seconds=1.0, processing_seconds=4.0)
    first = provider.create(SPEC)
    clock.advance(2)  # first: processing
    second = provider.create(SPEC)  # second: in the queue
    states = {v.id: v.state for v in provider.list_videos()}
    if in_progress:
        assert states == {first: TaskState.RUNNING, second: TaskState.QUEUED}
    else:
        assert states == {}
    clock.advance(10)
    done = provider.list_videos()
    assert {v.id: v.state for v in done} == {first: TaskState.DONE, second: TaskState.DONE}
    assert all(v.url for v in done)


def test_a_listed_item_becomes_a_remote_video_with_a_request_shaped_spec(provider, emulator):
    created = datetime(2026, 11, 1, 8, 30, 15, tzinfo=timezone.utc)
    emulator.world.add_video(
        id="0b7e7c52-1c1e-4b8e-9a59-000000000001",
        created_at=created,
        script="Привет!",
        actor_name="Ivan",
        model_version="2.0.0",
        style="suit",
        shot="full",
        size="HD",
        voice_name="Filipp",
        emotion="strict",
        background="office",
        video_name="Ivan speaks",
        orientation="vertical",
        scale=0.8,
        crop=0.9,
        shift=-0.5,
        duration=12.5,
    )
    (video,) = provider.list_videos()
    assert video.id == "0b7e7c52-1c1e-4b8e-9a59-000000000001" and video.name == "Ivan speaks"
    assert video.state is TaskState.DONE
    assert video.created_at == created
    assert video.duration == 12.5 and video.resolution == "HD"
    assert video.url and "/files/0b7e7c52-1c1e-4b8e-9a59-000000000001.mp4" in video.url
    assert video.spec == {
        "script": "Привет!",
        "actor": {"name": "Ivan", "version": "2.0.0", "shot": "full"},
        "voice": "Filipp",
        "emotion": "strict",
        "background": "office",
        "video_name": "Ivan speaks",
        "composition": {
            "orientation": "vertical",
            "frame_style": "rectangle",
            "scale": 0.8,
            "crop": 0.9,
            "shift": -0.5,
        },
    }


def test_a_circle_video_is_reported_in_the_composition_form(provider, emulator, clock):
    provider.create({**SPEC, "composition": {"frame_style": "circle", "location": "upperright"}})
    clock.advance(10)
    (video,) = provider.list_videos()
    assert video.spec is not None
    assert video.spec["composition"] == {
        "orientation": "horizontal",
        "frame_style": "circle",
        "location": "upperright",
        "background_color": "#FFFFFF",
        "border_color": "#000000",
    }
    assert "circle" not in video.spec and video.name is None


def test_every_path_a_listing_reports_is_declared_in_the_capabilities(provider, emulator, clock):
    provider.create({**SPEC, "video_name": "n"})
    provider.create({**SPEC, "composition": {"frame_style": "circle"}})
    clock.advance(10)

    def leaves(node: object, prefix: str = "") -> set[str]:
        if not isinstance(node, dict):
            return {prefix}
        return {
            p
            for k, v in node.items()
            for p in leaves(v, f"{prefix}{k}" if not prefix else f"{prefix}.{k}")
        }

    reported = set().union(*(leaves(dict(v.spec or {})) for v in provider.list_videos()))
    assert reported <= set(CAPABILITIES.listing_fields)
    assert set(CAPABILITIES.listing_fields) - reported <= {
        "composition.scale",
        "composition.crop",
        "composition.shift",
        "composition.location",
        "composition.background_color",
        "composition.border_color",
    }  # each video reports either the rectangle's or the circle's keys


def test_expired_videos_drop_out_of_the_listing(provider, emulator, clock):
    emulator.world.add_video(id="0b7e7c52-1c1e-4b8e-9a59-0000000000aa")
    clock.advance(31 * 24 * 3600)
    emulator.world.add_video(id="0b7e7c52-1c1e-4b8e-9a59-0000000000bb")
    assert [v.id for v in provider.list_videos()] == ["0b7e7c52-1c1e-4b8e-9a59-0000000000bb"]


@pytest.mark.parametrize(
    ("raw", "state"),
    [
        (None, TaskState.DONE),
        ("in_queue", TaskState.QUEUED),
        ("IN_QUEUE", TaskState.QUEUED),
        ("Processing", TaskState.RUNNING),
        ("processed", TaskState.DONE),
        ("CANCELED", TaskState.CANCELED),
        ("canceled", TaskState.CANCELED),
        ("error", TaskState.FAILED),
        ("", TaskState.FAILED),
    ],
)
def test_task_states_are_normalised_without_case(raw, state):
    assert task_state(raw) is state


def test_dates_in_the_forms_the_page_uses_are_read_as_utc():
    utc = timezone.utc
    assert parse_time("2022-06-15T21:32:53Z") == datetime(2022, 6, 15, 21, 32, 53, tzinfo=utc)
    assert parse_time("2020-02-11T12:30:00+00") == datetime(2020, 2, 11, 12, 30, tzinfo=utc)
    assert parse_time("2020-02-11T15:30:00+03:00") == datetime(2020, 2, 11, 12, 30, tzinfo=utc)
    assert parse_time("yesterday") is None and parse_time(None) is None


def test_null_fields_and_an_empty_circle_are_left_out_of_the_spec():
    item = {"id": "x", "video_name": None, "scale": None, "circle": {"location": None}}
    assert spec_of(item) == {"composition": {"frame_style": "rectangle"}}
    assert spec_of({"id": "x"}) is None


def test_the_window_reaches_back_past_the_oldest_video_that_can_still_exist():
    now = datetime(2026, 3, 1, 0, 0, 59, tzinfo=timezone.utc)
    assert listing_params(0, now)["start"] == "2026-01-29T00:00:00+00"  # seconds always 00
    assert API.list_window >= CAPABILITIES.retention + timedelta(days=1)


def test_since_lists_from_its_minute_on_in_one_page(provider, emulator, clock):
    # apply's polling: 2500 older videos, 3 new ones; one call, only the new ones (and any
    # made in the same minute before them: `start` has no seconds).
    world = emulator.world
    old = clock.now() - timedelta(hours=1)
    for i in range(2500):
        world.add_video(video_name=f"old {i}", created_at=old)
    since = clock.now()
    new = {world.add_video(video_name=f"new {i}", created_at=since).id for i in range(3)}
    videos = provider.list_videos(since=since)
    assert {v.id for v in videos} == new
    assert _list_calls(emulator) == 1
    params = listing_params(0, clock.now(), since)
    assert params["start"] == since.replace(second=0).strftime(API.list_date_format)
