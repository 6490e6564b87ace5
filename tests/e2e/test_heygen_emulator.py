"""The HeyGen API v3 emulator over loopback HTTP, as HeyGen documents the service: endpoints,
validation and error answers, paging, statuses on the clock, the limits (jobs at once, request
windows) answered with 429 + ``Retry-After``, ``Idempotency-Key`` replays, presigned links,
persistence and faults.

Every test drives the emulator with plain ``requests`` (the bytes a real client would send)
and moves a ``ManualClock``: nothing sleeps.
"""

from __future__ import annotations

import base64
import contextlib
import json
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from vidspec.emulator import EmulatorServer, EmulatorSettings, serve
from vidspec.providers.base import Rate

KEY = "heygen-emulator-KEY-0042"
ANGELA = "Angela-inTshirt-20220820"  # studio avatar: avatar_iv, avatar_iii
ANGELA_SUIT = "Angela-inSuit-20220820"  # studio avatar: also avatar_v
MIRA = "c3d2e1f0a9b84c7d6e5f4a3b2c1d0e9f"  # photo avatar
SARA = "1bd001e7e50f421d891986aad5158bc8"
PROMO = "4f1c2b3a5d6e7f8091a2b3c4d5e6f708"
WELCOME = "9a8b7c6d5e4f30211203f4e5d6c7b8a9"
BODY: dict[str, Any] = {
    "type": "avatar",
    "avatar_id": ANGELA,
    "script": "Hello and welcome to Acme!",  # 26 characters: about 1.9 s
    "voice_id": SARA,
    "title": "Welcome",
}


@pytest.fixture
def emulator_settings() -> EmulatorSettings:
    return EmulatorSettings(
        provider="heygen", token=KEY, seed=3, queue_seconds=2.0, processing_seconds=4.0
    )


@pytest.fixture
def api(emulator: EmulatorServer) -> Iterator[Api]:
    with Api(emulator.base_url) as client:
        yield client


class Api:
    """A plain HTTP client of the emulator sending the key as ``x-api-key``."""

    def __init__(self, base_url: str, key: str | None = KEY) -> None:
        self.base = base_url
        self.http = requests.Session()
        self.http.trust_env = False
        if key is not None:
            self.http.headers["x-api-key"] = key

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.http.get(self.base + path, params=params, timeout=10)

    def post(self, path: str, body: Any = None, key: str | None = None) -> requests.Response:
        headers = {"Idempotency-Key": key} if key is not None else {}
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
        return self.http.post(self.base + path, data=data, headers=headers, timeout=10)

    def delete(self, path: str) -> requests.Response:
        return self.http.delete(self.base + path, timeout=10)

    def create(self, **changes: Any) -> str:
        answer = self.post("/v3/videos", {**BODY, **changes})
        assert answer.status_code == 200, answer.text
        return str(answer.json()["data"]["video_id"])

    def video(self, video_id: str) -> dict[str, Any]:
        answer = self.get(f"/v3/videos/{video_id}")
        assert answer.status_code == 200, answer.text
        return dict(answer.json()["data"])


def _error(answer: requests.Response, status: int, code: str, param: str | None = None) -> str:
    """Assert HeyGen's error answer; return its message."""
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert error["code"] == code
    assert error.get("param") == param
    assert error["doc_url"].startswith("https://developers.heygen.com/")
    assert answer.headers["X-Request-Id"].startswith("req_")
    return str(error["message"])


# -- auth and routing --------------------------------------------------------------------------


def test_the_key_goes_in_x_api_key_and_nothing_else_gets_in(emulator):
    with Api(emulator.base_url, key=None) as anonymous:
        _error(anonymous.get("/v3/videos"), 401, "unauthorized")
        anonymous.http.headers["x-api-key"] = "wrong"
        _error(anonymous.get("/v3/videos"), 401, "unauthorized")
        del anonymous.http.headers["x-api-key"]
        anonymous.http.headers["Authorization"] = f"Bearer {KEY}"  # an OAuth app's header
        assert anonymous.get("/v3/videos").status_code == 200
    assert emulator.world.count() == 0


