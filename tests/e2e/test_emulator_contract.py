"""Contract of the emulated CDNvideo API: every endpoint and every error, over loopback HTTP."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest
import requests

from vidspec.core.clock import ManualClock
from vidspec.emulator import EmulatorServer, EmulatorSettings, serve
from vidspec.emulator.common.media import fake_mp4

SEED_EXAMPLE: dict[str, Any] = {
    "script": "Hello! This is the text I am speaking.",
    "actor": {
        "name": "Natalia",
        "version": "4.0.0",
        "style": "dressshirt",
        "shot": "waist",
        "size": "HD",
    },
    "voice": "Sara",
    "background": "green_screen",
    "video_name": "Awesome Video!",
}


def body(**changes: Any) -> dict[str, Any]:
    """The vendor page's create example, with top-level or ``actor.x`` changes."""
    out = copy.deepcopy(SEED_EXAMPLE)
    for key, value in changes.items():
        target, _, name = key.rpartition("__")
        holder = out[target] if target else out
        if value is None:
            holder.pop(name, None)
        else:
            holder[name] = value
    return out


def error(message: str) -> dict[str, str]:
    return {"status": "ERROR", "message": message}


def create(session: requests.Session, account_url: str, **changes: Any) -> str:
    answer = session.post(f"{account_url}/generate", json=body(**changes))
    assert answer.status_code == 202, answer.text
    return str(answer.json()["id"])


# -- auth ----------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, {"CDN-AUTH-TOKEN": "wrong"}, {"CDN-AUTH-TOKEN": ""}])
def test_missing_or_wrong_token_is_invalid_account(
    account_url: str, headers: dict[str, str]
) -> None:
    answer = requests.get(f"{account_url}/configurations", headers=headers)
    assert answer.status_code == 403
    assert answer.json() == error("invalid account")


def test_token_header_name_is_case_insensitive(emulator: EmulatorServer, account_url: str) -> None:
    answer = requests.get(
        f"{account_url}/configurations", headers={"cdn-auth-token": emulator.settings.token}
    )
    assert answer.status_code == 200


def test_fixed_account_refuses_other_accounts(clock: ManualClock) -> None:
    settings = EmulatorSettings(token="t", account="acme")
    with serve(settings, clock=clock) as server, requests.Session() as http:
        http.headers["CDN-AUTH-TOKEN"] = "t"
        assert http.get(f"{server.base_url}/accounts/acme/configurations").status_code == 200
        other = http.get(f"{server.base_url}/accounts/other/configurations")
        assert (other.status_code, other.json()) == (403, error("invalid account"))


def test_any_account_name_reaches_the_same_world(
    emulator: EmulatorServer, session: requests.Session, account_url: str
) -> None:
    video_id = create(session, account_url)
    answer = session.get(f"{emulator.base_url}/accounts/someone-else/tasks/{video_id}")
    assert answer.json()["task"]["id"] == video_id


def test_unknown_path_is_a_bare_404(session: requests.Session, account_url: str) -> None:
    answer = session.get(f"{account_url}/nothing-here")
    assert answer.status_code == 404
    assert answer.content == b""


def test_wrong_method_on_a_known_path_is_405(session: requests.Session, account_url: str) -> None:
    answer = session.put(f"{account_url}/configurations")
    assert (answer.status_code, answer.json()) == (405, error("method PUT not allowed"))


# -- login ---------------------------------------------------------------------------------


def test_login_issues_a_token_the_api_accepts(emulator: EmulatorServer, account_url: str) -> None:
    answer = requests.post(
        f"{emulator.root_url}/app/oauth/v1/token/",
        data={"username": "user", "password": "secret"},
    )
    assert answer.status_code == 200
    doc = answer.json()
    assert set(doc) == {"status", "person_id", "token", "lifetime"}
    assert doc["status"] == 200 and doc["lifetime"] == 21_600_000
    assert isinstance(doc["person_id"], int)
    assert doc["token"].startswith("cdn2_")
    answer = requests.get(f"{account_url}/configurations", headers={"CDN-AUTH-TOKEN": doc["token"]})
    assert answer.status_code == 200


