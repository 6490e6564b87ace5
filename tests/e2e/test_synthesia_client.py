"""The Synthesia client against the Synthesia emulator over loopback.

Client and emulator share one ``ManualClock``: the client's windows (and the waits a 429's
``RateLimit-Reset`` asks for) advance that clock, so the emulator sees the same seconds pass
and no test sleeps. ``emulator.request_log`` is what the server saw, call by call; the hostile
proxy (``tests/support/hostile.py``) stands in for a service that misbehaves.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from hostile import answer, rewrite_json, serve_hostile

from vidspec.core.clock import ManualClock
from vidspec.core.errors import (
    AuthError,
    InvalidRequest,
    NotFound,
    OutcomeUnknown,
    ProjectError,
    ProviderError,
    QuotaExhausted,
    RateLimited,
    WaitTooLong,
)
from vidspec.core.videos import TaskState
from vidspec.emulator import EmulatorServer, EmulatorSettings, serve
from vidspec.emulator.synthesia import catalog as emulated
from vidspec.emulator.synthesia.objects import video_bytes
from vidspec.http.client import HttpPolicy
from vidspec.providers.base import Canceler, Catalog, Deleter, Provider, Rate, Renamer
from vidspec.providers.synthesia.api import CAPABILITIES, LIMITS, TIERS, Limits
from vidspec.providers.synthesia.catalog import FORM_ONLY, SynthesiaCatalog
from vidspec.providers.synthesia.provider import SynthesiaProvider

KEY = "syn-SECRET-KEY-4711"
FAST = HttpPolicy(retries=3, backoff_factor=0.01, backoff_jitter=0.0)
ANNA = "anna_costume1_cameraA"
PRODUCT = emulated.TEMPLATES[0]["id"]
MISSING = "00000000-0000-4000-8000-000000000000"
DAY = 86400.0
SPEC: dict[str, Any] = {
    "title": "Welcome to Acme",
    "input": [{"avatar": ANNA, "background": "off_white", "scriptText": "Hello and welcome!"}],
}


@pytest.fixture
def emulator_settings() -> EmulatorSettings:
    return EmulatorSettings(
        provider="synthesia", token=KEY, seed=5, queue_seconds=1.0, processing_seconds=4.0
    )


def _client(base_url: str, clock: ManualClock, **kw: Any) -> SynthesiaProvider:
    args: dict[str, Any] = {"api_key": KEY, "policy": FAST}
    args.update(kw)
    return SynthesiaProvider(base_url=base_url, clock=clock, trust_env=False, **args)


@pytest.fixture
def provider(emulator: EmulatorServer, clock: ManualClock) -> Iterator[SynthesiaProvider]:
    client = _client(emulator.base_url, clock)
    yield client
    client.close()


def _api_calls(server: EmulatorServer, method: str | None = None) -> list[tuple[str, str, int]]:
    return [
        e
        for e in server.request_log
        if not e[1].startswith("/files/") and (method is None or e[0] == method)
    ]


def _other_program(server: EmulatorServer, method: str, path: str, **kw: Any) -> int:
    """A call with the same key from another program (not counted in the client's windows)."""
    sent = requests.request(
        method, server.base_url + path, headers={"Authorization": KEY}, timeout=5, **kw
    )
    return sent.status_code


# -- what it is --------------------------------------------------------------------------------


def test_it_is_a_provider_that_renames_and_deletes_but_cannot_cancel(provider):
    assert isinstance(provider, Provider)
    assert isinstance(provider, Renamer) and isinstance(provider, Deleter)
    assert not isinstance(provider, Canceler)
    caps = provider.capabilities
    assert caps == CAPABILITIES
    assert (caps.kind, caps.display_name) == ("synthesia", "Synthesia")
    assert (caps.can_rename, caps.can_delete, caps.can_cancel) == (True, True, False)
    assert (caps.name_field, caps.script_path) == ("title", "input.*.scriptText")
    assert caps.generation_rate == Rate(60, 60.0) and caps.request_rate is None
    assert caps.listing_shows_tasks and caps.listing_end == "marked"
    assert caps.list_page_size == 100
    assert caps.spec_defaults == {
        "title": "",
        "description": "",
        "visibility": "private",
        "aspectRatio": "16:9",
    }


def test_the_limits_are_data_every_window_of_each_tier():
    # [doc RL] what the core will lift into Capabilities (issue 23)
    assert LIMITS is TIERS["3"]
    assert LIMITS.writes == (Rate(60, 60.0), Rate(300, 3600.0), Rate(1000, DAY))
    assert LIMITS.reads == (Rate(60, 60.0), Rate(20000, DAY))
    assert LIMITS.scope == "endpoint" and LIMITS.concurrency is None
    assert LIMITS.test_videos == Rate(30, DAY)
    assert TIERS["2"].writes[2] == Rate(2000, DAY)
    assert TIERS["1"].reads == (Rate(120, 60.0), Rate(80000, DAY))
    assert LIMITS.binding_write == Rate(60, 60.0)


def test_the_generation_rate_follows_the_tier(emulator, clock):
    client = _client(emulator.base_url, clock, limits=TIERS["1"])
    assert client.capabilities.generation_rate == Rate(120, 60.0)
    assert client.pacing.generations.rate == Rate(120, 60.0)


def test_an_empty_key_is_a_project_error():
    with pytest.raises(ProjectError, match="needs an API key"):
        SynthesiaProvider(api_key="")


# -- the operations ----------------------------------------------------------------------------


def test_create_list_status_download_rename_delete(provider, emulator, clock, tmp_path):
    video_id = provider.create(SPEC, callback_key="welcome:0f1e")
    (listed,) = provider.list_videos()
    assert (listed.id, listed.name, listed.state) == (
        video_id,
        "Welcome to Acme",
        TaskState.RUNNING,
    )
    assert listed.spec == {**CAPABILITIES.spec_defaults, "title": "Welcome to Acme"}
    clock.advance(5)
    done = provider.status([video_id])[video_id]
    assert done.state is TaskState.DONE and done.duration == pytest.approx(1.29, abs=0.01)
    saved = provider.download(video_id, tmp_path / "out" / "welcome.mp4")
    content = video_bytes(video_id)
    assert (
        saved.path.read_bytes() == content and saved.sha256 == hashlib.sha256(content).hexdigest()
    )
    provider.rename(video_id, "Hello, Acme")
    assert emulator.world.get(video_id).title == "Hello, Acme"
    changed = provider.update(video_id, description="new", visibility="public")
    assert (changed.title, changed.description, changed.visibility) == (
        "Hello, Acme",
        "new",
        "public",
    )
    provider.delete(video_id)
    assert provider.list_videos() == [] and provider.status([video_id]) == {}
    with pytest.raises(NotFound):
        provider.delete(video_id)
    assert provider.file_ledger.total == 1  # the file: not an API call
    assert provider.ledger.snapshot() == {"POST": 1, "GET": 5, "PATCH": 2, "DELETE": 2}


def test_the_api_key_is_sent_raw_and_a_wrong_one_is_an_auth_error_without_the_key(emulator, clock):
    client = _client(emulator.base_url, clock, api_key="not-the-key-9999")
    with pytest.raises(AuthError) as caught:
        client.list_videos()
    text = str(caught.value)
    assert "Synthesia refused the API key" in text and "HTTP 403" in text
    assert "Wrong API key" in text and "without 'Bearer'" in text
    assert "not-the-key-9999" not in text and KEY not in text


def test_the_callback_key_becomes_callback_id_and_is_checked(provider, emulator):
    video_id = provider.create(SPEC, callback_key="promo[sku-1]:ab12")
    assert emulator.world.get(video_id).callback_id == "vs:promo[sku-1]:ab12"
    (video,) = provider.videos()
    assert video.managed and video.callback_id == "vs:promo[sku-1]:ab12"
    for bad in ("", "x" * 65, "white space", "a/b"):
        with pytest.raises(ValueError, match="a callback key is 1 to 64"):
            provider.create(SPEC, callback_key=bad)
    assert len(_api_calls(emulator, "POST")) == 1  # nothing sent for a bad key


def test_a_refused_body_names_every_problem_with_the_services_context(provider):
    bad = {"input": [{"avatar": "nobody", "background": "moon", "scriptText": "hi"}]}
    with pytest.raises(InvalidRequest) as caught:
        provider.create(bad)
    text = str(caught.value)
    assert "Bad Request: input.0.avatar: Unknown avatar 'nobody'." in text
    assert "input.0.background: Unknown background 'moon'" in text


@pytest.mark.parametrize("status", [400, 402, 403])
def test_a_create_refused_for_credits_is_quota_exhausted(emulator, clock, status):
    # [vidspec] running out of credits is undocumented: a 4xx naming credits is fatal
    refusal = {"error": "Payment Required", "context": "Not enough credits to render"}
    with serve_hostile(emulator.root_url) as hostile:
        hostile.add("POST", r"^/v2/videos$", answer(status, refusal))
        client = _client(hostile.root_url, clock)
        expected = AuthError if status == 403 else QuotaExhausted
        with pytest.raises(expected) as caught:
            client.create(SPEC)
        assert "Not enough credits to render" in str(caught.value)
        hostile.add("GET", r"^/v2/templates$", answer(400, refusal))
        with pytest.raises(InvalidRequest):  # a read naming credits is no spent quota
            client.catalog()


def test_failed_and_rejected_videos_are_failed_with_what_moderation_said(provider, clock):
    failed = provider.create({**SPEC, "input": [{**SPEC["input"][0], "scriptText": "FAILME"}]})
    rejected = provider.create({**SPEC, "input": [{**SPEC["input"][0], "scriptText": "REJECTME"}]})
    clock.advance(5)
    states = provider.status([failed, rejected, MISSING, "not-an-id"])
    assert set(states) == {failed, rejected}  # unknown and non-UUID ids are left out
    assert states[failed].state is states[rejected].state is TaskState.FAILED
    assert states[rejected].message == "rejected by moderation"
    with pytest.raises(ProviderError, match=f"video {failed} cannot be downloaded: it is error"):
        provider.download(failed, Path("never.mp4"))


def test_ids_from_the_state_that_are_no_uuid_never_reach_a_path(provider, emulator):
    for call in (provider.get, provider.delete, lambda i: provider.rename(i, "x")):
        with pytest.raises(NotFound, match="is not a Synthesia video id"):
            call("../../v2/templates")
    assert emulator.request_log == []


# -- the listing -------------------------------------------------------------------------------


def test_the_listing_reads_every_page_of_100(provider, emulator, clock):
    for i in range(250):
        emulator.world.add_video(title=f"v{i}")
    videos = provider.list_videos(since=clock.now() - timedelta(minutes=1))  # no shortcut
    assert len({v.id for v in videos}) == 250
    assert [p for _, p, _ in _api_calls(emulator)] == ["/v2/videos"] * 3


def test_a_full_last_page_costs_one_more_request(provider, emulator):
    for _ in range(100):
        emulator.world.add_video()
    assert len(provider.list_videos()) == 100
    assert len(_api_calls(emulator)) == 1  # nextOffset absent: the end (marked)


def test_a_video_that_slid_between_pages_is_listed_once(emulator, clock):
    for i in range(150):
        emulator.world.add_video(title=f"v{i}")
    newest_first = [i for _, i in emulator.world.in_created_order()][::-1]

    def shifted(page: Any) -> Any:  # a video made meanwhile shifts the second page by one
        if "nextOffset" not in page:
            page["videos"].insert(0, dict(page["videos"][0], id=newest_first[99]))
        return page

    with serve_hostile(emulator.root_url) as hostile:
        hostile.add("GET", r"^/v2/videos$", rewrite_json(shifted))
        listed = _client(hostile.root_url, clock).list_videos()
    assert len(listed) == len({v.id for v in listed}) == 150


def test_a_listing_whose_next_offset_does_not_move_on_is_stopped(emulator, clock):
    for _ in range(100):
        emulator.world.add_video()
    with serve_hostile(emulator.root_url) as hostile:
        hostile.add("GET", r"^/v2/videos$", rewrite_json(lambda page: {**page, "nextOffset": 0}))
        with pytest.raises(ProviderError, match="nextOffset went from 0 to 0"):
            _client(hostile.root_url, clock).list_videos()
        assert hostile.count("GET", r"^/v2/videos$") == 1


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"id": "../../etc", "status": "complete", "createdAt": 1}, "video id that is not a UUID"),
        ({"id": MISSING, "createdAt": 1}, "without a status"),
        ({"id": MISSING, "status": "complete"}, "without a createdAt time"),
        ("video", "a video that is not an object"),
    ],
)
def test_a_listing_item_that_makes_no_sense_is_an_error(emulator, clock, item, message):
    with serve_hostile(emulator.root_url) as hostile:
        hostile.add("GET", r"^/v2/videos$", answer(200, {"videos": [item]}))
        with pytest.raises(ProviderError, match=message):
            _client(hostile.root_url, clock).list_videos()


