"""Task life, quota and expiry on the emulator's clock; persistence between runs."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
import requests

from vidspec.core.clock import ManualClock
from vidspec.emulator import EmulatorServer, EmulatorSettings, serve
from vidspec.emulator.common.store import StoreError
from vidspec.providers.base import Rate

SPEC = {
    "script": "a" * 420,  # 30 seconds: half a quota minute
    "actor": {"name": "Natalia", "version": "4.0.0", "shot": "waist"},
    "voice": "Sara",
}


def task(session: requests.Session, account_url: str, video_id: str) -> dict[str, object]:
    answer = session.get(f"{account_url}/tasks/{video_id}")
    assert answer.status_code == 200
    task: dict[str, object] = answer.json()["task"]
    return task


def test_task_goes_queue_processing_processed_on_the_clock(
    session: requests.Session, account_url: str, clock: ManualClock
) -> None:
    video_id = session.post(f"{account_url}/generate", json=SPEC).json()["id"]
    seen = []
    for step in (0.0, 0.999, 0.001, 3.999, 0.001):
        clock.advance(step)
        current = task(session, account_url, video_id)
        seen.append((current["status"], current["attempts"]))
    assert seen == [
        ("in_queue", 0),
        ("in_queue", 0),
        ("processing", 1),
        ("processing", 1),
        ("processed", 1),
    ]
    assert task(session, account_url, video_id)["message"] == "success"


def test_cancel_while_processing_keeps_the_attempt(
    session: requests.Session, account_url: str, clock: ManualClock
) -> None:
    video_id = session.post(f"{account_url}/generate", json=SPEC).json()["id"]
    clock.advance(2)
    assert session.delete(f"{account_url}/tasks/{video_id}").status_code == 200
    clock.advance(100)
    current = task(session, account_url, video_id)
    assert (current["status"], current["attempts"]) == ("CANCELED", 1)


def test_quota_is_spent_on_completion_not_on_cancel(
    emulator: EmulatorServer, session: requests.Session, account_url: str, clock: ManualClock
) -> None:
    done = session.post(f"{account_url}/generate", json=SPEC).json()["id"]
    canceled = session.post(f"{account_url}/generate", json=SPEC).json()["id"]
    session.delete(f"{account_url}/tasks/{canceled}")

    def quota_left() -> float:
        left: float = session.get(f"{account_url}/configurations").json()["quota"]["left"]
        return left

    assert quota_left() == 544.0
    clock.advance(5)
    assert quota_left() == pytest.approx(543.5)
    assert emulator.world.quota_left == pytest.approx(543.5)
    assert task(session, account_url, done)["status"] == "processed"


def test_create_beyond_the_quota_is_refused(clock: ManualClock) -> None:
    settings = EmulatorSettings(token="t", quota_limit=10.0, quota_left=0.75)
    with serve(settings, clock=clock) as server, requests.Session() as http:
        http.headers["CDN-AUTH-TOKEN"] = "t"
        url = f"{server.base_url}/accounts/acme/generate"
        assert http.post(url, json=SPEC).status_code == 202  # 0.5 of 0.75, reserved
        refused = http.post(url, json=SPEC)  # in-flight minutes count against what is left
        assert refused.status_code == 403
        assert refused.json() == {
            "status": "ERROR",
            "message": "not enough quota: the video needs 0.50 minutes, 0.25 left",
        }
        clock.advance(5)
        assert server.world.quota_left == pytest.approx(0.25)
        assert http.post(url, json=SPEC).status_code == 403
        assert len(server.world.videos) == 1


def test_videos_are_gone_after_thirty_days(
    emulator: EmulatorServer, session: requests.Session, account_url: str, clock: ManualClock
) -> None:
    video_id = session.post(f"{account_url}/generate", json=SPEC).json()["id"]
    clock.advance(5)
    url = session.get(f"{account_url}/videos/{video_id}/download").json()["url"]
    clock.advance(30 * 86400 - 6)
    assert [v["id"] for v in session.get(f"{account_url}/videos").json()] == [video_id]
    clock.advance(1)
    assert session.get(f"{account_url}/videos").json() == []
    for answer in (
        session.get(f"{account_url}/tasks/{video_id}"),
        session.get(f"{account_url}/videos/{video_id}/download"),
    ):
        assert answer.status_code == 404
        assert answer.json()["message"] == "no such video"
    assert requests.get(url).status_code in (403, 404)  # link expired, file gone
    assert video_id not in emulator.world.videos


def test_world_helpers_change_what_the_api_reports(
    emulator: EmulatorServer, session: requests.Session, account_url: str, clock: ManualClock
) -> None:
    old = emulator.world.add_video(
        video_name="Made outside", created_at=clock.now() - timedelta(days=2)
    )
    listed = session.get(f"{account_url}/videos", params={"fields": "video_name"}).json()
    assert listed[0]["id"] == old.id and listed[0]["video_name"] == "Made outside"
    emulator.world.rename(old.id, "Renamed outside")
    listed = session.get(f"{account_url}/videos", params={"fields": "video_name"}).json()
    assert listed[0]["video_name"] == "Renamed outside"
    emulator.world.delete(old.id)
    assert session.get(f"{account_url}/videos").json() == []


def test_persistence_round_trip(tmp_path: Path, clock: ManualClock) -> None:
    settings = EmulatorSettings(token="t", data_dir=tmp_path, post_limit=Rate(10, 1.0))
    with serve(settings, clock=clock) as server, requests.Session() as http:
        http.headers["CDN-AUTH-TOKEN"] = "t"
        base = f"{server.base_url}/accounts/acme"
        kept = http.post(f"{base}/generate", json=SPEC).json()["id"]
        renamed = http.post(f"{base}/generate", json=SPEC).json()["id"]
        deleted = http.post(f"{base}/generate", json=SPEC).json()["id"]
        clock.advance(5)
        http.patch(f"{base}/videos/{renamed}", json={"video_name": "Kept name"})
        http.delete(f"{base}/videos/{deleted}")
        before = http.get(f"{base}/videos", params={"fields": "video_name,script"}).json()
        requests_before = server.world.requests_this_month
    assert json.loads((tmp_path / "cdnvideo-videos.json").read_text())["format"] == 1

    with serve(settings, clock=clock) as server, requests.Session() as http:
        http.headers["CDN-AUTH-TOKEN"] = "t"
        base = f"{server.base_url}/accounts/acme"
        after = http.get(f"{base}/videos", params={"fields": "video_name,script"}).json()
        for item in before + after:
            item.pop("video_url")  # signed for the server that answered
        assert after == before
        assert {v["id"] for v in after} == {kept, renamed}
        assert server.world.quota_left == pytest.approx(544.0 - 1.5)
        assert server.world.requests_this_month == requests_before + 1


def test_persisted_task_keeps_its_timing(tmp_path: Path, clock: ManualClock) -> None:
    settings = EmulatorSettings(token="t", data_dir=tmp_path)
    with serve(settings, clock=clock) as server:
        record = server.world.add_video(status="in_queue")
    clock.advance(5)
    with serve(settings, clock=clock) as server:
        assert server.world.videos[record.id].status(clock.now()) == "processed"
        assert server.world.quota_left == pytest.approx(544.0 - record.generation.minutes)


def test_corrupt_data_file_is_a_clear_error(tmp_path: Path, clock: ManualClock) -> None:
    (tmp_path / "cdnvideo-videos.json").write_text("{half a file")
    with pytest.raises(StoreError, match=r"cannot read emulator data .*cdnvideo-videos\.json"):
        serve(EmulatorSettings(data_dir=tmp_path), clock=clock)