def test_issued_token_expires_after_six_hours(
    emulator: EmulatorServer, clock: ManualClock, account_url: str
) -> None:
    doc = requests.post(
        f"{emulator.root_url}/app/oauth/v1/token/",
        data={"username": "user", "password": "secret"},
    ).json()
    clock.advance(6 * 3600)
    answer = requests.get(f"{account_url}/configurations", headers={"CDN-AUTH-TOKEN": doc["token"]})
    assert (answer.status_code, answer.json()) == (403, error("invalid account"))


def test_login_with_wrong_password_is_401(emulator: EmulatorServer) -> None:
    answer = requests.post(
        f"{emulator.root_url}/app/oauth/v1/token/", data={"username": "user", "password": "no"}
    )
    assert (answer.status_code, answer.json()) == (401, error("invalid username or password"))


def test_login_without_password_is_400(emulator: EmulatorServer) -> None:
    answer = requests.post(f"{emulator.root_url}/app/oauth/v1/token/", data={"username": "user"})
    assert (answer.status_code, answer.json()) == (400, error("missing required field: password"))


def test_seven_wrong_logins_block_the_user_for_three_hours(
    emulator: EmulatorServer, clock: ManualClock
) -> None:
    url = f"{emulator.root_url}/app/oauth/v1/token/"
    for _ in range(7):
        assert requests.post(url, data={"username": "user", "password": "x"}).status_code == 401
    good = {"username": "user", "password": "secret"}
    blocked = requests.post(url, data=good)
    assert blocked.status_code == 403
    assert blocked.json() == error("too many failed logins: the account is blocked for 3 hours")
    clock.advance(3 * 3600)
    assert requests.post(url, data=good).status_code == 200


def test_login_allows_twenty_calls_a_minute(emulator: EmulatorServer, clock: ManualClock) -> None:
    url = f"{emulator.root_url}/app/oauth/v1/token/"
    good = {"username": "user", "password": "secret"}
    with requests.Session() as http:
        for _ in range(20):
            assert http.post(url, data=good).status_code == 200
        refused = http.post(url, data=good)
        assert (refused.status_code, refused.json()) == (429, error("too many requests"))
        assert refused.headers["Retry-After"] == "60"
        clock.advance(60)
        assert http.post(url, data=good).status_code == 200


# -- configurations ------------------------------------------------------------------------


def test_configurations_hold_the_seed_example(session: requests.Session, account_url: str) -> None:
    answer = session.get(f"{account_url}/configurations")
    assert answer.status_code == 200
    doc = answer.json()
    assert doc["status"] == "ok"
    assert doc["quota"] == {"limit": 560.0, "left": 544.0}
    assert doc["watermark"] is False
    assert doc["voices"]["Alena"] == {
        "language": "ru-RU",
        "gender": "female",
        "name": "alena",
        "provider": "Yandex",
        "emotions": ["neutral", "good"],
    }
    assert doc["voices"]["Sara"]["name"] == "en-US-SaraNeural"
    assert doc["voices"]["Mia"]["name"] == "en-GB-MiaNeural"
    natalia = doc["models"]["Natalia"]
    assert natalia["1.0.0"]["style"] == "suitjacket"
    assert natalia["4.0.0"]["style"] == "dressshirt"
    for version in ("1.0.0", "4.0.0"):
        assert natalia[version]["shots"]["waist"] == {
            "size": "HD",
            "out_size": {"width": 512, "height": 720},
        }
    assert {"background_1", "globe", "green_screen"} <= set(doc["backgrounds"])
    assert doc["backgrounds"]["green_screen"]["sizes"] == ["SD", "HD", "FullHD", "4K"]


# -- generate ------------------------------------------------------------------------------


def test_generate_answers_202_with_a_uuid(session: requests.Session, account_url: str) -> None:
    answer = session.post(f"{account_url}/generate", json=SEED_EXAMPLE)
    assert answer.status_code == 202
    doc = answer.json()
    assert set(doc) == {"status", "id"} and doc["status"] == "ok"
    assert uuid.UUID(doc["id"]).version == 4


def test_generate_resolves_latest_to_the_highest_fitting_version(
    emulator: EmulatorServer, session: requests.Session, account_url: str
) -> None:
    first = create(session, account_url, actor__version="latest", actor__style=None)
    second = create(
        session, account_url, actor__version=None, actor__style="suitjacket", voice="Alena"
    )
    third = create(
        session,
        account_url,
        actor={"name": "Ivan", "shot": "waist", "size": "FullHD"},
        voice="Guy",
    )
    versions = {k: v.generation.model_version for k, v in emulator.world.videos.items()}
    assert (versions[first], versions[second], versions[third]) == ("4.0.0", "1.0.0", "2.0.0")