def test_deleted_and_unknown_statuses_are_gone_or_still_running(emulator, clock):
    a, b = emulator.world.add_video().id, emulator.world.add_video().id

    def statuses(page: Any) -> Any:
        for video in page["videos"]:
            video["status"] = "deleted" if video["id"] == a else "approved"
        return page

    with serve_hostile(emulator.root_url) as hostile:
        hostile.add("GET", r"^/v2/videos$", rewrite_json(statuses))
        (listed,) = _client(hostile.root_url, clock).list_videos()
    assert (listed.id, listed.state) == (b, TaskState.RUNNING)


# -- a lost create answer ----------------------------------------------------------------------


def test_a_lost_create_answer_is_found_by_its_callback_key_never_made_twice(
    provider, emulator, clock
):
    emulator.configure(lose_response_rate=1.0)
    keys = [f"welcome:{i}" for i in range(4)]  # the seed loses some as 500s, some as drops
    for key in keys:
        with pytest.raises(OutcomeUnknown):
            provider.create(SPEC, callback_key=key)
    emulator.configure(lose_response_rate=0.0)
    assert {s for _, _, s in _api_calls(emulator, "POST")} == {0, 500}
    found = {key: provider.find_by_callback(key) for key in keys}
    assert all(v is not None for v in found.values())
    assert sorted(v.id for v in found.values() if v) == sorted(emulator.world.videos)
    assert provider.find_by_callback("never:sent") is None
    assert len(_api_calls(emulator, "POST")) == 4  # no POST was repeated: 4 videos, not 8
    assert emulator.world.count() == 4


