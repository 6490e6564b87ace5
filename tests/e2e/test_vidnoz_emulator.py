"""Contract of the emulated Vidnoz API v2: every endpoint and every error, over loopback HTTP.

``Api`` sends what a user's curl would, one second apart on the emulator's ``ManualClock`` (the
service allows 1 request a second); the 803 tests send faster on purpose.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from vidspec.core.clock import ManualClock
from vidspec.emulator import EmulatorServer, EmulatorSettings, serve
from vidspec.emulator.vidnoz.catalog import AVATARS, VOICES
from vidspec.emulator.vidnoz.service import video_bytes
from vidspec.providers.base import Rate

KEY = "vidnoz-KEY-0042"
ANNA = "Rk1nN090NnZQWXlSZW5oSHJlSlhWdz09"  # the vendor example's avatar: styles 1, 2, 3
SOFIA = "U29maWFIYWxmQm9keTAxMg=="  # styles 2, 3
JENNY = "d0VWUk5SU056NEwwMlRsem5vNVROYlpCc3FGY25CY0xBa3VIeWtLUkRyMD0="  # the example's voice
SONIA = "U29uaWFOZXVyYWxFbkdCMDI="  # emotion "normal" only
DAY = 24 * 3600.0


def vendor_example() -> list[tuple[str, tuple[Any, ...]]]:
    """The vendor page's curl example, part for part, with one voice mode (TTS) kept."""

    def js(name: str, value: Any) -> tuple[str, tuple[Any, ...]]:
        return (name, (None, json.dumps(value), "application/json"))

    return [
        ("name", (None, "YmUxSTFBcVA1V1A3N2Y3L2hxMHhGQT09")),
        ("aspect", (None, "1")),
        js("avatar[id]", ANNA),
        js("avatar[style]", 3),
        js("avatar[circle_bgcolor]", "#ffffff"),
        js("avatar[scale]", 1.0),
        js("avatar[offset][x]", 0),
        js("avatar[offset][y]", 0),
        js("voice[tts][id]", JENNY),
        js("voice[tts][text]", "voice text to speech text"),
        js("voice[tts][speed]", 1.0),
        js("voice[tts][pitch]", 0),
        js("voice[tts][emotion]", "normal"),
        js("background[color]", "#ffffff"),
        js("background[media][asset_id]", "cHpWR3VKRGhMamtrc05XWGRLUmpwQT09"),
        js("background[media][fit]", 1),
        js("background[media][loop]", "false"),
    ]


def plain(changes: dict[str, Any] | None = None) -> list[tuple[str, tuple[Any, ...]]]:
    """A minimal valid form in plain text parts, with changes by bracketed key (``None`` drops)."""
    form: dict[str, Any] = {
        "avatar[id]": ANNA,
        "voice[tts][id]": JENNY,
        "voice[tts][text]": "Hello from the test.",
    }
    for key, value in (changes or {}).items():
        if value is None:
            form.pop(key, None)
        else:
            form[key] = value
    return [(k, (None, str(v))) for k, v in form.items()]


def silence(seconds: int) -> dict[str, Any]:
    """Changes to ``plain`` that make the voice ``seconds`` of silence instead of TTS."""
    return {
        "voice[tts][text]": None,
        "voice[tts][id]": None,
        "voice[silence][duration]": str(seconds),
    }