def test_a_read_only_key_reads_and_may_not_write(clock):
    settings = EmulatorSettings(provider="heygen", token=KEY, heygen_readonly_token="viewer")
    with serve(settings, clock=clock) as server, Api(server.base_url, "viewer") as ro:
        assert ro.get("/v3/videos").status_code == 200
        _error(ro.post("/v3/videos", BODY), 403, "forbidden")
        assert server.world.count() == 0


def test_unknown_paths_and_methods(api):
    _error(api.get("/v3/nothing"), 404, "not_found")
    _error(
        api.http.patch(api.base + "/v3/videos/abc", json={}, timeout=5), 405, "method_not_allowed"
    )


# -- create and the life of a video -------------------------------------------------------------


def test_create_answers_waiting_then_the_video_lives_on_the_clock(api, emulator, clock):
    answer = api.post("/v3/videos", BODY)
    assert answer.status_code == 200
    data = answer.json()["data"]
    assert data["status"] == "waiting" and data["output_format"] == "mp4"
    video_id = data["video_id"]
    assert len(video_id) == 32 and int(video_id, 16) >= 0
    pending = api.video(video_id)
    assert pending["status"] == "pending" and pending["title"] == "Welcome"
    assert pending["created_at"] == int(clock.now().timestamp())
    assert all(pending[k] is None for k in ("video_url", "completed_at", "duration"))
    assert "failure_code" not in pending and "callback_id" not in pending
    clock.advance(2)
    assert api.video(video_id)["status"] == "processing"
    clock.advance(4)
    done = api.video(video_id)
    assert done["status"] == "completed"
    assert done["completed_at"] == pending["created_at"] + 6
    assert done["duration"] == pytest.approx(26 / 14, abs=0.1)
    for name in ("video_url", "thumbnail_url", "gif_url", "subtitle_url"):
        assert done[name].startswith(emulator.root_url + "/files/")
    assert done["captioned_video_url"] is None  # no captions burned in
    assert emulator.world.wallet_usd == pytest.approx(50 - done["duration"] * 0.10)


def test_without_a_voice_the_look_speaks_its_default_and_test_true_is_still_billed(api, clock):
    # v3 has no test mode: `test` is an unknown field, ignored; the video is real and billed
    video_id = api.create(voice_id=None, test=True)
    clock.advance(6)
    assert api.video(video_id)["status"] == "completed"
    me = api.get("/v3/users/me").json()["data"]
    assert me["billing_type"] == "wallet" and me["wallet"]["currency"] == "usd"
    assert me["wallet"]["remaining_balance"] < 50


def test_a_failing_render_is_failed_with_its_code_and_never_charged(api, emulator, clock):
    video_id = api.create(script="Please FAILME now")
    clock.advance(6)
    video = api.video(video_id)
    assert video["status"] == "failed"
    assert video["failure_code"] == "rendering_failed" and video["failure_message"]
    assert video["video_url"] is None and video["completed_at"] is not None
    assert emulator.world.wallet_usd == 50.0


def test_the_render_fail_rate_fails_renders(api, emulator, clock):
    emulator.configure(heygen_render_fail_rate=1.0)
    video_id = api.create()
    clock.advance(6)
    assert api.video(video_id)["status"] == "failed"