def test_a_create_answer_without_an_id_is_an_unknown_outcome(emulator, clock):
    with serve_hostile(emulator.root_url) as hostile:
        hostile.add("POST", r"^/v2/videos$", rewrite_json(lambda video: {**video, "id": "x"}))
        with pytest.raises(OutcomeUnknown, match="video id that is not a UUID"):
            _client(hostile.root_url, clock).create(SPEC, callback_key="k")
    assert emulator.world.count() == 1  # made: find it by its callback id


# -- limits ------------------------------------------------------------------------------------


def test_the_client_keeps_every_window_and_meets_no_429(emulator, clock):
    limits = Limits(writes=(Rate(3, 60.0), Rate(5, 3600.0)), reads=(Rate(2, 60.0),))
    emulator.configure(synthesia_write_limits=limits.writes, synthesia_read_limits=limits.reads)
    client = _client(emulator.base_url, clock, limits=limits)
    start = clock.monotonic()
    for _ in range(6):
        client.create(SPEC)
    assert clock.monotonic() - start >= 3600  # the 6th waited for the hour window
    start = clock.monotonic()
    for _ in range(3):
        client.list_videos()
    assert clock.monotonic() - start >= 60  # the 3rd read waited for the minute
    assert [s for _, _, s in _api_calls(emulator) if s == 429] == []
    assert emulator.world.count() == 6