class Api:
    """Raw calls to the emulator, a second apart on its clock."""

    def __init__(self, server: EmulatorServer, clock: ManualClock) -> None:
        self.base = server.base_url
        self.clock = clock
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {KEY}"

    def call(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        self.clock.advance(1.0)
        answer = self.http.request(method, self.base + path, timeout=5, **kw)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    def create(self, parts: list[tuple[str, tuple[Any, ...]]]) -> dict[str, Any]:
        return self.call("POST", "/v2/task/avatar-to-video", files=parts)

    def created(self, parts: list[tuple[str, tuple[Any, ...]]] | None = None) -> str:
        answer = self.create(parts or plain())
        assert answer["code"] == 200, answer
        return str(answer["data"]["task_id"])

    def detail(self, task_id: str) -> dict[str, Any]:
        return self.call("POST", "/v2/task/detail", files=[("id", (None, task_id))])

    def page(self, **params: Any) -> dict[str, Any]:
        return self.call("GET", "/v2/video/list", params=params)


@pytest.fixture
def emulator_settings() -> EmulatorSettings:
    return EmulatorSettings(provider="vidnoz", token=KEY, seed=3)


@pytest.fixture
def api(emulator: EmulatorServer, clock: ManualClock) -> Iterator[Api]:
    client = Api(emulator, clock)
    yield client
    client.http.close()


def refused(answer: dict[str, Any], code: int, message: str) -> None:
    assert answer == {"code": code, "message": message, "data": None}


# -- the server, auth and the envelope ---------------------------------------------------------


def test_base_url_is_the_root_like_devapi_vidnoz_com(emulator):
    assert emulator.base_url == emulator.root_url
    assert emulator.base_url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize(
    "header", [None, "Bearer wrong-key", f"Basic {KEY}", "Bearer", f"Bearer{KEY}"]
)
def test_a_missing_or_wrong_key_is_a_401_envelope_under_http_200(emulator, clock, header):
    headers = {} if header is None else {"Authorization": header}
    answer = requests.get(f"{emulator.base_url}/v2/avatar/list", headers=headers, timeout=5)
    assert answer.status_code == 200
    refused(answer.json(), 401, "Unauthorized: the API key is missing, wrong or expired")


def test_the_bearer_scheme_is_read_without_case(emulator):
    headers = {"Authorization": f"bearer {KEY}"}
    answer = requests.get(f"{emulator.base_url}/v2/voice/list", headers=headers, timeout=5)
    assert answer.json()["code"] == 200


def test_unknown_paths_and_methods(api, emulator):
    answer = api.http.get(f"{emulator.base_url}/v2/nothing", timeout=5)
    assert answer.status_code == 404 and answer.json()["code"] == 404
    answer = api.http.get(f"{emulator.base_url}/v2/task/detail", timeout=5)
    assert answer.status_code == 405
    assert answer.json() == {"code": 405, "message": "method GET not allowed", "data": None}


def test_a_second_call_within_one_second_is_code_803_and_does_nothing(api, emulator, clock):
    first = api.create(plain())
    assert first["code"] == 200
    clock.advance(0.5)
    second = api.http.post(f"{api.base}/v2/task/avatar-to-video", files=plain(), timeout=5)
    assert second.status_code == 200
    refused(second.json(), 803, "requests too frequent: at most 1 per 1 s")
    assert len(emulator.world.videos) == 1  # nothing was created
    clock.advance(0.5)  # one second after the accepted call: allowed again
    third = api.http.post(f"{api.base}/v2/task/avatar-to-video", files=plain(), timeout=5)
    assert third.json()["code"] == 200
    assert len(emulator.world.videos) == 2


def test_803_counts_every_call_not_only_creates(api, clock):
    api.call("GET", "/v2/avatar/list")
    answer = api.http.get(f"{api.base}/v2/voice/list", timeout=5).json()
    assert answer["code"] == 803


def test_the_request_limit_is_a_setting_changeable_at_run_time(api, emulator, clock):
    emulator.configure(request_limit=Rate(3, 1.0))
    codes = [api.http.get(f"{api.base}/v2/voice/list", timeout=5).json()["code"] for _ in range(4)]
    assert codes == [200, 200, 200, 803]


def test_an_unauthorized_call_is_not_counted_towards_the_limit(api, emulator):
    requests.get(f"{emulator.base_url}/v2/voice/list", timeout=5)  # no key: 401
    assert api.call("GET", "/v2/voice/list")["code"] == 200


# -- avatar and voice lists --------------------------------------------------------------------


def test_avatar_list_names_ids_styles_and_gender(api):
    answer = api.call("GET", "/v2/avatar/list")
    assert answer["code"] == 200 and answer["message"] == "ok"
    data = answer["data"]
    assert data["total"] == len(data["avatars"]) == len(AVATARS)
    anna = next(a for a in data["avatars"] if a["id"] == ANNA)
    assert anna == {"id": ANNA, "name": "Anna", "gender": "female", "styles": [1, 2, 3]}


def test_voice_list_names_language_gender_and_emotions(api):
    data = api.call("GET", "/v2/voice/list")["data"]
    assert data["total"] == len(data["voices"]) == len(VOICES)
    jenny = next(v for v in data["voices"] if v["id"] == JENNY)
    assert jenny["language"] == "en-US" and jenny["gender"] == "female"
    assert jenny["emotions"] == ["normal", "happy", "sad", "cheerful", "chat"]


# -- create: the form --------------------------------------------------------------------------


def test_the_vendor_example_creates_a_task_with_an_opaque_base64_id(api, emulator):
    answer = api.create(vendor_example())
    assert answer["code"] == 200 and answer["message"] == "ok"
    task_id = answer["data"]["task_id"]
    assert len(base64.b64decode(base64.b64decode(task_id, validate=True))) == 16
    request = emulator.world.videos[task_id].generation.request
    assert request["avatar"] == {
        "id": ANNA,
        "style": 3,
        "circle_bgcolor": "#ffffff",
        "scale": 1.0,
        "offset": {"x": 0, "y": 0},
    }
    assert request["voice"]["tts"]["text"] == "voice text to speech text"
    assert request["background"]["media"] == {
        "asset_id": "cHpWR3VKRGhMamtrc05XWGRLUmpwQT09",
        "fit": 1,
        "loop": False,  # the example's JSON string "false"
    }
    assert emulator.world.videos[task_id].name == "YmUxSTFBcVA1V1A3N2Y3L2hxMHhGQT09"


def test_plain_parts_are_read_as_the_field_needs_and_defaults_are_applied(api, emulator):
    parts = plain(
        {
            "aspect": "2",
            "avatar[style]": "2",
            "voice[tts][speed]": "0.5",
            "voice[tts][pitch]": "-50",
        }
    )
    parts.append(("background[media][url]", (None, "https://cdn.example/bg.jpg")))
    parts.append(("background[media][loop]", (None, "true")))
    task_id = api.created(parts)
    record = emulator.world.videos[task_id]
    request = record.generation.request
    assert request["aspect"] == 2 and request["avatar"]["style"] == 2
    assert request["voice"]["tts"] == {
        "id": JENNY,
        "text": "Hello from the test.",
        "speed": 0.5,
        "pitch": -50,
        "emotion": "normal",
    }
    assert request["background"] == {
        "color": "#ffffff",
        "media": {"url": "https://cdn.example/bg.jpg", "fit": 0, "loop": True},
    }
    assert record.name.startswith("video_")  # random when not given


def test_a_json_part_may_carry_a_whole_object(api, emulator):
    parts = [
        ("avatar", (None, json.dumps({"id": SOFIA, "style": 2}), "application/json")),
        ("avatar[offset][x]", (None, "-40")),
        ("voice", (None, json.dumps({"silence": {"duration": 12}}), "application/json")),
    ]
    task_id = api.created(parts)
    request = emulator.world.videos[task_id].generation.request
    assert request["avatar"]["id"] == SOFIA and request["avatar"]["offset"] == {"x": -40, "y": 0}
    assert request["voice"] == {"silence": {"duration": 12}}
    assert emulator.world.videos[task_id].generation.duration == 12.0


def test_a_multi_line_script_keeps_its_line_breaks(api, emulator):
    text = "First line.\r\nSecond line.\nThird — with ünïcode."
    task_id = api.created(plain({"voice[tts][text]": text}))
    assert emulator.world.videos[task_id].generation.request["voice"]["tts"]["text"] == text


def test_a_json_body_is_refused_for_create_with_what_to_send(api):
    answer = api.call("POST", "/v2/task/avatar-to-video", json={"avatar": {"id": ANNA}})
    refused(answer, 400, "Content-Type must be multipart/form-data, not application/json")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"aspect": "4"}, "aspect must be one of 1 (16:9), 2 (9:16), 3 (1:1), not '4'"),
        ({"avatar[id]": None, "avatar[style]": "1"}, "missing required field: avatar[id]"),
        (
            {"avatar[style]": "0"},
            "avatar[style] must be one of 1 (full body), 2 (half body), 3 (round close-up), "
            "not '0'",
        ),
        ({"avatar[scale]": "0"}, "avatar[scale] must be a number above 0 and at most 10, not '0'"),
        ({"avatar[offset][x]": "1.5"}, "avatar[offset][x] must be an integer (pixels), not '1.5'"),
        (
            {"avatar[circle_bgcolor]": "white"},
            "avatar[circle_bgcolor] must be a colour like #ffffff, not 'white'",
        ),
        (
            {"voice[tts][speed]": "1.6"},
            "voice[tts][speed] must be a number from 0.5 to 1.5, not '1.6'",
        ),
        (
            {"voice[tts][speed]": "0.49"},
            "voice[tts][speed] must be a number from 0.5 to 1.5, not '0.49'",
        ),
        (
            {"voice[tts][pitch]": "51"},
            "voice[tts][pitch] must be an integer from -50 to 50, not '51'",
        ),
        ({"voice[tts][text]": "   "}, "voice[tts][text] is empty"),
        ({"voice[tts][id]": None}, "missing required field: voice[tts][id]"),
        ({"avatar[colour]": "#000000"}, "unknown field: avatar[colour]"),
        ({"backround[color]": "#000000"}, "unknown field: backround"),
        (
            {"background[color]": "#fff"},
            "background[color] must be a colour like #ffffff, not '#fff'",
        ),
        (
            {"avatar[id]": "nobody"},
            "avatar[id]: no avatar with id 'nobody' (GET /v2/avatar/list lists the avatars)",
        ),
        (
            {"voice[tts][id]": "nobody"},
            "voice[tts][id]: no voice with id 'nobody' (GET /v2/voice/list lists the voices)",
        ),
        (
            {"avatar[id]": SOFIA},  # style 1 by default; Sofia has none
            "avatar[style] 1 (full body) is not offered by avatar Sofia (U29maWFIYWxmQm9keTAxMg==);"
            " it offers 2 (half body), 3 (round close-up)",
        ),
        (
            {"voice[tts][id]": SONIA, "voice[tts][emotion]": "happy"},
            "voice[tts][emotion] 'happy' is not offered by voice Sonia; it offers normal",
        ),
        (
            {"voice[tts][text]": None, "voice[tts][id]": None, "voice[silence][duration]": "100"},
            "voice[silence][duration] must be an integer from 1 to 99, not '100'",
        ),
        (
            {"voice[file][url]": "https://x.example/a.wav"},
            "voice needs exactly one of voice[tts], voice[file], voice[silence]; "
            "got voice[tts] and voice[file]",
        ),
        (
            {"voice[tts][text]": None, "voice[tts][id]": None, "voice[file][url]": "ftp://x/a"},
            "voice[file][url] must be an http(s) URL",
        ),
        (
            {
                "voice[tts][text]": None,
                "voice[tts][id]": None,
                "voice[file][url]": "https://x.example/a.wav",
                "voice[file][asset_id]": "154",
            },
            "voice[file] needs exactly one of voice[file][asset_id] and voice[file][url]",
        ),
        ({"background[media][fit]": "1"}, "background[media] needs exactly one of "
         "background[media][asset_id] and background[media][url]"),
        ({"background[media][loop]": "maybe", "background[media][url]": "https://x/b.mp4"},
         "background[media][loop] must be true or false, not 'maybe'"),
    ],
)  # fmt: skip
def test_every_field_and_range_is_checked_with_a_precise_message(api, emulator, fields, message):
    refused(api.create(plain(fields)), 400, message)
    assert emulator.world.videos == {}