INVALID = [
    ({"type": None}, 400, "invalid_parameter", "type"),
    ({"type": "movie"}, 400, "invalid_parameter", "type"),
    ({"type": "image"}, 400, "invalid_parameter", "type"),
    ({"avatar_id": None}, 400, "invalid_parameter", "avatar_id"),
    ({"avatar_id": 7}, 400, "invalid_parameter", "avatar_id"),
    ({"avatar_id": "Nobody-2020"}, 404, "avatar_not_found", "avatar_id"),
    ({"voice_id": "0" * 32}, 404, "voice_not_found", "voice_id"),
    ({"script": None}, 400, "invalid_parameter", "script"),
    ({"audio_url": "https://example.com/a.mp3"}, 400, "invalid_parameter", "script"),
    ({"script": ""}, 400, "invalid_parameter", "script"),
    ({"script": "x" * 5001}, 400, "invalid_parameter", "script"),
    ({"aspect_ratio": "2:1"}, 400, "invalid_parameter", "aspect_ratio"),
    ({"resolution": "8k"}, 400, "invalid_parameter", "resolution"),
    ({"output_format": "avi"}, 400, "invalid_parameter", "output_format"),
    ({"voice_settings": {"speed": 2}}, 400, "invalid_parameter", "voice_settings.speed"),
    ({"voice_settings": {"pitch": True}}, 400, "invalid_parameter", "voice_settings.pitch"),
    ({"voice_settings": {"volume": -0.1}}, 400, "invalid_parameter", "voice_settings.volume"),
    ({"background": {"type": "color", "value": "red"}}, 400, "invalid_parameter",
     "background.value"),
    ({"background": {"type": "image"}}, 400, "invalid_parameter", "background.url"),
    ({"output_format": "webm", "background": {"type": "color", "value": "#ffffff"}}, 400,
     "invalid_parameter", "background"),
    ({"caption": {"file_format": "vtt"}}, 400, "invalid_parameter", "caption.file_format"),
    ({"engine": {"type": "avatar_v"}}, 400, "invalid_parameter", "engine.type"),
    ({"engine": {"type": "avatar_ii"}}, 400, "invalid_parameter", "engine.type"),
    ({"motion_prompt": "wave"}, 400, "invalid_parameter", "motion_prompt"),
    ({"expressiveness": "high"}, 400, "invalid_parameter", "expressiveness"),
    ({"fit": "stretch"}, 400, "invalid_parameter", "fit"),
    ({"title": 5}, 400, "invalid_parameter", "title"),
    ({"watermark": {"image": {"url": "https://example.com/w.png"}}}, 403, "forbidden", None),
]  # fmt: skip


@pytest.mark.parametrize(("change", "status", "code", "param"), INVALID)
def test_create_refuses_what_the_docs_refuse(api, emulator, change, status, code, param):
    body = {k: v for k, v in {**BODY, **change}.items() if v is not None}
    _error(api.post("/v3/videos", body), status, code, param)
    assert emulator.world.count() == 0


def test_create_takes_what_the_docs_allow(api, emulator):
    allowed = [
        {"audio_url": "https://example.com/a.mp3", "script": None},
        {"avatar_id": ANGELA_SUIT, "engine": {"type": "avatar_v"}, "motion_prompt": "wave"},
        {"avatar_id": MIRA, "expressiveness": "high", "motion_prompt": "nod"},
        {"output_format": "webm", "aspect_ratio": "9:16", "resolution": "4k", "fit": "cover"},
        {"background": {"type": "image", "url": "https://example.com/bg.png"}},
        {"voice_settings": {"speed": 1.5, "pitch": -50, "volume": 0, "locale": "en-GB"}},
        {"caption": {"file_format": "srt", "style": "default"}, "callback_id": "x"},
        {"unknown_field": {"anything": 1}},  # ignored
    ]
    for change in allowed:
        body = {k: v for k, v in {**BODY, **change}.items() if v is not None}
        assert api.post("/v3/videos", body).status_code == 200, change
    assert emulator.world.count() == len(allowed)


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'"text"'])
def test_a_body_that_is_not_a_json_object(api, raw):
    _error(api.post("/v3/videos", raw), 400, "invalid_parameter", "body")


# -- the list and its pages ---------------------------------------------------------------------


def _all_pages(api: Api, **params: Any) -> tuple[list[dict[str, Any]], int]:
    """Every item, following next_token; and the number of requests."""
    items: list[dict[str, Any]] = []
    token = None
    requests_made = 0
    while True:
        query = dict(params, **({"token": token} if token else {}))
        page = api.get("/v3/videos", **query).json()
        requests_made += 1
        items += page["data"]
        if not page["has_more"]:
            assert page["next_token"] is None
            return items, requests_made
        token = page["next_token"]


def test_the_list_pages_newest_first_with_opaque_tokens(api, emulator, clock):
    made = []
    for n in range(5):
        made.append(api.create(title=f"Video {n}"))
        clock.advance(1)
    page = api.get("/v3/videos").json()  # the default limit is 10
    assert [v["id"] for v in page["data"]] == made[::-1]
    assert page["has_more"] is False and page["next_token"] is None
    first = api.get("/v3/videos", limit=2).json()
    assert [v["id"] for v in first["data"]] == made[:2:-1] and first["has_more"] is True
    api.create(title="Made while paging")  # newer: does not shift the pages after the first
    items, count = _all_pages(api, limit=2)
    assert count == 3 and items[0]["title"] == "Made while paging"
    rest = api.get("/v3/videos", limit=2, token=first["next_token"]).json()
    assert [v["id"] for v in rest["data"]] == made[2:0:-1]
    listed = {v["status"] for v in items}
    assert "pending" in listed  # videos still rendering are listed too


