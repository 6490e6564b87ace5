"""``GET /videos``: window, paging, sort, fields, id, and the in-progress setting."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import requests

from vidspec.core.clock import ManualClock
from vidspec.emulator import EmulatorServer

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
BASE_KEYS = {"id", "video_url", "duration", "resolution", "date"}


def listing(session: requests.Session, account_url: str, **params: Any) -> Any:
    answer = session.get(f"{account_url}/videos", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def error(session: requests.Session, account_url: str, **params: Any) -> tuple[int, Any]:
    answer = session.get(f"{account_url}/videos", params=params)
    return answer.status_code, answer.json()


@pytest.fixture
def five(emulator: EmulatorServer) -> list[str]:
    """Five processed videos made one minute apart from T0 - 10 min; ids in creation order."""
    ids = []
    for minute in range(5):
        record = emulator.world.add_video(
            id=f"0000000{minute}-0000-4000-8000-000000000000",
            created_at=T0 - timedelta(minutes=10 - minute, seconds=-7),
            video_name=f"video {minute}",
            duration=10.0 + (minute % 2),
        )
        ids.append(record.id)
    return ids


def test_items_have_the_documented_keys(
    emulator: EmulatorServer, session: requests.Session, account_url: str, five: list[str]
) -> None:
    items = listing(session, account_url)
    assert isinstance(items, list)
    first = items[0]
    assert set(first) == BASE_KEYS
    assert first["id"] == five[-1]
    assert first["date"] == "2026-11-02T08:54:07Z"
    assert first["resolution"] == "HD"
    assert first["duration"] == 10.0
    assert first["video_url"].startswith(f"{emulator.root_url}/files/{five[-1]}.mp4?sig=")


def test_default_sort_is_newest_first(
    session: requests.Session, account_url: str, five: list[str]
) -> None:
    assert [v["id"] for v in listing(session, account_url)] == five[::-1]


def test_sort_ascending_and_by_other_fields_with_id_tie_break(
    session: requests.Session, account_url: str, five: list[str]
) -> None:
    assert [v["id"] for v in listing(session, account_url, sort="+date")] == five
    assert [v["id"] for v in listing(session, account_url, sort="date")] == five
    by_duration = [v["id"] for v in listing(session, account_url, sort="-duration")]
    assert by_duration == [five[1], five[3], five[0], five[2], five[4]]
    by_name = [v["id"] for v in listing(session, account_url, sort="-video_name")]
    assert by_name == five[::-1]  # sorts on a field that was not asked for


def test_paging_with_offset_and_limit(
    session: requests.Session, account_url: str, five: list[str]
) -> None:
    pages = [
        [v["id"] for v in listing(session, account_url, sort="+date", offset=o, limit=2)]
        for o in (0, 2, 4, 6)
    ]
    assert pages == [five[0:2], five[2:4], five[4:5], []]


def test_default_limit_is_100_and_max_1000(
    emulator: EmulatorServer, session: requests.Session, account_url: str
) -> None:
    for _ in range(101):
        emulator.world.add_video()
    assert len(listing(session, account_url)) == 100
    assert len(listing(session, account_url, limit=1000)) == 101
    assert error(session, account_url, limit=1001) == (
        400,
        {"status": "ERROR", "message": "bad limit: '1001', expected an integer 1..1000"},
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "0"}, "bad limit: '0', expected an integer 1..1000"),
        ({"limit": "ten"}, "bad limit: 'ten', expected an integer 1..1000"),
        ({"offset": "-1"}, "bad offset: '-1', expected an integer >= 0"),
        ({"fields": "shot,colour"}, "unknown field: colour"),
        (
            {"sort": "-colour"},
            "bad sort: '-colour', expected [+-]field with field one of id, duration, "
            "resolution, date, background, shot, script, voice_name, actor_name, "
            "model_version, video_name, emotion, orientation, crop, shift, scale",
        ),
    ],
)
def test_bad_query_parameters_are_400(
    session: requests.Session, account_url: str, params: dict[str, str], message: str
) -> None:
    assert error(session, account_url, **params) == (400, {"status": "ERROR", "message": message})


def test_window_start_inclusive_end_exclusive(
    session: requests.Session, account_url: str, five: list[str]
) -> None:
    # five[1] was made at 08:51:07, five[3] at 08:53:07.
    ids = [
        v["id"]
        for v in listing(
            session,
            account_url,
            start="2026-11-02T08:51:00+00",
            end="2026-11-02T08:53:00+00",
            sort="+date",
        )
    ]
    assert ids == five[1:3]
    assert listing(session, account_url, end="2026-11-02T08:50:00+00") == []
    assert len(listing(session, account_url, start="2026-11-02T08:50:00+00")) == 5


def test_window_bounds_are_exact_to_the_minute(
    emulator: EmulatorServer, session: requests.Session, account_url: str
) -> None:
    at_minute = emulator.world.add_video(created_at=T0)
    emulator.world.add_video(created_at=T0 - timedelta(microseconds=1))
    ids = [v["id"] for v in listing(session, account_url, start="2026-11-02T09:00:00+00")]
    assert ids == [at_minute.id]
    before = listing(session, account_url, end="2026-11-02T09:00:00+00")
    assert len(before) == 1 and before[0]["id"] != at_minute.id


@pytest.mark.parametrize(
    "raw",
    [
        "2026-11-02T09:00:30+00",
        "2026-11-02T09:00:00Z",
        "2026-11-02 09:00:00+00",
        "2026-11-02T09:00+00",
        "2026-11-02",
        "2026-13-02T09:00:00+00",
        "2026-11-02T09:00:00+03",
    ],
)
def test_bad_date_format_is_400(session: requests.Session, account_url: str, raw: str) -> None:
    status, doc = error(session, account_url, start=raw)
    assert status == 400
    assert doc["status"] == "ERROR"
    assert doc["message"].startswith(f"bad date format for start: {raw!r}")


def test_unencoded_plus_is_a_bad_date(session: requests.Session, account_url: str) -> None:
    answer = session.get(f"{account_url}/videos?end=2026-11-02T09:00:00+00")
    assert answer.status_code == 400
    assert "send + as %2B" in answer.json()["message"]


def test_fields_add_the_asked_extras(
    emulator: EmulatorServer, session: requests.Session, account_url: str
) -> None:
    emulator.world.add_video(
        background="globe",
        circle={"location": "upperright", "border_color": "#000000", "background_color": "#FFFFFF"},
        frame_style="circle",
        scale=None,
        crop=None,
        shift=None,
    )
    emulator.world.add_video(created_at=T0 - timedelta(hours=1))
    fields = (
        "background,shot,script,voice_name,actor_name,model_version,video_name,emotion,"
        "orientation,crop,shift,scale,circle"
    )
    circled, plain = listing(session, account_url, fields=fields)
    assert set(circled) == BASE_KEYS | set(fields.split(","))
    assert circled["circle"] == {
        "location": "upperright",
        "border_color": "#000000",
        "background_color": "#FFFFFF",
    }
    assert (circled["scale"], circled["crop"], circled["shift"]) == (None, None, None)
    assert plain["circle"] == {"location": None, "border_color": None, "background_color": None}
    assert {k: plain[k] for k in ("background", "shot", "actor_name", "model_version")} == {
        "background": "green_screen",
        "shot": "waist",
        "actor_name": "Natalia",
        "model_version": "4.0.0",
    }
    assert (plain["orientation"], plain["scale"], plain["crop"], plain["shift"]) == (
        "horizontal",
        1.0,
        1.0,
        0.0,
    )
    assert (plain["voice_name"], plain["emotion"], plain["video_name"]) == ("Sara", "neutral", None)
    only = listing(session, account_url, fields=" shot , ,background")[0]
    assert set(only) == BASE_KEYS | {"shot", "background"}


def test_created_video_reports_what_was_asked(
    session: requests.Session, account_url: str, clock: ManualClock
) -> None:
    spec = {
        "script": "Hello there",
        "actor": {"name": "Natalia", "version": "latest", "shot": "waist"},
        "voice": "Alena",
        "emotion": "good",
        "background": "globe",
        "video_name": "Hi",
        "composition": {"orientation": "vertical", "scale": 0.8, "crop": 0.5, "shift": 0.25},
    }
    video_id = session.post(f"{account_url}/generate", json=spec).json()["id"]
    clock.advance(5)
    fields = "background,voice_name,model_version,video_name,emotion,orientation,crop,shift,scale"
    item = listing(session, account_url, fields=fields, id=video_id)[0]
    assert {k: v for k, v in item.items() if k not in BASE_KEYS} == {
        "background": "globe",
        "voice_name": "Alena",
        "model_version": "4.0.0",
        "video_name": "Hi",
        "emotion": "good",
        "orientation": "vertical",
        "crop": 0.5,
        "shift": 0.25,
        "scale": 0.8,
    }
    assert item["duration"] == pytest.approx(len("Hello there") / 14)
    assert item["date"] == "2026-11-02T09:00:00Z"


def test_id_picks_one_video(session: requests.Session, account_url: str, five: list[str]) -> None:
    assert [v["id"] for v in listing(session, account_url, id=five[2])] == [five[2]]
    assert listing(session, account_url, id="00000000-dead-4000-8000-000000000000") == []


def test_in_progress_tasks_hidden_by_default(
    session: requests.Session, account_url: str, clock: ManualClock
) -> None:
    spec = {"script": "Hi", "actor": {"name": "Natalia", "shot": "waist"}, "voice": "Sara"}
    video_id = session.post(f"{account_url}/generate", json=spec).json()["id"]
    assert listing(session, account_url) == []
    clock.advance(5)
    assert [v["id"] for v in listing(session, account_url)] == [video_id]
    assert "status" not in listing(session, account_url)[0]


def test_in_progress_tasks_listed_with_status_when_on(
    emulator: EmulatorServer, session: requests.Session, account_url: str, clock: ManualClock
) -> None:
    emulator.configure(list_in_progress=True)
    spec = {"script": "Hi", "actor": {"name": "Natalia", "shot": "waist"}, "voice": "Sara"}
    queued = session.post(f"{account_url}/generate", json=spec).json()["id"]
    clock.advance(2)
    canceled = session.post(f"{account_url}/generate", json=spec).json()["id"]
    session.delete(f"{account_url}/tasks/{canceled}")
    later = session.post(f"{account_url}/generate", json=spec).json()["id"]
    items = {v["id"]: v for v in listing(session, account_url)}
    assert set(items) == {queued, later}
    assert (items[queued]["status"], items[later]["status"]) == ("processing", "in_queue")
    assert items[queued]["video_url"] is None
    clock.advance(5)
    items = {v["id"]: v for v in listing(session, account_url)}
    assert set(items) == {queued, later}
    assert all("status" not in v and v["video_url"] for v in items.values())


@pytest.mark.parametrize("sort", ["-date", "+date"])
@pytest.mark.parametrize("in_queue", [False, True])
def test_pages_follow_one_order_with_ties_and_tasks_in_queue(
    emulator: EmulatorServer, session: requests.Session, account_url: str, sort: str, in_queue: bool
) -> None:
    # Pages are slices of the order kept as videos are made (or a walk past what is not
    # listed): either way, the pages joined are the whole order, ties by id ascending.
    world = emulator.world
    made = []
    for n in range(17):
        moment = T0 - timedelta(minutes=5 - n // 4)  # groups of four share an instant
        made.append(
            world.add_video(id=f"{(n * 7) % 17:08d}-0000-4000-8000-000000000000", created_at=moment)
        )
    if in_queue:
        world.add_video(status="in_queue")
    expected = sorted(made, key=lambda r: r.id)
    expected.sort(key=lambda r: r.created_at, reverse=sort == "-date")
    pages = [listing(session, account_url, sort=sort, limit=3, offset=o) for o in range(0, 18, 3)]
    assert [item["id"] for page in pages for item in page] == [r.id for r in expected]