def test_no_voice_mode_at_all(api):
    parts = [("avatar[id]", (None, ANNA)), ("name", (None, "x"))]
    refused(api.create(parts), 400, "missing required field: voice")
    parts.append(("voice[foo]", (None, "1")))
    refused(api.create(parts), 400, "unknown field: voice[foo]")


def test_a_script_must_be_under_5000_characters(api, emulator):
    refused(
        api.create(plain({"voice[tts][text]": "a" * 5000})),
        400,
        "voice[tts][text] is too long: 5000 characters, it must be under 5000",
    )
    assert api.create(plain({"voice[tts][text]": "a " * 2499 + "b"}))["code"] == 200


def test_bad_json_parts_and_bad_names_are_400s(api):
    parts = [*plain(), ("avatar[scale]", (None, "{oops", "application/json"))]
    refused(api.create(parts), 400, "avatar[scale]: invalid JSON value (Expecting property name "
            "enclosed in double quotes at column 2)")  # fmt: skip
    refused(
        api.create([*plain(), ("avatar[]", (None, "x"))]),
        400,
        "bad field name 'avatar[]': write it like voice[tts][text]",
    )
    refused(
        api.create([*plain(), ("avatar[id]", (None, "x"))]), 400, "field avatar[id] is given twice"
    )
    refused(api.create([*plain(), ("avatar", (None, "x"))]), 400, "field avatar is given twice")