def test_the_list_filters_by_title_substring_and_folder(api, emulator):
    api.create(title="Spring offer: Rocket")
    api.create(title="spring OFFER: Boots")
    api.create(title="Autumn")
    emulator.world.add_video(title="In a folder", folder_id="folder_1")
    titles = {v["title"] for v in api.get("/v3/videos", title="Spring Offer").json()["data"]}
    assert titles == {"Spring offer: Rocket", "spring OFFER: Boots"}
    in_folder = api.get("/v3/videos", folder_id="folder_1").json()["data"]
    assert [v["title"] for v in in_folder] == ["In a folder"]
    paged, count = _all_pages(api, title="offer", limit=1)
    assert len(paged) == 2 and count == 2


@pytest.mark.parametrize("limit", ["0", "101", "ten", "-1"])
def test_a_limit_out_of_range_is_refused(api, limit):
    message = _error(api.get("/v3/videos", limit=limit), 400, "invalid_parameter", "limit")
    assert message == "limit must be between 1 and 100"


def test_a_token_the_api_did_not_give_is_refused(api):
    bogus = base64.urlsafe_b64encode(b'{"x": 1}').decode()
    for token in ("not-base64!", bogus):
        _error(api.get("/v3/videos", token=token), 400, "invalid_parameter", "token")


# -- bulk statuses ------------------------------------------------------------------------------


def test_bulk_statuses_speak_their_own_vocabulary(api, emulator, clock):
    done = api.create()
    failed = api.create(script="FAILME please")
    clock.advance(3)
    running = api.create()
    clock.advance(3)
    queued = api.create()  # now: done and failed ended, running processing, queued pending
    ids = [done, running, failed, queued, "0" * 32]
    answer = api.get("/v3/videos/statuses", video_ids=",".join(ids), batch_ids="batch_1")
    assert answer.status_code == 200
    page = answer.json()
    assert page["has_more"] is False and page["next_token"] is None
    by_id = {item["video_id"]: item for item in page["data"] if item["video_id"]}
    assert {i: by_id[i]["status"] for i in ids} == {
        done: "completed",
        running: "processing",
        failed: "failed",
        queued: "queued",
        "0" * 32: "not_found",
    }
    assert by_id[failed]["error"]["code"] == "rendering_failed"
    assert by_id[done]["error"] is None
    batch = [item for item in page["data"] if item["batch_id"] == "batch_1"]
    assert batch == [
        {"video_id": None, "status": "not_found", "error": None, "batch_id": "batch_1",
         "item_index": None}
    ]  # fmt: skip


def test_bulk_statuses_take_up_to_100_ids(api):
    hundred = ",".join(f"{n:032x}" for n in range(100))
    assert len(api.get("/v3/videos/statuses", video_ids=hundred).json()["data"]) == 100
    more = hundred + "," + "f" * 32
    _error(api.get("/v3/videos/statuses", video_ids=more), 400, "invalid_parameter", "video_ids")
    _error(api.get("/v3/videos/statuses"), 400, "invalid_parameter", "video_ids")


# -- delete -------------------------------------------------------------------------------------


def test_delete_removes_the_video_and_its_files(api, emulator, clock):
    video_id = api.create()
    clock.advance(6)
    link = api.video(video_id)["video_url"]
    answer = api.delete(f"/v3/videos/{video_id}")
    assert answer.status_code == 200
    assert answer.json() == {"data": {"id": video_id, "deleted": True}}
    _error(api.get(f"/v3/videos/{video_id}"), 404, "video_not_found")
    _error(api.delete(f"/v3/videos/{video_id}"), 404, "video_not_found")
    gone = requests.get(link, timeout=5)
    assert gone.status_code == 404 and b"<Code>NoSuchKey</Code>" in gone.content


# -- files and links ----------------------------------------------------------------------------