def test_the_create_minute_is_the_engines_generation_bucket(provider, clock):
    bucket = provider.pacing.generations
    assert bucket.rate == Rate(60, 60.0)
    for _ in range(60):
        provider.create(SPEC)
    assert bucket.wait_time() == pytest.approx(60.0)  # what the engine's gate reads


def test_a_slower_generation_rate_of_the_users_is_kept_too(emulator, clock):
    # provider.rate_limit lowers generation_rate below the service's: creates keep to it
    caps = dataclasses.replace(CAPABILITIES, generation_rate=Rate(2, 60.0))
    client = _client(emulator.base_url, clock, capabilities=caps)
    start = clock.monotonic()
    for _ in range(2):
        client.create(SPEC)
        client.create_from_template(PRODUCT, {})
    assert clock.monotonic() - start >= 60.0  # the 3rd generation waited for the 1st's token
    assert client.pacing.generations.wait_time() > 0


def test_a_read_refused_with_429_is_repeated_after_ratelimit_reset(provider, emulator, clock):
    emulator.configure(synthesia_read_limits=(Rate(1, 60.0),))
    assert _other_program(emulator, "GET", "/v2/videos") == 200  # another program's call
    start = clock.monotonic()
    assert provider.list_videos() == []
    assert [s for _, _, s in _api_calls(emulator)] == [200, 429, 200]
    assert clock.monotonic() - start == pytest.approx(60.0)  # RateLimit-Reset, not a backoff


