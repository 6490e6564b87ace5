"""Contract of the emulated Synthesia API v2: every endpoint, every documented error and limit,
over loopback HTTP, on the emulator's ``ManualClock`` (no test sleeps).

``Api`` sends what a user's curl would: ``Authorization: <key>``, JSON bodies. Each test names
the fact it holds the emulator to ([doc] in ``vidspec.providers.synthesia.api``, or the
[vidspec] choice the emulator records where the docs are silent).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from vidspec.emulator import EmulatorServer, EmulatorSettings, serve
from vidspec.emulator.synthesia import catalog
from vidspec.emulator.synthesia.limits import TIERS
from vidspec.emulator.synthesia.objects import video_bytes
from vidspec.providers.base import Rate

KEY = "syn-KEY-0042-secret"
ANNA, MIA = "anna_costume1_cameraA", "mia_costume1_cameraA"
VOICE = next(iter(catalog.VOICES))
PRODUCT = catalog.TEMPLATES[0]["id"]  # variables product_name, headline (strings), logo (image)
STOCK = catalog.TEMPLATES[2]["id"]
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
MISSING = "00000000-0000-4000-8000-000000000000"
DAY = 86400.0


def scene(**changes: Any) -> dict[str, Any]:
    """A valid scene, with changes (``None`` drops a field)."""
    out: dict[str, Any] = {"avatar": ANNA, "background": "off_white", "scriptText": "Hello there."}
    out.update(changes)
    return {k: v for k, v in out.items() if v is not None}


def body(**changes: Any) -> dict[str, Any]:
    """A valid create body, with top-level changes (``None`` drops a field)."""
    out: dict[str, Any] = {"input": [scene()], "title": "Welcome", "callbackId": "vs:welcome"}
    out.update(changes)
    return {k: v for k, v in out.items() if v is not None}


class Api:
    def __init__(self, server: EmulatorServer, key: str = KEY) -> None:
        self.base = server.base_url
        self.http = requests.Session()
        self.http.trust_env = False
        self.http.headers["Authorization"] = key

    def __call__(self, method: str, path: str, **kw: Any) -> requests.Response:
        return self.http.request(method, self.base + path, timeout=10, **kw)

    def create(self, **changes: Any) -> dict[str, Any]:
        answer = self("POST", "/v2/videos", json=body(**changes))
        assert answer.status_code == 200, answer.text
        return answer.json()


@pytest.fixture
def emulator_settings() -> EmulatorSettings:
    return EmulatorSettings(
        provider="synthesia", token=KEY, seed=3, queue_seconds=1.0, processing_seconds=4.0
    )


@pytest.fixture
def api(emulator: EmulatorServer) -> Iterator[Api]:
    client = Api(emulator)
    yield client
    client.http.close()


def _context(answer: requests.Response) -> str:
    document = answer.json()
    assert set(document) <= {"error", "context"}, document
    return str(document.get("context", ""))


# -- the house rules ---------------------------------------------------------------------------


def test_base_url_is_the_root_like_api_synthesia_io(emulator):
    assert emulator.base_url == emulator.root_url


@pytest.mark.parametrize("header", [None, "wrong", f"Bearer {KEY}", f"bearer {KEY}"])
def test_a_missing_or_wrong_key_or_a_bearer_scheme_is_403_forbidden(emulator, header):
    # [doc SW] the raw key in Authorization; 403 "Forbidden - Wrong API key"; no 401
    headers = {} if header is None else {"Authorization": header}
    answer = requests.get(f"{emulator.base_url}/v2/videos", headers=headers, timeout=5)
    assert answer.status_code == 403
    assert answer.json() == {"error": "Forbidden", "context": "Wrong API key."}
    assert Api(emulator)("GET", "/v2/videos").status_code == 200


def test_unknown_paths_are_404_and_wrong_methods_405(api):
    assert api("GET", "/v2/avatars").status_code == 404
    assert api("GET", "/v2/videos/fromTemplate").status_code == 405
    assert api("PUT", "/v2/videos").status_code == 405
    assert api("POST", "/v2/templates").status_code == 405
    assert api("GET", "/v2/nothing").json()["error"] == "Not Found"


# -- create --------------------------------------------------------------------------------------


def test_create_answers_200_with_the_video_object_in_progress_and_echoes_input(api, emulator):
    cta = {"label": "Buy", "url": "https://example.com/buy"}
    answer = api("POST", "/v2/videos", json=body(ctaSettings=cta, description="d"))
    assert answer.status_code == 200  # [doc SW] create is 200, fromTemplate 201
    video = answer.json()
    assert UUID.fullmatch(video["id"])
    assert video["status"] == "in_progress"
    assert video["input"] == [scene()]
    start = int(emulator.clock.now().timestamp())
    assert video["createdAt"] == video["lastUpdatedAt"] == start  # unix seconds
    assert {k: video[k] for k in ("title", "description", "callbackId", "ctaSettings")} == {
        "title": "Welcome",
        "description": "d",
        "callbackId": "vs:welcome",
        "ctaSettings": cta,
    }
    # [doc SW] defaults: private, 16:9, not a test
    assert (video["visibility"], video["aspectRatio"], video["test"]) == ("private", "16:9", False)
    assert "download" not in video and "duration" not in video
    again = api("GET", f"/v2/videos/{video['id']}").json()
    assert "input" not in again  # get does not return the script
    assert {k: v for k, v in video.items() if k != "input"} == again


def test_optional_fields_are_absent_when_not_given(api):
    video = api.create(callbackId=None, title=None)
    assert "callbackId" not in video and "ctaSettings" not in video and "folderId" not in video
    assert video["title"] == "" and video["description"] == ""


def test_every_documented_top_level_and_scene_field_is_accepted(api):
    full_scene = scene(
        background="https://example.com/bg.png",
        avatarSettings={
            "style": "circular",
            "voice": VOICE,
            "horizontalAlign": "left",
            "scale": 0.8,
            "backgroundColor": "#00ff00",
            "seamless": True,
        },
        backgroundSettings={"position": {"x": -10, "y": 5}, "scale": 1.5, "videoSettings": {}},
        soundSettings={"soundtrackVolume": 0.3},
        transition="fade",
    )
    audio = scene(scriptText=None, scriptAudio=MISSING, scriptLanguage="en-US", background=MISSING)
    video = api.create(
        input=[full_scene, audio],
        test=True,
        visibility="public",
        aspectRatio="9:16",
        folderId=MISSING,
        soundtrack="modern",
        soundSettings={"defaultSoundtrackVolume": 0.5, "soundtracks": []},
    )
    assert (video["visibility"], video["aspectRatio"], video["test"]) == ("public", "9:16", True)
    assert video["folderId"] == MISSING


@pytest.mark.parametrize(
    ("changes", "context"),
    [
        ({"input": None}, "input: Missing data for required field."),
        ({"input": []}, "input: Length must be between 1 and 25."),
        ({"input": [scene()] * 26}, "input: Length must be between 1 and 25."),
        ({"input": "hello"}, "input: Not a valid list."),
        ({"input": ["hello"]}, "input.0: Not a valid mapping type."),
        ({"titel": "typo"}, "titel: Unknown field."),
        ({"input": [scene(actor=ANNA)]}, "input.0.actor: Unknown field."),
        ({"input": [scene(avatar=None)]}, "input.0.avatar: Missing data for required field."),
        ({"input": [scene(avatar="nobody")]}, "input.0.avatar: Unknown avatar 'nobody'."),
        ({"input": [scene(background=None)]}, "input.0.background: Missing data for required"),
        ({"input": [scene(background="moon")]}, "input.0.background: Unknown background 'moon'"),
        ({"input": [scene(scriptText=None)]}, "input.0: Give exactly one of scriptText and"),
        ({"input": [scene(scriptAudio=MISSING)]}, "input.0: Give exactly one of scriptText and"),
        (
            {"input": [scene(scriptText=None, scriptAudio=MISSING)]},
            "input.0.scriptLanguage: Required with scriptAudio.",
        ),
        ({"input": [scene(scriptText="  ")]}, "input.0.scriptText: Shorter than minimum length"),
        ({"input": [scene(scriptText=7)]}, "input.0.scriptText: Not a valid string."),
        (
            {"input": [scene(avatarSettings={"voice": VOICE})]},
            "input.0.avatarSettings.style: Missing data for required field.",
        ),
        (
            {"input": [scene(avatarSettings={"style": "oval"})]},
            "input.0.avatarSettings.style: Must be one of: rectangular, circular, voiceOnly.",
        ),
        (
            {"input": [scene(avatarSettings={"style": "circular", "voice": "Sara"})]},
            "input.0.avatarSettings.voice: Not a valid UUID.",
        ),
        (
            {"input": [scene(avatarSettings={"style": "circular", "voice": MISSING})]},
            f"input.0.avatarSettings.voice: Unknown voice '{MISSING}'.",
        ),
        (
            {"input": [scene(avatarSettings={"style": "circular", "colour": "#fff"})]},
            "input.0.avatarSettings.colour: Unknown field.",
        ),
        (
            {"input": [scene(avatarSettings={"style": "circular", "backgroundColor": "red"})]},
            "input.0.avatarSettings.backgroundColor: Not a valid hex colour",
        ),
        ({"visibility": "secret"}, "visibility: Must be one of: private, public."),
        ({"aspectRatio": "4:3"}, "aspectRatio: Must be one of: 16:9, 9:16, 1:1, 4:5, 5:4."),
        ({"test": "yes"}, "test: Not a valid boolean."),
        ({"title": None, "description": 5}, "description: Not a valid string."),
        ({"ctaSettings": {"label": "Buy"}}, "ctaSettings.url: Missing data for required field."),
        ({"ctaSettings": {"label": "B", "url": "buy"}}, "ctaSettings.url: Not a valid URL."),
        ({"folderId": "inbox"}, "folderId: Not a valid UUID."),
        ({"soundtrack": "jazz"}, "soundtrack: Must be one of: corporate, inspirational"),
        ({"callbackId": None, "title": None, "test": None}, None),
    ],
)
def test_every_field_is_checked_with_a_marshmallow_style_400(api, emulator, changes, context):
    answer = api("POST", "/v2/videos", json=body(**changes))
    if context is None:
        assert answer.status_code == 200
        return
    assert answer.status_code == 400
    assert answer.json()["error"] == "Bad Request"
    assert context in _context(answer)
    assert emulator.world.count() == 0  # nothing made


def test_every_problem_of_a_body_is_reported_at_once(api):
    bad = body(titel="x", visibility="secret", input=[scene(avatar="nobody", background=None)])
    context = _context(api("POST", "/v2/videos", json=bad))
    assert context.split("; ") == [
        "titel: Unknown field.",
        "visibility: Must be one of: private, public.",
        "input.0.avatar: Unknown avatar 'nobody'.",
        "input.0.background: Missing data for required field.",
    ]


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"", "ü".encode("latin-1")])
def test_a_body_that_is_no_json_object_is_a_400(api, raw):
    answer = api("POST", "/v2/videos", data=raw, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400 and answer.json()["error"] == "Bad Request"


# -- the life of a video -------------------------------------------------------------------------


def test_in_progress_then_complete_with_download_duration_thumbnail_captions(api, emulator, clock):
    video = api.create(input=[scene(scriptText="x" * 140)])  # 10 s of speech
    clock.advance(4.9)  # queue 1 s + processing 4 s
    assert api("GET", f"/v2/videos/{video['id']}").json()["status"] == "in_progress"
    clock.advance(0.1)
    done = api("GET", f"/v2/videos/{video['id']}").json()
    assert done["status"] == "complete"
    assert done["duration"] == "0:00:10.000000"
    assert done["lastUpdatedAt"] == done["createdAt"] + 5
    assert set(done["thumbnail"]) == {"image", "gif"} and set(done["captions"]) == {"srt", "vtt"}
    file = requests.get(done["download"], timeout=5)  # no key needed: a signed link
    assert file.status_code == 200 and file.headers["Content-Type"] == "video/mp4"
    assert file.content == video_bytes(video["id"])
    for link in (*done["thumbnail"].values(), *done["captions"].values()):
        assert requests.get(link, timeout=5).status_code == 200


@pytest.mark.parametrize(("word", "status"), [("FAILME", "error"), ("REJECTME", "rejected")])
def test_test_hooks_end_a_video_in_error_or_rejected_without_a_file(api, clock, word, status):
    video = api.create(input=[scene(), scene(scriptText=f"please {word} now")])
    clock.advance(5)
    ended = api("GET", f"/v2/videos/{video['id']}").json()
    assert ended["status"] == status and "download" not in ended


def test_render_fail_rate_ends_videos_in_error(api, emulator, clock):
    emulator.configure(synthesia_render_fail_rate=1.0)
    video = api.create()
    clock.advance(5)
    assert api("GET", f"/v2/videos/{video['id']}").json()["status"] == "error"


def test_credits_are_two_per_started_second_of_complete_non_test_videos(api, emulator, clock):
    api.create(input=[scene(scriptText="x" * 141)])  # 10.07 s: 11 started seconds
    api.create(input=[scene(scriptText="x" * 141)], test=True)  # free [doc SW]
    api.create(input=[scene(scriptText="FAILME")])  # never complete
    assert requests.get(f"{emulator.root_url}/_admin/state", timeout=5).json()["creditsSpent"] == 0
    clock.advance(5)
    state = requests.get(f"{emulator.root_url}/_admin/state", timeout=5).json()
    assert state == {"videos": 3, "creditsSpent": 22}


def test_the_admin_catalog_lists_what_a_create_accepts(emulator):
    listed = requests.get(f"{emulator.root_url}/_admin/catalog", timeout=5).json()
    assert ANNA in listed["avatars"] and MIA in listed["avatars"]
    assert "open_office" in listed["backgrounds"] and len(listed["backgrounds"]) == 17
    assert VOICE in [v["id"] for v in listed["voices"]]
    assert requests.get(f"{emulator.root_url}/_admin/nothing", timeout=5).status_code == 404


# -- get, update, delete -------------------------------------------------------------------------


def test_get_of_an_unknown_video_is_404_and_of_no_uuid_400(api):
    assert api("GET", f"/v2/videos/{MISSING}").json() == {
        "error": "Not Found",
        "context": "Video not found.",
    }
    answer = api("GET", "/v2/videos/welcome")
    assert answer.status_code == 400 and _context(answer) == "video_id: Not a valid UUID."


def test_patch_changes_title_description_visibility_cta_even_in_progress(api, clock):
    video = api.create(ctaSettings={"label": "A", "url": "https://a.example"})
    clock.advance(2)
    changes = {"title": "New", "description": "More", "visibility": "public", "ctaSettings": None}
    answer = api("PATCH", f"/v2/videos/{video['id']}", json=changes)
    assert answer.status_code == 200
    patched = answer.json()
    assert patched["status"] == "in_progress"
    assert (patched["title"], patched["description"], patched["visibility"]) == (
        "New",
        "More",
        "public",
    )
    assert "ctaSettings" not in patched  # null removes it
    assert patched["lastUpdatedAt"] == video["createdAt"] + 2
    assert api("GET", "/v2/videos").json()["videos"][0]["title"] == "New"


@pytest.mark.parametrize(
    ("changes", "context"),
    [
        ({"callbackId": "other"}, "callbackId: Unknown field."),
        ({"input": [scene()]}, "input: Unknown field."),
        ({"aspectRatio": "1:1"}, "aspectRatio: Unknown field."),
        ({"visibility": "everyone"}, "visibility: Must be one of: private, public."),
    ],
)
def test_patch_refuses_what_cannot_change_in_place(api, changes, context):
    video = api.create()
    answer = api("PATCH", f"/v2/videos/{video['id']}", json=changes)
    assert answer.status_code == 400 and _context(answer) == context


def test_patch_and_delete_of_an_unknown_video_are_404(api):
    assert api("PATCH", f"/v2/videos/{MISSING}", json={"title": "x"}).status_code == 404
    assert api("DELETE", f"/v2/videos/{MISSING}").status_code == 404


def test_delete_is_204_without_a_body_and_the_video_is_gone(api, emulator):
    video = api.create()  # in progress: deleting is allowed [vidspec]
    answer = api("DELETE", f"/v2/videos/{video['id']}")
    assert answer.status_code == 204 and answer.content == b""
    assert api("GET", f"/v2/videos/{video['id']}").status_code == 404
    assert api("GET", "/v2/videos").json() == {"videos": []}
    assert api("DELETE", f"/v2/videos/{video['id']}").status_code == 404
    assert emulator.world.count() == 0


# -- the listing ---------------------------------------------------------------------------------


def test_the_listing_pages_by_offset_newest_first_with_next_offset_while_more_remain(
    api, emulator, clock
):
    made = []
    for i in range(45):
        made.append(emulator.world.add_video(title=f"v{i}", callback_id=f"vs:{i}").id)
        clock.advance(1)
    first = api("GET", "/v2/videos").json()  # limit defaults to 20
    assert len(first["videos"]) == 20 and first["nextOffset"] == 20
    assert [v["id"] for v in first["videos"]] == made[::-1][:20]
    seen = [v["id"] for v in first["videos"]]
    offset = first["nextOffset"]
    while True:
        page = api("GET", "/v2/videos", params={"limit": 20, "offset": offset}).json()
        seen += [v["id"] for v in page["videos"]]
        if "nextOffset" not in page:
            break
        offset = page["nextOffset"]
    assert seen == made[::-1]
    assert api("GET", "/v2/videos", params={"offset": 45}).json() == {"videos": []}


def test_list_items_are_full_video_objects_with_callback_id_but_no_input(api, clock):
    made = api.create()
    clock.advance(5)
    (item,) = api("GET", "/v2/videos", params={"limit": 100}).json()["videos"]
    assert item["callbackId"] == "vs:welcome" and item["status"] == "complete"
    assert "input" not in item and item["download"].startswith("http://127.0.0.1:")
    assert item["id"] == made["id"]


def test_in_progress_videos_are_listed(api):
    api.create()
    assert [v["status"] for v in api("GET", "/v2/videos").json()["videos"]] == ["in_progress"]


def test_source_is_checked_but_does_not_filter(api):
    api.create()
    for source in ("workspace", "my_videos", "shared_with_me", "workspace,my_videos"):
        assert len(api("GET", "/v2/videos", params={"source": source}).json()["videos"]) == 1
    answer = api("GET", "/v2/videos", params=[("source", "workspace"), ("source", "mine")])
    assert answer.status_code == 400 and "source: Must be one of" in _context(answer)


@pytest.mark.parametrize(
    ("params", "context"),
    [
        ({"limit": 0}, "limit: Must be an integer greater than or equal to 1 and less"),
        ({"limit": 101}, "limit: Must be an integer greater than or equal to 1 and less"),
        ({"limit": "ten"}, "limit: Must be an integer"),
        ({"offset": -1}, "offset: Must be an integer greater than or equal to 0."),
    ],
)
def test_bad_listing_parameters_are_400s(api, params, context):
    answer = api("GET", "/v2/videos", params=params)
    assert answer.status_code == 400 and context in _context(answer)


# -- templates -----------------------------------------------------------------------------------


def test_templates_are_listed_in_the_documented_shape_and_source_filters(api):
    listed = api("GET", "/v2/templates").json()
    assert "nextOffset" not in listed
    assert [t["id"] for t in listed["templates"]] == [t["id"] for t in catalog.TEMPLATES]
    first = listed["templates"][0]
    assert set(first) == {
        "id",
        "title",
        "description",
        "ctaSettings",
        "variables",
        "createdAt",
        "lastUpdatedAt",
    }
    assert first["variables"][0] == {"id": "product_name", "type": "string", "value": "Acme"}
    stock = api("GET", "/v2/templates", params={"source": "synthesia"}).json()["templates"]
    assert [t["id"] for t in stock] == [STOCK]
    paged = api("GET", "/v2/templates", params={"limit": 2}).json()
    assert len(paged["templates"]) == 2 and paged["nextOffset"] == 2
    assert api("GET", "/v2/templates", params={"source": "mine"}).status_code == 400


def test_one_template_or_404_template_not_found(api):
    assert api("GET", f"/v2/templates/{PRODUCT}").json()["title"] == "Product update"
    missing = api("GET", f"/v2/templates/{MISSING}")
    assert missing.status_code == 404 and _context(missing) == "Template not found."
    assert api("GET", "/v2/templates/product").status_code == 400


def test_from_template_answers_201_with_the_templates_title_by_default(api, emulator, clock):
    answer = api(
        "POST",
        "/v2/videos/fromTemplate",
        json={"templateId": PRODUCT, "templateData": {"product_name": "Rocket"}, "test": True},
    )
    assert answer.status_code == 201
    video = answer.json()
    assert (video["title"], video["test"], video["status"]) == (
        "Product update",
        True,
        "in_progress",
    )
    clock.advance(5)
    done = api("GET", f"/v2/videos/{video['id']}").json()
    assert done["duration"] == "0:00:45.000000"  # the template's length [vidspec]
    file = requests.get(done["download"], timeout=5).content
    assert file == video_bytes(video["id"], test=True) != video_bytes(video["id"])  # watermarked
    record = emulator.world.get(video["id"])
    assert record.template_id == PRODUCT


@pytest.mark.parametrize(
    ("changes", "status", "context"),
    [
        ({"templateData": {"prodct_name": "x"}}, 400, "templateData.prodct_name: Unknown variable"),
        ({"templateData": {"headline": 5}}, 400, "templateData.headline: Not a valid string."),
        ({"templateData": {"logo": "logo.png"}}, 400, "Not a URL or an asset id (the image"),
        ({"templateData": None}, 400, "templateData: Missing data for required field."),
        ({"templateId": "product"}, 400, "templateId: Not a valid UUID."),
        ({"templateId": MISSING}, 404, "Template not found."),
        ({"input": [scene()]}, 400, "input: Unknown field."),
    ],
)
def test_from_template_checks_the_template_and_its_variables(
    api, emulator, changes, status, context
):
    sent = {"templateId": PRODUCT, "templateData": {"product_name": "Rocket"}, **changes}
    answer = api(
        "POST", "/v2/videos/fromTemplate", json={k: v for k, v in sent.items() if v is not None}
    )
    assert answer.status_code == status and context in _context(answer)
    assert emulator.world.count() == 0


# -- the limits ----------------------------------------------------------------------------------


def test_tier_3_is_the_default_every_window_of_writes_and_reads():
    settings = EmulatorSettings(provider="synthesia")
    assert (settings.synthesia_write_limits, settings.synthesia_read_limits) == TIERS["3"]
    assert settings.synthesia_write_limits == (Rate(60, 60.0), Rate(300, 3600.0), Rate(1000, DAY))
    assert (
        settings.synthesia_test_video_limit == Rate(30, DAY)
        and settings.synthesia_write_scope == "endpoint"
    )


def test_the_61st_create_in_a_minute_is_429_with_ratelimit_headers_and_not_counted(
    api, emulator, clock
):
    for _ in range(60):
        api.create()
        clock.advance(0.5)  # 60 in 30 s
    refused = api("POST", "/v2/videos", json=body())
    assert refused.status_code == 429
    assert refused.headers["RateLimit-Limit"] == "60"
    assert refused.headers["RateLimit-Reset"] == "30"  # the first frees its slot at 60 s
    assert refused.json()["error"] == "Too Many Requests"
    assert emulator.world.count() == 60
    clock.advance(29)
    assert api("POST", "/v2/videos", json=body()).status_code == 429  # a second still
    clock.advance(1)
    assert api("POST", "/v2/videos", json=body()).status_code == 200  # refused ones not counted


def test_the_hour_and_the_day_windows_answer_with_their_own_limit(api, emulator, clock):
    emulator.configure(synthesia_write_limits=(Rate(2, 60.0), Rate(3, 3600.0), Rate(4, DAY)))
    for _ in range(2):
        api.create()
    assert api("POST", "/v2/videos", json=body()).headers["RateLimit-Limit"] == "2"
    clock.advance(60)
    api.create()
    hour = api("POST", "/v2/videos", json=body())
    assert (hour.status_code, hour.headers["RateLimit-Limit"]) == (429, "3")
    assert hour.headers["RateLimit-Reset"] == "3540"
    clock.advance(3540)
    api.create()
    day = api("POST", "/v2/videos", json=body())
    assert (day.status_code, day.headers["RateLimit-Limit"]) == (429, "4")
    assert int(day.headers["RateLimit-Reset"]) == DAY - 3600
    clock.advance(int(day.headers["RateLimit-Reset"]))  # waiting Reset always suffices
    assert api("POST", "/v2/videos", json=body()).status_code == 200


def test_of_several_full_windows_the_one_that_frees_last_is_named(api, emulator):
    emulator.configure(synthesia_write_limits=(Rate(1, 60.0), Rate(1, 3600.0)))
    api.create()
    refused = api("POST", "/v2/videos", json=body())
    assert refused.headers["RateLimit-Limit"] == "1"
    assert refused.headers["RateLimit-Reset"] == "3600"


def test_write_limits_count_per_endpoint_or_shared(api, emulator, clock):
    emulator.configure(synthesia_write_limits=(Rate(1, 60.0),))
    video = api.create()
    assert api("POST", "/v2/videos", json=body()).status_code == 429
    assert api("PATCH", f"/v2/videos/{video['id']}", json={"title": "x"}).status_code == 200
    template = {"templateId": PRODUCT, "templateData": {}}
    assert api("POST", "/v2/videos/fromTemplate", json=template).status_code == 201
    clock.advance(60)
    emulator.configure(synthesia_write_scope="shared")
    assert api("PATCH", f"/v2/videos/{video['id']}", json={"title": "y"}).status_code == 200
    assert api("DELETE", f"/v2/videos/{video['id']}").status_code == 429
    assert api("POST", "/v2/videos", json=body()).status_code == 429


def test_reads_have_their_own_windows_per_endpoint(api, emulator, clock):
    emulator.configure(synthesia_read_limits=(Rate(2, 60.0), Rate(3, DAY)))
    video = api.create()
    for _ in range(2):
        assert api("GET", "/v2/videos").status_code == 200
    refused = api("GET", "/v2/videos")
    assert (refused.status_code, refused.headers["RateLimit-Limit"]) == (429, "2")
    assert api("GET", f"/v2/videos/{video['id']}").status_code == 200  # another endpoint
    assert api("POST", "/v2/videos", json=body()).status_code == 200  # writes: their own
    clock.advance(60)
    api("GET", "/v2/videos")
    day = api("GET", "/v2/videos")
    assert (day.status_code, day.headers["RateLimit-Limit"]) == (429, "3")


def test_a_refused_body_still_counts_in_its_window(api, emulator):
    emulator.configure(synthesia_write_limits=(Rate(1, 60.0),))
    assert api("POST", "/v2/videos", json=body(titel="typo")).status_code == 400
    assert api("POST", "/v2/videos", json=body()).status_code == 429


def test_test_videos_are_limited_a_day_apart_from_real_ones(api, emulator, clock):
    emulator.configure(synthesia_test_video_limit=Rate(2, DAY))
    api.create(test=True)
    clock.advance(10)
    api.create(test=True)
    refused = api("POST", "/v2/videos", json=body(test=True))
    assert refused.status_code == 429
    assert (refused.headers["RateLimit-Limit"], refused.headers["RateLimit-Reset"]) == (
        "2",
        str(int(DAY) - 10),  # the first frees its slot a day after it was made
    )
    assert "test videos" in _context(refused)
    assert api("POST", "/v2/videos", json=body()).status_code == 200  # real ones go on
    template = {"templateId": PRODUCT, "templateData": {}, "test": True}
    assert api("POST", "/v2/videos/fromTemplate", json=template).status_code == 429
    assert emulator.world.count() == 3


def test_no_test_videos_at_all_is_a_setting(api, emulator):
    emulator.configure(synthesia_test_video_limit=Rate(0, DAY))
    refused = api("POST", "/v2/videos", json=body(test=True))
    assert (refused.status_code, refused.headers["RateLimit-Limit"]) == (429, "0")
    assert emulator.world.count() == 0


def test_the_limits_are_changeable_while_serving_and_checked():
    with pytest.raises(ValueError, match="synthesia_write_limits must be rates"):
        EmulatorSettings(provider="synthesia", synthesia_write_limits=())
    with pytest.raises(ValueError, match="synthesia_write_scope must be one of endpoint, shared"):
        EmulatorSettings(provider="synthesia", synthesia_write_scope="global")
    with pytest.raises(ValueError, match="synthesia_render_fail_rate must be between 0 and 1"):
        EmulatorSettings(provider="synthesia", synthesia_render_fail_rate=2.0)
    with pytest.raises(ValueError, match="synthesia_link_seconds must be a number of seconds > 0"):
        EmulatorSettings(provider="synthesia", synthesia_link_seconds=0)
    with pytest.raises(ValueError, match="synthesia_read_limits must be rates"):
        EmulatorSettings(provider="synthesia", synthesia_read_limits=(Rate(0, 60.0),))


# -- links, faults, persistence ------------------------------------------------------------------


def test_download_links_expire_and_refuse_tampering_with_an_s3_style_403(api, emulator, clock):
    emulator.configure(synthesia_link_seconds=600)
    video = api.create()
    clock.advance(5)
    link = api("GET", f"/v2/videos/{video['id']}").json()["download"]
    assert requests.get(link, timeout=5).status_code == 200
    tampered = link.replace("video.mp4", "thumbnail.jpg")
    refused = requests.get(tampered, timeout=5)
    assert refused.status_code == 403 and b"<Code>AccessDenied</Code>" in refused.content
    clock.advance(600)
    expired = requests.get(link, timeout=5)
    assert expired.status_code == 403 and b"Request has expired" in expired.content
    fresh = api("GET", f"/v2/videos/{video['id']}").json()["download"]
    assert requests.get(fresh, timeout=5).status_code == 200


def test_a_lost_create_answer_still_made_the_video_with_its_callback_id(api, emulator):
    emulator.configure(lose_response_rate=1.0)
    for _ in range(3):  # a 500, or a connection closed unanswered
        with pytest.raises(requests.RequestException):
            api("POST", "/v2/videos", json=body()).raise_for_status()
    emulator.configure(lose_response_rate=0.0)
    listed = api("GET", "/v2/videos").json()["videos"]
    assert [v["callbackId"] for v in listed] == ["vs:welcome"] * 3
    assert {s for m, _, s in emulator.request_log if m == "POST"} <= {0, 500}


def test_gateway_faults_hit_the_api_but_not_the_files(api, emulator, clock):
    video = api.create()
    clock.advance(5)
    link = api("GET", f"/v2/videos/{video['id']}").json()["download"]
    emulator.configure(fail_rate=1.0)
    assert api("GET", "/v2/videos").status_code in (500, 503)
    assert requests.get(link, timeout=5).status_code == 200


def test_the_world_persists_in_the_data_directory(tmp_path, clock):
    settings = EmulatorSettings(provider="synthesia", token=KEY, data_dir=tmp_path, seed=1)
    with serve(settings, clock=clock) as first:
        api = Api(first)
        video = api.create(input=[scene(scriptText="x" * 28)])
        doomed = api.create(callbackId="vs:doomed")
        api("DELETE", f"/v2/videos/{doomed['id']}")
        api("PATCH", f"/v2/videos/{video['id']}", json={"visibility": "public"})
    assert (tmp_path / "synthesia-videos.json").is_file()
    clock.advance(5)
    with serve(settings, clock=clock) as second:
        api = Api(second)
        (kept,) = api("GET", "/v2/videos").json()["videos"]
        assert (kept["id"], kept["status"], kept["visibility"]) == (
            video["id"],
            "complete",
            "public",
        )
        assert kept["callbackId"] == "vs:welcome"
        assert requests.get(kept["download"], timeout=5).content == video_bytes(video["id"])
        assert second.world.credits_spent == 4


# -- vidspec emulator --provider synthesia -------------------------------------------------------


@pytest.mark.slow
def test_the_cli_serves_synthesia_with_a_tier_and_scaled_windows(tmp_path: Path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "vidspec", "emulator", "--provider", "synthesia", "--port", "0",
         "--api-key", KEY, "--tier", "1", "--window-scale", "0.5", "--quiet"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        printed = dict(proc.stdout.readline().strip().partition(": ")[::2] for _ in range(4))
        assert printed["vidspec emulator"] == "Synthesia API v2"
        assert printed["api_key"] == KEY
        base = printed["base_url"]
        headers = {"Authorization": KEY}
        answers = [
            requests.post(f"{base}/v2/videos", json=body(), headers=headers, timeout=5)
            for _ in range(121)
        ]
        refused = [a for a in answers if a.status_code == 429]
        assert len(refused) == 1, "tier 1 allows 120 writes a minute (here 30 s); not 121"
        assert refused[0].headers["RateLimit-Limit"] == "120"
        assert 1 <= int(refused[0].headers["RateLimit-Reset"]) <= 30  # the minute, halved
        catalog_doc = requests.get(printed["catalog"].removeprefix("GET "), timeout=5).json()
        assert ANNA in catalog_doc["avatars"]
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


def test_the_create_echo_is_json_the_vendors_way(api):
    # camelCase keys, no envelope: the video object is the whole body [doc]
    video = api("POST", "/v2/videos", json=body()).json()
    assert "data" not in video and "code" not in video
    assert [k for k in video if "_" in k] == []  # createdAt, callbackId, aspectRatio ...
    assert {"createdAt", "lastUpdatedAt", "callbackId", "aspectRatio"} <= set(video)