def test_each_get_signs_fresh_links_that_expire(api, emulator, clock):
    video_id = api.create(caption={"style": "default"})
    clock.advance(6)
    first = api.video(video_id)
    clock.advance(10)
    second = api.video(video_id)
    assert first["video_url"] != second["video_url"]  # a new Expires
    video = requests.get(second["video_url"], timeout=5)
    assert video.status_code == 200 and video.headers["Content-Type"] == "video/mp4"
    assert video.content[4:8] == b"ftyp"
    captioned = requests.get(second["captioned_video_url"], timeout=5)
    assert captioned.status_code == 200 and captioned.content != video.content
    subtitle = requests.get(second["subtitle_url"], timeout=5)
    assert subtitle.headers["Content-Type"] == "application/x-subrip"
    clock.advance(7 * 86400 - 5)  # the first link is 7 days old, the second not yet
    old = requests.get(first["video_url"], timeout=5)
    assert old.status_code == 403 and b"<Code>AccessDenied</Code>" in old.content
    assert requests.get(second["video_url"], timeout=5).status_code == 200
    tampered = second["video_url"].replace("Signature=", "Signature=0")
    assert requests.get(tampered, timeout=5).status_code == 403


def test_webm_output_is_served_as_webm(api, clock):
    video_id = api.create(output_format="webm")
    clock.advance(6)
    link = api.video(video_id)["video_url"]
    assert ".webm?" in link
    answer = requests.get(link, timeout=5)
    assert answer.headers["Content-Type"] == "video/webm"
    assert answer.content.startswith(b"\x1a\x45\xdf\xa3")


def test_a_link_to_an_unfinished_video_does_not_exist_yet(api, emulator, clock):
    video_id = api.create()
    clock.advance(6)
    link = api.video(video_id)["video_url"]
    emulator.world.fail(video_id)  # (a test hook) the file is gone with the render
    assert requests.get(link, timeout=5).status_code == 404


# -- limits -------------------------------------------------------------------------------------


def test_more_jobs_at_once_than_allowed_is_429_with_retry_after(api, emulator, clock):
    emulator.configure(heygen_max_concurrent=2)
    first = api.create()
    clock.advance(1)
    api.create()
    refused = api.post("/v3/videos", BODY)
    _error(refused, 429, "rate_limit_exceeded")
    assert refused.headers["Retry-After"] == "5"  # the first job ends 6 s after it began
    assert emulator.world.count() == 2  # refused, not queued
    api.delete(f"/v3/videos/{first}")  # deleting a job still rendering frees its slot
    assert api.post("/v3/videos", BODY).status_code == 200
    _error(api.post("/v3/videos", BODY), 429, "rate_limit_exceeded")
    clock.advance(6)  # both running jobs completed
    assert api.post("/v3/videos", BODY).status_code == 200


def test_the_default_cap_is_ten_jobs_pending_or_processing(api, emulator, clock):
    for _ in range(10):
        api.create()
    _error(api.post("/v3/videos", BODY), 429, "rate_limit_exceeded")
    clock.advance(6)
    assert api.post("/v3/videos", BODY).status_code == 200


def test_request_windows_for_reads_and_writes_hold_at_once(api, emulator, clock):
    # "60 a minute and 1,000 a day" as 3 a second and 5 in 10 seconds
    emulator.configure(
        heygen_read_limits=(Rate(3, 1.0), Rate(5, 10.0)), heygen_write_limits=(Rate(1, 1.0),)
    )
    for _ in range(3):
        assert api.get("/v3/videos").status_code == 200
    refused = api.get("/v3/videos")
    _error(refused, 429, "rate_limit_exceeded")
    assert refused.headers["Retry-After"] == "1"
    assert api.post("/v3/videos", BODY).status_code == 200  # writes have their own window
    _error(api.post("/v3/videos", BODY), 429, "rate_limit_exceeded")
    clock.advance(1)
    assert [api.get("/v3/videos").status_code for _ in range(3)] == [200, 200, 429]
    day = api.get("/v3/videos")  # 5 reads in the last 10 s: the longer window binds
    assert day.status_code == 429 and day.headers["Retry-After"] == "9"
    clock.advance(9)
    assert api.get("/v3/videos").status_code == 200
    assert api.post("/v3/videos", BODY).status_code == 200