# -- task detail and the task's life -----------------------------------------------------------


def test_detail_follows_draft_generating_generated_with_the_files(api, emulator, clock):
    task_id = api.created()
    running = api.detail(task_id)  # 1 s after creation: out of the 1 s queue, generating
    assert running["data"]["status"] == 2 and running["data"]["additional_data"] == {}
    clock.advance(3.0)  # 4 s of generating end with the next call
    generated = api.detail(task_id)["data"]
    assert generated["id"] == task_id and generated["status"] == 1
    assert generated["message"] == "ok"
    extra = generated["additional_data"]
    assert set(extra) == {"video_720p", "video_1080p", "url", "video_duration"}
    assert extra["url"] == extra["video_1080p"]["url"]
    assert extra["video_duration"] == emulator.world.videos[task_id].generation.duration
    assert extra["video_720p"]["size"] == len(video_bytes(task_id, "720p"))
    file = requests.get(extra["video_720p"]["url"], timeout=5)
    assert file.status_code == 200 and file.content == video_bytes(task_id, "720p")
    assert file.headers["Content-Type"] == "video/mp4"


def test_a_task_is_a_draft_while_queued(clock):
    with serve(
        EmulatorSettings(provider="vidnoz", token=KEY, queue_seconds=10), clock=clock
    ) as server:
        client = Api(server, clock)
        task_id = client.created()
        assert client.detail(task_id)["data"]["status"] == 0
        assert client.page()["data"]["videos"][0]["status"] == 0