def test_a_create_refused_with_429_raises_rate_limited_and_holds_the_endpoint_off(
    provider, emulator, clock
):
    emulator.configure(synthesia_write_limits=(Rate(1, 60.0),))
    _other_program(emulator, "POST", "/v2/videos", json=SPEC)
    clock.advance(20)
    with pytest.raises(RateLimited) as caught:
        provider.create(SPEC, callback_key="k")
    assert caught.value.retry_after == 40  # RateLimit-Reset
    assert provider.pacing.generations.held_off  # the engine's gate sees the wait
    assert provider.find_by_callback("k") is None  # a 429 made nothing
    provider.create(SPEC, callback_key="k")  # waits the 40 s on the clock, then goes
    assert [s for m, _, s in _api_calls(emulator) if m == "POST"] == [200, 429, 200]
    assert emulator.world.count() == 2


def test_a_wait_longer_than_max_wait_is_refused_naming_the_host(emulator, clock):
    emulator.configure(synthesia_read_limits=(Rate(1, DAY),))
    _other_program(emulator, "GET", "/v2/templates")
    client = _client(emulator.base_url, clock, policy=HttpPolicy(max_wait=120.0))
    with pytest.raises(WaitTooLong, match=r"127\.0\.0\.1:\d+ asked to wait 86400 s"):
        client.catalog()


# -- templates and previews --------------------------------------------------------------------


def test_the_catalog_is_the_templates_with_their_variables(provider, emulator):
    found = provider.catalog()
    assert isinstance(found, Catalog)
    assert [t.id for t in found.templates] == [t["id"] for t in emulated.TEMPLATES]
    product = found.template(PRODUCT)
    assert product is not None
    assert [(v.name, v.type) for v in product.variables] == [
        ("product_name", "string"),
        ("headline", "string"),
        ("logo", "image"),
    ]
    assert found.quota.left is None  # no endpoint reports credits
    document = found.to_json()
    assert document["checks"] == FORM_ONLY and document["actors"] == []
    assert len(document["backgrounds"]) == 17
    assert SynthesiaCatalog.from_source(found.source) == found
    assert len(_api_calls(emulator)) == CAPABILITIES.catalog_requests


def test_template_and_create_from_template_with_defaults_test_and_callback(
    provider, emulator, clock, tmp_path
):
    assert provider.template(PRODUCT).title == "Product update"
    with pytest.raises(NotFound):
        provider.template(MISSING)
    video_id = provider.create_from_template(
        PRODUCT, {"product_name": "Rocket"}, test=True, callback_key="promo:1"
    )
    video = provider.get(video_id)
    assert (video.title, video.test, video.callback_id) == ("Product update", True, "vs:promo:1")
    titled = provider.create_from_template(PRODUCT, {}, title="Own", visibility="public")
    assert (provider.get(titled).title, provider.get(titled).visibility) == ("Own", "public")
    with pytest.raises(InvalidRequest, match=r"templateData\.prodct_name: Unknown variable"):
        provider.create_from_template(PRODUCT, {"prodct_name": "x"})
    with pytest.raises(NotFound):
        provider.create_from_template(MISSING, {})
    with pytest.raises(InvalidRequest, match="is not a UUID"):
        provider.create_from_template("product", {})
    clock.advance(5)
    saved = provider.download(video_id, tmp_path / "preview.mp4")
    assert saved.path.read_bytes() == video_bytes(video_id, test=True)


def test_a_preview_is_a_free_watermarked_test_render_30_a_day(provider, emulator, clock):
    emulator.configure(synthesia_test_video_limit=Rate(2, DAY))
    first = provider.preview(SPEC, callback_key="p:1")
    provider.preview(SPEC)
    assert emulator.world.get(first).test and emulator.world.get(first).callback_id == "vs:p:1"
    with pytest.raises(WaitTooLong) as caught:
        provider.preview(SPEC)
    assert "Synthesia renders 30 test videos a day" in str(caught.value)
    assert provider.create(SPEC)  # real videos go on
    assert emulator.world.count() == 3


# -- catalog checks ----------------------------------------------------------------------------


def _templates() -> SynthesiaCatalog:
    items = [
        {
            "id": PRODUCT,
            "title": "Product update",
            "variables": [
                {"id": "product_name", "type": "string", "value": "Acme"},
                {"id": "headline", "type": "string", "value": ""},
            ],
        }
    ]
    return SynthesiaCatalog.from_items(items)