def test_a_create_the_wallet_cannot_pay_for_is_402(api, emulator, clock):
    emulator.close()
    settings = EmulatorSettings(provider="heygen", token=KEY, heygen_wallet_usd=0.5)
    with serve(settings, clock=clock) as server, Api(server.base_url) as poor:
        script = "x" * 56  # 4 s: $0.40
        assert poor.post("/v3/videos", {**BODY, "script": script}).status_code == 200
        message = _error(poor.post("/v3/videos", {**BODY, "script": script}), 402,
                         "insufficient_credit")  # fmt: skip
        assert message == "Your account has $0.10 but this video requires $0.40."
        assert server.world.count() == 1


# -- Idempotency-Key ----------------------------------------------------------------------------


def test_a_key_replays_the_first_answer_for_24_hours(api, emulator, clock):
    first = api.post("/v3/videos", BODY, key="vs-key-1")
    assert "Idempotent-Replayed" not in first.headers
    again = api.post("/v3/videos", {**BODY, "title": "slightly different"}, key="vs-key-1")
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert emulator.world.count() == 1
    other = api.post("/v3/videos", BODY, key="vs-key-2")
    assert other.json()["data"]["video_id"] != first.json()["data"]["video_id"]
    clock.advance(24 * 3600 - 1)
    assert api.post("/v3/videos", BODY, key="vs-key-1").json() == first.json()
    clock.advance(1)  # forgotten: the same key now makes a new video
    late = api.post("/v3/videos", BODY, key="vs-key-1")
    assert late.json()["data"]["video_id"] != first.json()["data"]["video_id"]
    assert emulator.world.count() == 3


def test_a_retry_while_the_first_is_in_flight_is_409(api, emulator, clock):
    emulator.configure(heygen_create_seconds=5.0)
    first = api.post("/v3/videos", BODY, key="vs-busy")
    clock.advance(4)
    in_flight = api.post("/v3/videos", BODY, key="vs-busy")
    _error(in_flight, 409, "request_in_progress")
    clock.advance(1)
    assert api.post("/v3/videos", BODY, key="vs-busy").json() == first.json()
    assert emulator.world.count() == 1


def test_only_successes_are_replayed(api, emulator):
    emulator.configure(heygen_max_concurrent=1)
    api.create()
    _error(api.post("/v3/videos", BODY, key="vs-k"), 429, "rate_limit_exceeded")
    _error(api.post("/v3/videos", {**BODY, "script": ""}, key="vs-k2"), 400,
           "invalid_parameter", "script")  # fmt: skip
    emulator.configure(heygen_max_concurrent=10)
    assert api.post("/v3/videos", BODY, key="vs-k").status_code == 200
    assert api.post("/v3/videos", BODY, key="vs-k2").status_code == 200
    assert emulator.world.count() == 3


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "semi;colon"])
def test_a_malformed_key_is_refused(api, emulator, key):
    _error(api.post("/v3/videos", BODY, key=key), 400, "invalid_parameter", "Idempotency-Key")
    assert emulator.world.count() == 0


def test_keys_are_scoped_by_endpoint_and_path(api, emulator):
    video = api.post("/v3/videos", BODY, key="vs-same").json()["data"]
    variables = {"first_name": {"type": "text", "properties": {"content": "Bo"}}}
    promo = api.post(f"/v3/templates/{WELCOME}", {"variables": variables}, key="vs-same")
    assert promo.status_code == 200 and "Idempotent-Replayed" not in promo.headers
    assert promo.json()["data"]["id"] != video["video_id"]
    assert emulator.world.count() == 2


@pytest.mark.parametrize(("seed", "lost"), [(1, 500), (5, 0)])  # 500, or dropped unanswered
def test_a_lost_answer_was_made_and_a_retry_with_its_key_gets_it(clock, seed, lost):
    settings = EmulatorSettings(provider="heygen", token=KEY, seed=seed, lose_response_rate=1.0)
    with serve(settings, clock=clock) as server, Api(server.base_url) as api:
        with pytest.raises(requests.ConnectionError) if lost == 0 else contextlib.nullcontext():
            assert api.post("/v3/videos", BODY, key="vs-lost").status_code == 500
        assert server.world.count() == 1  # the work was done
        made = next(iter(server.world.videos))
        retried = api.post("/v3/videos", BODY, key="vs-lost")  # a replay is never lost
        assert retried.status_code == 200 and retried.json()["data"]["video_id"] == made
        assert server.world.count() == 1
        statuses = [status for method, _, status in server.request_log if method == "POST"]
        assert statuses == [lost, 200]