def test_detail_of_an_unknown_task_and_without_an_id(api):
    refused(api.detail("no-such-task"), 400, "task not found: no-such-task")
    refused(api.call("POST", "/v2/task/detail"), 400, "missing required field: id")


def test_detail_also_takes_an_urlencoded_form(api):
    task_id = api.created()
    answer = api.call("POST", "/v2/task/detail", data={"id": task_id})
    assert answer["data"]["id"] == task_id


def test_a_failed_task_says_so_and_is_not_charged(api, emulator, clock):
    task_id = api.created()
    emulator.world.fail(task_id, "avatar rendering failed")
    clock.advance(10)
    data = api.detail(task_id)["data"]
    assert data["status"] == 3 and data["message"] == "avatar rendering failed"
    assert emulator.world.credits_left == 600.0


# -- credits -----------------------------------------------------------------------------------


def test_credits_are_spent_on_completion_at_4_a_minute(api, emulator, clock):
    task_id = api.created(plain(silence(30)))
    assert emulator.world.credits_left == 600.0  # reserved, not spent
    clock.advance(10)
    assert emulator.world.videos[task_id].charged
    assert emulator.world.credits_left == pytest.approx(598.0)  # 30 s = 2 credits


def test_a_create_the_credits_cannot_pay_is_refused_and_nothing_is_made(clock):
    settings = EmulatorSettings(provider="vidnoz", token=KEY, credits_left=3.0)
    with serve(settings, clock=clock) as server:
        client = Api(server, clock)
        assert client.create(plain(silence(30)))["code"] == 200
        answer = client.create(plain(silence(30)))
        refused(
            answer,
            400,
            "insufficient credits: the video needs 2.00 credits (about 30 seconds at 4 credits a "
            "minute), 1.00 left",
        )
        assert len(server.world.videos) == 1


# -- the video list ----------------------------------------------------------------------------


def test_list_items_have_the_documented_shape(api, emulator, clock):
    task_id = api.created(plain({"name": "Welcome"}))
    clock.advance(10)
    data = api.page(limit=10)["data"]
    assert data["total"] == 1 and data["end_cursor"] == ""
    (item,) = data["videos"]
    assert set(item) == {"id", "name", "status", "create_at", "file_720p", "file_1080p"}
    assert item["id"] == task_id and item["name"] == "Welcome" and item["status"] == 1
    assert item["create_at"] == "2026-11-02 09:00:01"  # the ManualClock's start + 1 s
    assert set(item["file_1080p"]) == {"size", "duration", "url"}
    assert requests.get(item["file_1080p"]["url"], timeout=5).content == video_bytes(
        task_id, "1080p"
    )


def test_unfinished_videos_are_listed_without_files(api):
    api.created()
    (item,) = api.page()["data"]["videos"]
    assert item["status"] == 2 and item["file_720p"] is None and item["file_1080p"] is None


def test_cursor_paging_walks_every_video_once_newest_first(api, emulator, clock):
    for n in range(25):
        emulator.world.add_video(name=f"v{n:02}", created_at=clock.now())
        clock.advance(60)
    seen: list[str] = []
    cursor = ""
    pages = 0
    while True:
        data = api.page(limit=10, end_cursor=cursor)["data"]
        pages += 1
        assert data["total"] == 25
        seen += [v["name"] for v in data["videos"]]
        cursor = data["end_cursor"]
        if not cursor:
            break
    assert pages == 3
    assert seen == [f"v{n:02}" for n in reversed(range(25))]