def test_catalog_problems_of_a_template_video():
    found = _templates()
    problems = found.problems({"templateId": PRODUCT, "templateData": {"prodct_name": "x"}})
    assert [(p.path, p.message) for p in problems] == [
        ("templateData.prodct_name", "template 'Product update' has no variable 'prodct_name'"),
        ("templateData.headline", "template 'Product update' needs the variable 'headline'"),
    ]
    assert problems[0].hint.startswith("did you mean 'product_name'?")
    (unknown,) = found.problems({"templateId": MISSING, "templateData": {}})
    assert unknown.path == "templateId" and PRODUCT in unknown.hint
    assert found.problems({"templateId": PRODUCT, "templateData": {"headline": "x"}}) == []


def test_catalog_checks_avatars_and_voices_for_their_form_only():
    found = _templates()
    scenes = [
        {"avatar": "anna costume", "background": "off_whte", "scriptText": "a"},
        {"avatar": "custom_avatar_7", "background": MISSING, "avatarSettings": {"voice": "Sara"}},
        {"avatar": ANNA, "background": "https://example.com/bg.png"},
    ]
    problems = found.problems({"input": scenes})
    assert [p.path for p in problems] == [
        "input.0.avatar",
        "input.0.background",
        "input.1.avatarSettings.voice",
    ]
    assert problems[1].hint.startswith("did you mean 'off_white'?")
    assert all(FORM_ONLY in p.hint for p in (problems[0], problems[2]))
    (too_many,) = found.problems({"input": [scenes[2]] * 26})
    assert too_many.message == "a video has 1 to 25 scenes, not 26"


# -- downloads ---------------------------------------------------------------------------------


def test_a_download_link_refused_once_is_fetched_again(emulator, clock, tmp_path):
    video_id = emulator.world.add_video().id
    with serve_hostile(emulator.root_url) as hostile:
        hostile.add(
            "GET", r"^/files/", answer(403, b"<Error><Code>AccessDenied</Code></Error>"), times=1
        )
        client = _client(hostile.root_url, clock)
        saved = client.download(video_id, tmp_path / "v.mp4")
        assert saved.path.read_bytes() == video_bytes(video_id)
        assert hostile.count("GET", rf"^/v2/videos/{video_id}$") == 2  # a fresh link


def test_a_link_refused_twice_is_an_error_saying_links_expire(emulator, clock, tmp_path):
    emulator.configure(synthesia_link_seconds=0.001)  # expired as soon as it is given
    video_id = emulator.world.add_video().id
    client = _client(emulator.base_url, clock)
    with pytest.raises(ProviderError, match="the file host refused the download link") as caught:
        client.download(video_id, tmp_path / "v.mp4")
    assert "time-limited" in str(caught.value)
    assert len(_api_calls(emulator, "GET")) == 2 and not (tmp_path / "v.mp4").exists()


def test_videos_survive_a_restart_of_the_service(tmp_path, clock):
    settings = EmulatorSettings(provider="synthesia", token=KEY, data_dir=tmp_path / "data")
    with serve(settings, clock=clock) as first:
        video_id = _client(first.base_url, clock).create(SPEC, callback_key="kept:1")
    clock.advance(5)
    with serve(settings, clock=clock) as second:
        client = _client(second.base_url, clock)
        found = client.find_by_callback("kept:1")
        assert found is not None and found.id == video_id and found.state is TaskState.DONE
        saved = client.download(video_id, tmp_path / "kept.mp4")  # a link signed after restart
        assert saved.path.read_bytes() == video_bytes(video_id)


# -- the key stays secret ----------------------------------------------------------------------


def test_the_key_never_appears_in_errors_or_debug_logs(emulator, clock, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)  # what -vv shows, and more (urllib3's own lines)
    texts: list[str] = []
    with serve_hostile(emulator.root_url) as hostile:
        echo = {"error": "Forbidden", "context": f"key {KEY} is not valid"}
        hostile.add("GET", r"^/v2/templates$", answer(403, echo), times=1)
        client = _client(hostile.root_url, clock)
        with pytest.raises(AuthError) as refused:
            client.catalog()
        texts.append(str(refused.value))
        video_id = client.create(SPEC, callback_key="s:1")
        clock.advance(5)
        client.download(video_id, tmp_path / "s.mp4")
        client.rename(video_id, "x")
        with pytest.raises(InvalidRequest) as invalid:
            client.create({"input": []})
        texts.append(str(invalid.value))
    assert "key *** is not valid" in texts[0]
    logged = caplog.text + repr(client)
    assert logged and "GET /v2/templates" in caplog.text
    for text in (*texts, logged):
        assert KEY not in text