# -- templates ----------------------------------------------------------------------------------


def test_templates_list_only_those_with_variables_and_page(api):
    page = api.get("/v3/templates").json()
    assert [t["name"] for t in page["data"]] == ["Product promo", "Welcome aboard"]
    assert page["has_more"] is False
    first = api.get("/v3/templates", limit=1).json()
    assert len(first["data"]) == 1 and first["has_more"] is True
    rest = api.get("/v3/templates", limit=1, token=first["next_token"]).json()
    assert [t["name"] for t in rest["data"]] == ["Welcome aboard"] and rest["has_more"] is False


def test_a_template_declares_its_variables_in_the_shape_generate_takes(api):
    detail = api.get(f"/v3/templates/{PROMO}").json()["data"]
    assert set(detail["variables"]) == {"product_name", "offer", "logo"}
    assert detail["variables"]["offer"] == {
        "name": "offer",
        "type": "text",
        "properties": {"content": "20% off this week"},
    }
    assert detail["scene_ids"] == [s["scene_id"] for s in detail["scenes"]]
    _error(api.get(f"/v3/templates/{'0' * 32}"), 404, "not_found")


def test_generate_from_a_template_answers_the_whole_video(api, emulator, clock):
    variables = {"product_name": {"name": "product_name", "type": "text",
                                  "properties": {"content": "Boots"}}}  # fmt: skip
    answer = api.post(
        f"/v3/templates/{PROMO}",
        {"variables": variables, "title": "Boots promo", "folder_id": "f1", "caption": True},
        key="vs-tpl",
    )
    assert answer.status_code == 200
    video = answer.json()["data"]
    assert video["status"] == "pending" and video["title"] == "Boots promo"
    assert video["folder_id"] == "f1"
    clock.advance(6)
    assert api.video(video["id"])["captioned_video_url"] is not None
    replay = api.post(f"/v3/templates/{PROMO}", {"variables": variables}, key="vs-tpl")
    assert replay.json()["data"] == video  # the creation-time snapshot, not today's state
    assert emulator.world.count() == 1


GENERATE_INVALID = [
    ({}, "variables"),
    ({"variables": []}, "variables"),
    ({"variables": {"colour": {"type": "text", "properties": {"content": "red"}}}},
     "variables.colour"),
    ({"variables": {"offer": {"type": "image", "properties": {"url": "u"}}}},
     "variables.offer.type"),
    ({"variables": {"offer": {"type": "text", "properties": {}}}},
     "variables.offer.properties.content"),
    ({"variables": {"logo": {"type": "image", "properties": {}}}}, "variables.logo.properties"),
    ({"variables": {}, "fps": 24}, "fps"),
    ({"variables": {}, "dimension": {"width": 1279, "height": 720}}, "dimension.width"),
    ({"variables": {}, "scene_ids": ["nope"]}, "scene_ids"),
    ({"variables": {}, "subtitles": {"font_size": 3}}, "subtitles.preset_name"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "param"), GENERATE_INVALID)
def test_generate_refuses_what_the_template_does_not_declare(api, emulator, body, param):
    _error(api.post(f"/v3/templates/{PROMO}", body), 400, "invalid_parameter", param)
    assert emulator.world.count() == 0


# -- the catalog --------------------------------------------------------------------------------


def test_looks_groups_and_voices_with_their_filters(api):
    looks = api.get("/v3/avatars/looks").json()["data"]
    assert ANGELA in {look["id"] for look in looks}
    angela = next(look for look in looks if look["id"] == ANGELA)
    assert angela["supported_api_engines"] == ["avatar_iv", "avatar_iii"]
    assert angela["avatar_type"] == "studio_avatar" and angela["default_voice_id"] == SARA
    photos = api.get("/v3/avatars/looks", avatar_type="photo_avatar").json()["data"]
    assert [look["id"] for look in photos] == [MIRA]
    group = angela["group_id"]
    in_group = api.get("/v3/avatars/looks", group_id=group).json()["data"]
    assert {look["id"] for look in in_group} == {ANGELA, ANGELA_SUIT}
    groups = api.get("/v3/avatars", ownership="private").json()["data"]
    assert {g["name"] for g in groups} == {"Josh", "Mira"}
    _error(api.get("/v3/avatars/looks", limit=51), 400, "invalid_parameter", "limit")
    public = api.get("/v3/voices").json()["data"]
    assert SARA in {v["voice_id"] for v in public} and {v["type"] for v in public} == {"public"}
    private = api.get("/v3/voices", type="private").json()["data"]
    assert [v["name"] for v in private] == ["Acme brand voice"]
    german = api.get("/v3/voices", language="german").json()["data"]
    assert [v["name"] for v in german] == ["Lena"]
    _error(api.get("/v3/voices", type="shared"), 400, "invalid_parameter", "type")