def test_a_video_made_while_paging_does_not_shift_later_pages(api, emulator, clock):
    for n in range(4):
        emulator.world.add_video(name=f"v{n}", created_at=clock.now())
        clock.advance(60)
    first = api.page(limit=2)["data"]
    emulator.world.add_video(name="new", created_at=clock.now())
    second = api.page(limit=2, end_cursor=first["end_cursor"])["data"]
    assert [v["name"] for v in first["videos"] + second["videos"]] == ["v3", "v2", "v1", "v0"]
    assert second["end_cursor"] == ""


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "0"}, "limit must be an integer from 1 to 10000, not '0'"),
        ({"limit": "10001"}, "limit must be an integer from 1 to 10000, not '10001'"),
        ({"limit": "ten"}, "limit must be an integer from 1 to 10000, not 'ten'"),
        ({"end_cursor": "%%%"}, "bad end_cursor '%%%': pass back the one given"),
        ({"end_cursor": "WzFd"}, "bad end_cursor 'WzFd': pass back the one given"),
    ],
)
def test_bad_list_parameters(api, params, message):
    refused(api.page(**params), 400, message)


def test_a_page_of_10000_is_allowed(api, emulator):
    emulator.world.add_video(name="only")
    assert len(api.page(limit=10000)["data"]["videos"]) == 1


# -- expiry ------------------------------------------------------------------------------------


def test_videos_and_their_files_are_gone_after_7_days(api, emulator, clock):
    task_id = api.created()
    clock.advance(10)
    url = api.detail(task_id)["data"]["additional_data"]["video_720p"]["url"]
    clock.advance(7 * DAY - 30)
    assert [v["id"] for v in api.page()["data"]["videos"]] == [task_id]
    clock.advance(30)
    assert api.page()["data"] == {"total": 0, "end_cursor": "", "videos": []}
    refused(api.detail(task_id), 400, f"task not found: {task_id}")
    assert requests.get(url, timeout=5).status_code == 403


def test_file_links_are_signed(api, emulator, clock):
    task_id = api.created()
    clock.advance(10)
    url = api.detail(task_id)["data"]["additional_data"]["video_720p"]["url"]
    assert requests.get(url.replace("sig=", "sig=0"), timeout=5).status_code == 403
    assert requests.get(url.replace("_720p", "_1080p"), timeout=5).status_code == 403
    assert requests.get(f"{api.base}/files/zz_720p.mp4", timeout=5).status_code == 404


# -- faults, persistence -----------------------------------------------------------------------


def test_a_lost_create_answer_still_made_the_task(api, emulator, clock):
    emulator.configure(lose_response_rate=1.0)
    clock.advance(1)
    try:
        answer = api.http.post(f"{api.base}/v2/task/avatar-to-video", files=plain(), timeout=5)
        assert answer.status_code == 500
    except requests.ConnectionError:
        pass  # dropped instead: the same outcome for the client
    assert len(emulator.world.videos) == 1
    assert emulator.request_log[-1][1] == "/v2/task/avatar-to-video"


def test_gateway_faults_hit_the_api_but_not_the_files(api, emulator, clock):
    task_id = api.created()
    clock.advance(10)
    url = api.detail(task_id)["data"]["additional_data"]["url"]
    emulator.configure(fail_rate=1.0)
    clock.advance(1)
    assert api.http.get(f"{api.base}/v2/voice/list", timeout=5).status_code in (500, 503)
    assert requests.get(url, timeout=5).status_code == 200


def test_the_world_persists_in_the_data_directory(tmp_path, clock):
    settings = EmulatorSettings(provider="vidnoz", token=KEY, data_dir=tmp_path)
    with serve(settings, clock=clock) as server:
        task_id = Api(server, clock).created()
        clock.advance(10)
        left = server.world.credits_left
    assert (tmp_path / "vidnoz-videos.json").exists()
    with serve(settings, clock=clock) as again:
        assert list(again.world.videos) == [task_id]
        assert again.world.credits_left == left < 600.0
        assert again.world.videos[task_id].generation.request["avatar"]["id"] == ANNA


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"credits_left": -1.0}, "credits_left must be a number >= 0"),
        ({"file_retention_days": 0}, "file_retention_days must be at least 1"),
    ],
)
def test_vidnoz_settings_are_checked(change, message):
    with pytest.raises(ValueError, match=message):
        EmulatorSettings(provider="vidnoz", **change)