BAD_BODIES_400 = [
    ({"script": None}, "missing required field: script"),
    ({"actor": None}, "missing required field: actor"),
    ({"voice": None}, "missing required field: voice"),
    ({"actor__name": None}, "missing required field: actor.name"),
    ({"actor__shot": None}, "missing required field: actor.shot"),
    ({"script": 5}, "field script must be a string"),
    ({"actor": "Natalia"}, "field actor must be an object"),
    ({"composition": []}, "field composition must be an object"),
    ({"actor__size": 1080}, "field actor.size must be a string"),
]


@pytest.mark.parametrize(("changes", "message"), BAD_BODIES_400)
def test_generate_refuses_malformed_bodies_with_400(
    session: requests.Session, account_url: str, changes: dict[str, Any], message: str
) -> None:
    answer = session.post(f"{account_url}/generate", json=body(**changes))
    assert (answer.status_code, answer.json()) == (400, error(message))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "invalid JSON: Expecting property name enclosed in double quotes at line 1"),
        (b"", "invalid JSON: Expecting value at line 1 column 1"),
        (b"[1, 2]", "request body must be a JSON object"),
    ],
)
def test_generate_refuses_bad_json_with_400(
    session: requests.Session, account_url: str, raw: bytes, message: str
) -> None:
    answer = session.post(
        f"{account_url}/generate", data=raw, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    assert answer.json()["status"] == "ERROR"
    assert answer.json()["message"].startswith(message)


TOO_LONG_SCRIPT = "word " * 600 + "x"  # 3001 characters
LONG_SPEECH = "a" * 2600  # 2600 / 14 = 185.7 s


BAD_BODIES_422 = [
    ({"actor__style": "hoodie", "actor__version": "latest"}, "bad style for Natalia-latest"),
    ({"actor__style": "hoodie", "actor__version": None}, "bad style for Natalia-latest"),
    ({"actor__shot": "closeup"}, "bad shot for Natalia-4.0.0"),
    ({"actor__size": "4K"}, "bad size for Natalia-4.0.0"),
    ({"actor__version": "9.9.9"}, "bad version for Natalia-9.9.9"),
    ({"actor__name": "Boris"}, "unknown actor Boris"),
    ({"voice": "Bob"}, "unknown voice Bob"),
    (
        {"voice": "Mia", "actor__version": "1.0.0", "actor__style": "suitjacket"},
        "voice Mia is not available for Natalia-1.0.0",
    ),
    ({"voice": "Filipp"}, "voice Filipp is not available for Natalia-4.0.0"),
    (
        {
            "actor": {"name": "Ivan", "shot": "waist", "size": "FullHD"},
            "voice": "Guy",
            "background": "globe",
        },
        "background globe has no size FullHD",
    ),
    ({"background": "classroom"}, "background classroom has no size HD"),
    ({"background": "moon"}, "unknown background moon"),
    ({"emotion": "good"}, "emotion good is not available for voice Sara"),
    ({"voice": "Alena", "emotion": "angry"}, "emotion angry is not available for voice Alena"),
    ({"script": ""}, "script is empty"),
    ({"script": TOO_LONG_SCRIPT}, "script is too long: 3001 characters, at most 3000"),
    (
        {"script": LONG_SPEECH},
        "video is too long: about 185.7 seconds estimated from the script, at most 180 (3 minutes)",
    ),
    ({"video_name": "x" * 36}, "video_name is too long: 36 characters, at most 35"),
    ({"colour": "red"}, "unknown parameter: colour"),
    ({"actor__hair": "red"}, "unknown parameter: actor.hair"),
    (
        {"composition": {"scale": 0}},
        "bad composition.scale: 0, expected a number in (0, 1]",
    ),
    (
        {"composition": {"crop": 1.5}},
        "bad composition.crop: 1.5, expected a number in (0, 1]",
    ),
    (
        {"composition": {"shift": -1.01}},
        "bad composition.shift: -1.01, expected a number in [-1, 1]",
    ),
    (
        {"composition": {"scale": "big"}},
        "bad composition.scale: 'big', expected a number in (0, 1]",
    ),
    (
        {"composition": {"orientation": "diagonal"}},
        "bad composition.orientation: 'diagonal', expected one of horizontal, vertical",
    ),
    (
        {"composition": {"frame_style": "oval"}},
        "bad composition.frame_style: 'oval', expected one of rectangle, circle",
    ),
    (
        {"composition": {"frame_style": "circle", "location": "middle"}},
        "bad composition.location: 'middle', expected one of upperleft, upperright, "
        "lowerleft, lowerright",
    ),
    (
        {"composition": {"frame_style": "circle", "border_color": "black"}},
        "bad composition.border_color: 'black', expected #RRGGBB",
    ),
    (
        {"composition": {"frame_style": "circle", "scale": 0.5}},
        "composition.scale is not valid with frame_style circle",
    ),
    (
        {"composition": {"location": "upperright"}},
        "composition.location is valid only with frame_style circle",
    ),
    ({"circle": {"radius": 3}}, "unknown parameter: circle.radius"),
    (
        {"circle": {"location": "upperleft"}, "composition": {"frame_style": "rectangle"}},
        "circle cannot be used with composition.frame_style rectangle",
    ),
]


@pytest.mark.parametrize(("changes", "message"), BAD_BODIES_422)
def test_generate_refuses_inconsistent_bodies_with_422(
    session: requests.Session, account_url: str, changes: dict[str, Any], message: str
) -> None:
    answer = session.post(f"{account_url}/generate", json=body(**changes))
    assert (answer.status_code, answer.json()) == (422, error(message))


def test_generate_accepts_the_limits_exactly(
    emulator: EmulatorServer, session: requests.Session, account_url: str
) -> None:
    emulator.configure(post_limit=emulator.settings.post_limit.__class__(100, 60.0))
    create(session, account_url, video_name="x" * 35)
    create(session, account_url, script="a" * 2520)  # 180.0 seconds exactly
    ssml = "<speak>" + "a" * 2001 + "<p/>" * 246 + "</speak>"  # 3000 characters, 143 s
    assert len(ssml) == 3000
    create(session, account_url, script=ssml)
    create(
        session,
        account_url,
        composition={"orientation": "vertical", "scale": 1, "crop": 0.01, "shift": -1},
    )
    create(
        session,
        account_url,
        composition={"frame_style": "circle", "location": "lowerright", "border_color": "#00ff00"},
    )
    create(session, account_url, circle={"location": "upperright"})


def test_ssml_breaks_count_towards_the_duration(
    emulator: EmulatorServer, session: requests.Session, account_url: str
) -> None:
    script = '<speak>Hello <break time="1500ms"/> world<break time="2s"/></speak>'
    video_id = create(session, account_url, script=script)
    duration = emulator.world.videos[video_id].generation.duration
    assert duration == pytest.approx(len("Hello world") / 14 + 3.5)
    over = "a" * 2380 + '<break time="11s"/>'
    answer = session.post(f"{account_url}/generate", json=body(script=over))
    assert answer.status_code == 422
    assert answer.json()["message"].startswith("video is too long: about 181.0 seconds")


# -- tasks ---------------------------------------------------------------------------------


def test_task_status_body(session: requests.Session, account_url: str, clock: ManualClock) -> None:
    video_id = create(session, account_url)
    answer = session.get(f"{account_url}/tasks/{video_id}")
    assert answer.status_code == 200
    assert answer.json() == {
        "status": "ok",
        "task": {
            "id": video_id,
            "attempts": 0,
            "status": "in_queue",
            "message": "task is waiting in the queue",
        },
    }


def test_unknown_task_is_404_no_such_video(session: requests.Session, account_url: str) -> None:
    missing = str(uuid.uuid4())
    for answer in (
        session.get(f"{account_url}/tasks/{missing}"),
        session.delete(f"{account_url}/tasks/{missing}"),
        session.get(f"{account_url}/videos/{missing}/download"),
        session.patch(f"{account_url}/videos/{missing}", json={"video_name": "x"}),
        session.delete(f"{account_url}/videos/{missing}"),
    ):
        assert (answer.status_code, answer.json()) == (404, error("no such video"))


def test_cancel_while_queued_then_refused(session: requests.Session, account_url: str) -> None:
    video_id = create(session, account_url)
    answer = session.delete(f"{account_url}/tasks/{video_id}")
    assert (answer.status_code, answer.json()) == (200, {"status": "ok"})
    task = session.get(f"{account_url}/tasks/{video_id}").json()["task"]
    assert task == {
        "id": video_id,
        "attempts": 0,
        "status": "CANCELED",
        "message": "canceled by user request",
    }
    again = session.delete(f"{account_url}/tasks/{video_id}")
    assert (again.status_code, again.json()) == (400, error("wrong task status: CANCELED"))


def test_cancel_after_processing_is_refused(
    session: requests.Session, account_url: str, clock: ManualClock
) -> None:
    video_id = create(session, account_url)
    clock.advance(5)
    answer = session.delete(f"{account_url}/tasks/{video_id}")
    assert (answer.status_code, answer.json()) == (400, error("wrong task status: PROCESSED"))


# -- download ------------------------------------------------------------------------------


def test_download_link_serves_the_file(
    emulator: EmulatorServer, session: requests.Session, account_url: str, clock: ManualClock
) -> None:
    video_id = create(session, account_url)
    early = session.get(f"{account_url}/videos/{video_id}/download")
    assert (early.status_code, early.json()) == (400, error("wrong task status: IN_QUEUE"))
    clock.advance(5)
    answer = session.get(f"{account_url}/videos/{video_id}/download")
    assert answer.status_code == 200
    doc = answer.json()
    assert set(doc) == {"status", "url"} and doc["status"] == "ok"
    assert doc["url"].startswith(f"{emulator.root_url}/files/{video_id}.mp4?sig=")
    file = requests.get(doc["url"])
    assert file.status_code == 200
    assert file.headers["Content-Type"] == "video/mp4"
    assert file.content == fake_mp4(video_id)
    assert file.content[4:8] == b"ftyp"


def test_download_link_is_signed_and_expires(
    session: requests.Session, account_url: str, clock: ManualClock
) -> None:
    video_id = create(session, account_url)
    clock.advance(5)
    url = session.get(f"{account_url}/videos/{video_id}/download").json()["url"]
    assert requests.get(url[:-1] + ("0" if url[-1] != "0" else "1")).status_code == 403
    clock.advance(6 * 3600)
    assert requests.get(url).status_code == 403


# -- rename and delete ---------------------------------------------------------------------


def test_rename_changes_only_the_name(
    emulator: EmulatorServer, session: requests.Session, account_url: str
) -> None:
    video_id = create(session, account_url)
    answer = session.patch(f"{account_url}/videos/{video_id}", json={"video_name": "New name"})
    assert (answer.status_code, answer.json()) == (200, {"status": "ok", "message": "success"})
    assert emulator.world.videos[video_id].generation.video_name == "New name"


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        ({"video_name": "y" * 36}, 422, "video_name is too long: 36 characters, at most 35"),
        ({"video_name": 7}, 400, "field video_name must be a string"),
        ({"script": "new"}, 422, "unknown parameter: script"),
        (["video_name"], 400, "request body must be a JSON object"),
    ],
)
def test_rename_refusals(
    session: requests.Session, account_url: str, payload: Any, status: int, message: str
) -> None:
    video_id = create(session, account_url)
    answer = session.patch(f"{account_url}/videos/{video_id}", json=payload)
    assert (answer.status_code, answer.json()) == (status, error(message))


def test_delete_removes_the_video(
    emulator: EmulatorServer, session: requests.Session, account_url: str
) -> None:
    video_id = create(session, account_url)
    answer = session.delete(f"{account_url}/videos/{video_id}")
    assert (answer.status_code, answer.json()) == (200, {"status": "ok", "message": "success"})
    assert video_id not in emulator.world.videos
    gone = session.get(f"{account_url}/tasks/{video_id}")
    assert (gone.status_code, gone.json()) == (404, error("no such video"))


def test_request_log_records_method_path_status(
    emulator: EmulatorServer, session: requests.Session, account_url: str
) -> None:
    session.get(f"{account_url}/configurations")
    requests.get(f"{account_url}/configurations")
    assert emulator.request_log == [
        ("GET", "/app/th-api/v1/accounts/acme/configurations", 200),
        ("GET", "/app/th-api/v1/accounts/acme/configurations", 403),
    ]