# -- persistence and faults ---------------------------------------------------------------------


def test_the_world_and_its_keys_survive_a_restart(tmp_path, clock):
    settings = EmulatorSettings(provider="heygen", token=KEY, data_dir=tmp_path)
    with serve(settings, clock=clock) as server, Api(server.base_url) as api:
        first = api.post("/v3/videos", BODY, key="vs-kept").json()
        clock.advance(6)
        link = api.video(first["data"]["video_id"])["video_url"]
        pending = api.create()
        wallet = server.world.wallet_usd
    assert (tmp_path / "heygen-videos.json").is_file()
    with serve(settings, clock=clock) as server, Api(server.base_url) as api:
        assert server.world.wallet_usd == wallet
        assert api.post("/v3/videos", BODY, key="vs-kept").json() == first  # replayed
        assert server.world.count() == 2
        clock.advance(6)
        assert api.video(pending)["status"] == "completed"
        # the link of the first run, on the new port: its signature still holds
        moved = link.replace(link.split("/files/")[0], server.root_url)
        assert requests.get(moved, timeout=5).status_code == 200


def test_gateway_faults_hit_the_api_not_the_files(api, emulator, clock):
    video_id = api.create()
    clock.advance(6)
    link = api.video(video_id)["video_url"]
    emulator.configure(fail_rate=1.0)
    assert api.get("/v3/videos").status_code in (500, 503)
    assert requests.get(link, timeout=5).status_code == 200


# -- settings and the command line --------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"heygen_max_concurrent": 0}, "heygen_max_concurrent must be at least 1"),
        ({"heygen_read_limits": (Rate(0, 1.0),)}, "heygen_read_limits: 0/1s must allow"),
        ({"heygen_wallet_usd": -1.0}, "heygen_wallet_usd must be a number >= 0"),
        ({"heygen_link_seconds": 0.0}, "heygen_link_seconds must be a number of seconds > 0"),
        ({"heygen_render_fail_rate": 2.0}, "heygen_render_fail_rate must be between 0 and 1"),
        ({"heygen_readonly_token": KEY}, "heygen_readonly_token must be a non-empty key"),
    ],
)
def test_settings_refuse_nonsense(change, message):
    with pytest.raises(ValueError, match=message):
        EmulatorSettings(provider="heygen", token=KEY, **change)


def test_vidspec_emulator_serves_heygen(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "vidspec", "emulator", "--provider", "heygen", "--port", "0",
         "--api-key", KEY, "--max-concurrent", "1", "--write-limit", "5/1s",
         "--queue-seconds", "0", "--processing-seconds", "60"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        printed = _printed(proc)
        assert printed["vidspec emulator"] == "HeyGen API v3"
        assert printed["api_key"].startswith(KEY) and printed["max_concurrent"] == "1"
        with Api(printed["base_url"]) as api:
            assert api.post("/v3/videos", BODY).status_code == 200
            _error(api.post("/v3/videos", BODY), 429, "rate_limit_exceeded")
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert "POST /v3/videos -> 200" in err and KEY not in err


def _printed(proc: subprocess.Popen[str]) -> dict[str, str]:
    """What ``vidspec emulator`` printed before serving (``key: value`` lines)."""
    lines: queue.Queue[str] = queue.Queue()
    assert proc.stdout is not None
    stdout = proc.stdout
    threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True).start()
    printed: dict[str, str] = {}
    deadline = time.monotonic() + 15
    while "Press Ctrl-C to stop." not in printed:
        line = lines.get(timeout=max(0.1, deadline - time.monotonic())).strip()
        key, _, value = line.partition(": ")
        printed[key] = value
    return printed
