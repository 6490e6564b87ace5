"""The HeyGen client against the HeyGen emulator over loopback.

Client and emulator share one ``ManualClock``: the client's waits (a ``Retry-After``, the
backoff between tries of a create) advance it, so the emulator sees the same seconds pass and
no test sleeps. ``emulator.request_log`` is what the server saw, call by call; the hostile
proxy (``tests/support/hostile.py``) stands in for a server that misbehaves.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
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
    ServerError,
)
from vidspec.core.videos import TaskState
from vidspec.emulator import EmulatorServer, EmulatorSettings, serve
from vidspec.emulator.heygen.files import file_bytes
from vidspec.http.client import HttpPolicy
from vidspec.providers.base import Canceler, Catalog, Deleter, Provider, Rate, Renamer
from vidspec.providers.heygen import HeygenProvider
from vidspec.providers.heygen.api import API, CAPABILITIES, LIMITS
from vidspec.providers.heygen.wire import idempotency_key

KEY = "heygen-SECRET-KEY-4711"
FAST = HttpPolicy(retries=3, backoff_factor=0.01, backoff_jitter=0.0)
ANGELA = "Angela-inTshirt-20220820"
SARA = "1bd001e7e50f421d891986aad5158bc8"
WELCOME = "9a8b7c6d5e4f30211203f4e5d6c7b8a9"
SPEC: dict[str, Any] = {
    "avatar_id": ANGELA,
    "voice_id": SARA,
    "script": "Hello and welcome to Acme!",
    "title": "Welcome [vs:1a2b3c]",
}


@pytest.fixture
def emulator_settings() -> EmulatorSettings:
    return EmulatorSettings(
        provider="heygen", token=KEY, seed=5, queue_seconds=2.0, processing_seconds=4.0
    )


def _client(url: str, clock: ManualClock, **kw: Any) -> HeygenProvider:
    args: dict[str, Any] = {"api_key": KEY, "policy": FAST}
    args.update(kw)
    return HeygenProvider(base_url=url, clock=clock, trust_env=False, **args)


@pytest.fixture
def provider(emulator: EmulatorServer, clock: ManualClock) -> Iterator[HeygenProvider]:
    client = _client(emulator.base_url, clock)
    yield client
    client.close()


def _posts(server: EmulatorServer) -> list[int]:
    return [status for method, _, status in server.request_log if method == "POST"]


# -- what it is --------------------------------------------------------------------------------


def test_it_is_a_provider_that_deletes_and_neither_renames_nor_cancels(provider):
    assert isinstance(provider, Provider) and isinstance(provider, Deleter)
    assert not isinstance(provider, Renamer) and not isinstance(provider, Canceler)
    caps = provider.capabilities
    assert caps is CAPABILITIES
    assert (caps.kind, caps.display_name) == ("heygen", "HeyGen")
    assert (caps.can_rename, caps.can_delete, caps.can_cancel) == (False, True, False)
    assert (caps.name_field, caps.script_path) == ("title", "script")
    assert caps.generation_rate == Rate(10, 1.0) and caps.request_rate is None
    assert caps.concurrency == 10 and caps.limits.concurrency == 10
    assert (caps.cost_unit, caps.credits_per_minute) == ("credits", pytest.approx(6.0))
    assert caps.list_page_size == 100 and caps.listing_end == "marked"
    assert caps.listing_shows_tasks and caps.listing_fields == ()
    assert caps.spec_defaults["aspect_ratio"] == "16:9"


def test_the_limits_are_data():
    # No request rate is published [doc ENT]; ten videos generating at once [doc LIM].
    assert LIMITS.read_windows == () and LIMITS.write_windows == ()
    assert LIMITS.concurrent_jobs == 10


def test_an_empty_key_is_a_project_error():
    with pytest.raises(ProjectError, match="needs an API key"):
        HeygenProvider(api_key="")


# -- the catalog -------------------------------------------------------------------------------


def test_the_catalog_is_looks_voices_and_balance_in_four_requests(provider, emulator):
    catalog = provider.catalog()
    assert isinstance(catalog, Catalog)
    assert provider.ledger.total == CAPABILITIES.catalog_requests == 4
    assert ANGELA in catalog.looks and catalog.looks[ANGELA].engines == ("avatar_iv", "avatar_iii")
    assert SARA in catalog.voices
    assert "f1e2d3c4b5a69788776655443322a1b0" in catalog.voices  # the account's own voice
    assert catalog.quota.unit == "credits" and catalog.quota.left == 50.0
    assert catalog.problems(SPEC) == []
    shown = catalog.to_json()
    assert {look["id"] for look in shown["looks"]} >= {ANGELA}


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        ({"avatar_id": "Angela-inTshirt-2022082"}, "avatar_id", "Did you mean " + ANGELA),
        ({"voice_id": "1bd001e7e50f421d891986aad5158bc9"}, "voice_id", "Did you mean " + SARA),
        ({"engine": {"type": "avatar_v"}}, "engine.type", "avatar_iv, avatar_iii"),
        ({"script": "x" * 5001}, "script", "at most 5000"),
        ({"motion_prompt": "wave"}, "motion_prompt", "avatar_v"),
        ({"expressiveness": "low"}, "expressiveness", "photo avatars"),
        ({"type": "image"}, "type", "avatar videos"),
        ({"output_format": "webm", "background": {"type": "color", "value": "#000000"}},
         "background", "webm"),
    ],
)  # fmt: skip
def test_catalog_problems_point_at_the_field(provider, change, path, words):
    problems = provider.catalog().problems({**SPEC, **change})
    assert [p.path for p in problems] == [path]
    assert words in problems[0].message + " " + problems[0].hint


# -- list and status ---------------------------------------------------------------------------


def test_the_listing_pages_by_token_one_request_per_100(provider, emulator, clock):
    for n in range(250):
        emulator.world.add_video(title=f"Old {n}", created_at=clock.now())
        clock.advance(1)
    videos = provider.list_videos()
    assert len(videos) == 250 and len({v.id for v in videos}) == 250
    assert provider.ledger.total == 3  # ceil(250 / 100)
    assert all(v.state is TaskState.DONE and v.url for v in videos)


def test_the_listing_since_stops_at_the_page_holding_older_videos(provider, emulator, clock):
    for n in range(250):
        emulator.world.add_video(title=f"Old {n}", created_at=clock.now())
        clock.advance(1)
    since = clock.now()
    new = [emulator.world.add_video(title="New", status="processing").id for _ in range(3)]
    videos = provider.list_videos(since=since)
    assert provider.ledger.total == 1
    assert set(new) <= {v.id for v in videos}
    assert {v.state for v in videos if v.id in new} == {TaskState.RUNNING}


def test_a_listing_out_of_newest_first_order_is_read_to_its_end(emulator, clock):
    for n in range(150):
        emulator.world.add_video(title=f"Old {n}", created_at=clock.now())
        clock.advance(1)
    since = clock.now()
    with serve_hostile(emulator.root_url) as proxy:
        proxy.add(
            "GET", r"^/v3/videos$", rewrite_json(lambda page: {**page, "data": page["data"][::-1]})
        )
        client = _client(proxy.root_url, clock)
        videos = client.list_videos(since=since)
    assert len(videos) == 150 and proxy.count("GET", r"^/v3/videos$") == 2


def test_a_listing_that_goes_round_in_circles_ends_with_an_error(emulator, clock):
    for _ in range(3):
        emulator.world.add_video()
    page = {"data": [{"id": "a" * 32, "status": "completed"}], "has_more": True,
            "next_token": "same"}  # fmt: skip
    with serve_hostile(emulator.root_url) as proxy:
        proxy.add("GET", r"^/v3/videos$", answer(200, page))
        with pytest.raises(ProviderError, match="round in circles") as caught:
            _client(proxy.root_url, clock).list_videos()
    assert proxy.root_url.split("//")[1] in str(caught.value)


@pytest.mark.parametrize("bad", ["../../etc/passwd", "a,b", "x" * 129, 42, "\x1b[31mred"])
def test_an_id_vidspec_cannot_use_is_refused(emulator, clock, bad):
    emulator.world.add_video()
    change = lambda page: {**page, "data": [{**page["data"][0], "id": bad}]}  # noqa: E731
    with serve_hostile(emulator.root_url) as proxy:
        proxy.add("GET", r"^/v3/videos$", rewrite_json(change))
        with pytest.raises(ServerError, match="video id vidspec cannot use") as caught:
            _client(proxy.root_url, clock).list_videos()
    assert "\x1b" not in str(caught.value)


def test_status_asks_for_100_ids_a_request(provider, emulator, clock):
    made = [emulator.world.add_video(status="processing").id for _ in range(150)]
    failed = emulator.world.add_video(status="failed").id
    unknown = ["0" * 32, "1" * 32]
    found = provider.status([*made, failed, *unknown])
    assert provider.ledger.total == 2  # ceil(153 / 100)
    assert set(found) == {*made, failed}
    assert {found[i].state for i in made} == {TaskState.RUNNING}
    assert found[failed].state is TaskState.FAILED
    assert found[failed].message == "rendering_failed: Avatar rendering failed"
    assert provider.status(["a,b", "../x"]) == {}  # no HeyGen id looks so: never sent
    assert provider.ledger.total == 2


def test_a_video_moves_through_the_states_on_the_clock(provider, clock):
    video_id = provider.create(SPEC)
    assert provider.video(video_id).state is TaskState.QUEUED
    clock.advance(2)
    assert provider.status([video_id])[video_id].state is TaskState.RUNNING
    clock.advance(4)
    done = provider.video(video_id)
    assert done.state is TaskState.DONE and done.name == SPEC["title"] and done.url
    assert done.duration == pytest.approx(26 / 14, abs=0.1)


# -- creating ----------------------------------------------------------------------------------


def test_create_sends_an_idempotency_key_and_the_same_key_gets_the_same_video(provider, emulator):
    key = idempotency_key("welcome", "sha256:abc", emulator.clock.now())
    assert key.startswith("vs-") and API.idempotency_key.fullmatch(key)
    first = provider.create(SPEC, idempotency_key=key)
    again = provider.create({**SPEC, "script": "changed"}, idempotency_key=key)
    assert first == again and emulator.world.count() == 1
    assert emulator.world.videos[first].generation.request["type"] == "avatar"  # sent for us
    other = provider.create(SPEC)  # no key given: a new one, so a new video
    assert other != first and emulator.world.count() == 2


def test_the_key_of_a_write_ahead_record_is_stable_and_new_for_a_new_record(clock):
    now = clock.now()
    assert idempotency_key("a", "h1", now) == idempotency_key("a", "h1", now)
    assert idempotency_key("a", "h1", now) != idempotency_key("b", "h1", now)
    assert idempotency_key("a", "h1", now) != idempotency_key("a", "h2", now)
    assert idempotency_key("a", "h1", now) != idempotency_key("a", "h1", now + timedelta(1))


@pytest.mark.parametrize(("seed", "lost"), [(1, 500), (5, 0)])  # a 500, a dropped connection
def test_a_lost_create_answer_is_retried_with_its_key_and_makes_one_video(clock, seed, lost):
    settings = EmulatorSettings(provider="heygen", token=KEY, seed=seed, lose_response_rate=1.0)
    with serve(settings, clock=clock) as server:
        client = _client(server.base_url, clock)
        started = clock.now()
        video_id = client.create(SPEC)
        assert list(server.world.videos) == [video_id]
        assert _posts(server) == [lost, 200]
        assert clock.now() - started == timedelta(seconds=API.create_backoff)


def test_a_service_gone_after_a_lost_answer_leaves_the_outcome_unknown(clock):
    # The first try's answer is lost (the video may be made); every later try finds nothing
    # listening. That proves nothing about the first: never "not sent".
    listener = socket.create_server(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"

    def lose_one_then_leave() -> None:
        conn, _ = listener.accept()
        listener.close()  # from now on, connections are refused
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")

    server = threading.Thread(target=lose_one_then_leave, daemon=True)
    server.start()
    with pytest.raises(OutcomeUnknown, match="vs-gone"):
        _client(url, clock).create(SPEC, idempotency_key="vs-gone")
    server.join(5)


def test_a_retry_meeting_the_first_in_flight_waits_and_gets_the_replay(clock):
    settings = EmulatorSettings(
        provider="heygen", token=KEY, seed=1, lose_response_rate=1.0, heygen_create_seconds=5
    )
    with serve(settings, clock=clock) as server:
        video_id = _client(server.base_url, clock).create(SPEC, idempotency_key="vs-one")
        assert list(server.world.videos) == [video_id]
        assert _posts(server) == [500, 409, 409, 200]  # after 1 s, 3 s, 7 s
        assert server.world.videos[video_id].created_at == clock.now() - timedelta(seconds=7)


def test_every_try_lost_is_outcome_unknown_and_recover_finds_the_one_video(clock):
    settings = EmulatorSettings(
        provider="heygen", token=KEY, seed=1, lose_response_rate=1.0, heygen_create_seconds=3600
    )
    with serve(settings, clock=clock) as server:
        client = _client(server.base_url, clock)
        sent_at = clock.now()
        with pytest.raises(OutcomeUnknown, match="vs-lost-key") as caught:
            client.create(SPEC, idempotency_key="vs-lost-key")
        assert "nothing is created twice" in str(caught.value)
        assert len(_posts(server)) == API.create_attempts and server.world.count() == 1
        clock.advance(3600)  # the first is done now: the same key replays it
        found = client.recover(SPEC, idempotency_key="vs-lost-key", sent_at=sent_at)
        assert found.via == "idempotency-key"
        assert [found.video_id] == list(server.world.videos)


def test_a_lost_create_is_recovered_after_the_service_restarts(clock, tmp_path):
    settings = EmulatorSettings(provider="heygen", token=KEY, seed=1, lose_response_rate=1.0,
                                heygen_create_seconds=60, data_dir=tmp_path)  # fmt: skip
    sent_at = clock.now()
    with serve(settings, clock=clock) as server:
        with pytest.raises(OutcomeUnknown):
            _client(server.base_url, clock).create(SPEC, idempotency_key="vs-restart")
        made = list(server.world.videos)
    clock.advance(3600)  # a later command, against the restarted service
    with serve(settings, clock=clock) as server:
        found = _client(server.base_url, clock).recover(
            SPEC, idempotency_key="vs-restart", sent_at=sent_at
        )
        assert [found.video_id] == made and list(server.world.videos) == made


def test_past_24_hours_a_lost_create_is_found_by_title_and_time(clock):
    settings = EmulatorSettings(provider="heygen", token=KEY, seed=1, lose_response_rate=1.0,
                                heygen_create_seconds=10**6)  # fmt: skip
    with serve(settings, clock=clock) as server:
        client = _client(server.base_url, clock)
        server.world.add_video(title=SPEC["title"], created_at=clock.now() - timedelta(days=2))
        sent_at = clock.now()
        with pytest.raises(OutcomeUnknown):
            client.create(SPEC, idempotency_key="vs-old")
        made = [v.id for v in server.world.records() if v.created_at >= sent_at]
        clock.advance(25 * 3600)  # the key is forgotten: sending it again would make another
        found = client.recover(SPEC, idempotency_key="vs-old", sent_at=sent_at)
        assert found.via == "title" and [found.video_id] == made
        assert server.world.count() == 2  # nothing was sent again
        server.world.add_video(title=SPEC["title"])  # now two could be it: vidspec says so
        twice = client.recover(SPEC, idempotency_key="vs-old", sent_at=sent_at)
        assert twice.video_id is None and len(twice.candidates) == 2


def test_over_the_jobs_at_once_a_create_is_rate_limited_and_nothing_is_made(provider, emulator):
    emulator.configure(heygen_max_concurrent=1)
    provider.create(SPEC)
    with pytest.raises(RateLimited) as caught:
        provider.create(SPEC)
    assert caught.value.retry_after == 6.0 and caught.value.status == 429
    assert emulator.world.count() == 1 and _posts(emulator) == [200, 429]  # not retried blindly


@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        ({"script": ""}, InvalidRequest, "invalid_parameter: script must be 1 to 5000"),
        ({"avatar_id": "Nobody"}, InvalidRequest, "avatar_not_found"),
        ({"voice_id": "0" * 32}, InvalidRequest, "voice_not_found"),
    ],
)
def test_a_refused_create_says_why_and_is_not_retried(provider, emulator, change, error, words):
    with pytest.raises(error) as caught:
        provider.create({**SPEC, **change})
    assert words in str(caught.value) and "POST /v3/videos on 127.0.0.1" in str(caught.value)
    assert emulator.world.count() == 0 and len(_posts(emulator)) == 1


def test_a_create_the_wallet_cannot_pay_for_is_quota_exhausted(provider, emulator):
    long = {**SPEC, "script": "x" * 5000}  # 357 s: $35.70 of the $50
    provider.create(long)
    with pytest.raises(QuotaExhausted, match=r"Your account has \$14.29") as caught:
        provider.create(long)
    assert caught.value.status == 402 and "Top up" in str(caught.value)
    assert emulator.world.count() == 1


def test_reads_answered_429_are_waited_out_on_the_clock(provider, emulator, clock):
    emulator.configure(heygen_read_limits=(Rate(1, 10.0),))
    provider.list_videos()
    started = clock.now()
    assert provider.list_videos() == []
    assert clock.now() - started >= timedelta(seconds=10)
    assert [s for _, _, s in emulator.request_log] == [200, 429, 200]


def test_a_delete_over_the_write_window_is_waited_out_and_a_create_is_rate_limited(
    provider, emulator, clock
):
    emulator.configure(heygen_write_limits=(Rate(1, 5.0),))
    video_id = provider.create(SPEC)
    started = clock.now()
    provider.delete(video_id)  # idempotent: retried after Retry-After, on the clock
    assert clock.now() - started >= timedelta(seconds=5)
    with pytest.raises(RateLimited) as caught:  # a POST is the engine's to wait out
        provider.create(SPEC)
    assert caught.value.retry_after == 5.0
    assert [(m, s) for m, _, s in emulator.request_log] == [
        ("POST", 200), ("DELETE", 429), ("DELETE", 200), ("POST", 429)
    ]  # fmt: skip


# -- templates ---------------------------------------------------------------------------------


def test_templates_come_with_their_declared_variables(provider):
    templates = provider.templates()
    assert provider.ledger.total == 3  # the list, then one detail each
    by_name = {t.name: t for t in templates}
    assert set(by_name) == {"Product promo", "Welcome aboard"}
    welcome = by_name["Welcome aboard"]
    assert set(welcome.variables) == {"first_name", "team"}
    assert welcome.variables["first_name"].type == "text"
    assert welcome.variables["first_name"].default["properties"] == {"content": "Alex"}
    assert len(provider.templates(with_variables=False)) == 2


def test_generate_from_a_template_and_a_lost_answer_is_replayed(clock):
    settings = EmulatorSettings(provider="heygen", token=KEY, seed=1, lose_response_rate=1.0)
    with serve(settings, clock=clock) as server:
        client = _client(server.base_url, clock)
        variables = {"first_name": {"name": "first_name", "type": "text",
                                    "properties": {"content": "Bo"}}}  # fmt: skip
        video_id = client.generate(WELCOME, variables, title="Welcome Bo")
        assert list(server.world.videos) == [video_id] and _posts(server) == [500, 200]
        assert client.video(video_id).name == "Welcome Bo"
        with pytest.raises(InvalidRequest, match=r"\(param: variables.surname\)"):
            client.generate(WELCOME, {"surname": {"type": "text", "properties": {}}})


# -- downloads and delete ----------------------------------------------------------------------


def test_a_download_takes_a_fresh_link_just_before(provider, emulator, clock, tmp_path):
    video_id = provider.create(SPEC)
    clock.advance(6)
    stale = provider.video(video_id).url
    clock.advance(8 * 86400)  # a link asked for 8 days ago has expired
    result = provider.download(video_id, tmp_path / "welcome.mp4")
    assert result.path.read_bytes() == file_bytes("video", video_id)
    log = [(m, p.split("/")[2]) for m, p, _ in emulator.request_log[-2:]]
    assert log == [("GET", "videos"), ("GET", "video")]  # the link, then the file
    assert stale not in [p for _, p, _ in emulator.request_log]
    assert provider.file_ledger.total == 1


def test_a_refused_link_is_asked_for_once_more(provider, emulator, clock, tmp_path):
    video_id = provider.create(SPEC)
    clock.advance(6)
    emulator.configure(heygen_link_seconds=0.1)  # every link has expired when it is used
    with pytest.raises(ProviderError, match="refused the download link") as caught:
        provider.download(video_id, tmp_path / "x.mp4")
    assert caught.value.status == 403
    files = [s for _, p, s in emulator.request_log if p.startswith("/files/")]
    assert files == [403, 403] and not (tmp_path / "x.mp4").exists()


def test_an_unfinished_video_cannot_be_downloaded_yet(provider, tmp_path):
    video_id = provider.create(SPEC)
    with pytest.raises(ProviderError, match="cannot be downloaded yet: it is queued"):
        provider.download(video_id, tmp_path / "x.mp4")


def test_delete_removes_and_a_second_delete_is_not_found(provider, emulator):
    video_id = provider.create(SPEC)
    provider.delete(video_id)
    assert emulator.world.count() == 0
    with pytest.raises(NotFound):
        provider.delete(video_id)


# -- the key stays secret ----------------------------------------------------------------------


def test_the_key_never_shows_in_errors_or_the_request_log(emulator, clock, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)  # -vvv: vidspec's and the libraries' debug lines
    wrong = _client(emulator.base_url, clock, api_key=KEY + "-wrong")
    with pytest.raises(AuthError) as refused:
        wrong.list_videos()
    assert "HeyGen refused the API key" in str(refused.value)
    client = _client(emulator.base_url, clock)
    texts = [str(refused.value)]
    for call in (
        lambda: client.create({**SPEC, "script": ""}),
        lambda: client.download("0" * 32, tmp_path / "x.mp4"),
        lambda: client.generate("0" * 32, {}),
    ):
        with pytest.raises(ProviderError) as caught:
            call()
        texts.append(str(caught.value))
    client.create(SPEC)
    assert "GET /v3/videos -> 401" in caplog.text and "POST /v3/videos -> 200" in caplog.text
    for text in [*texts, caplog.text]:
        assert KEY not in text


def test_a_key_a_server_echoes_back_is_blanked(emulator, clock):
    echo = {"error": {"code": "unauthorized", "message": f"bad key {KEY}"}}
    with serve_hostile(emulator.root_url) as proxy:
        proxy.add("GET", r"^/v3/voices$", answer(401, echo))
        with pytest.raises(AuthError) as caught:
            _client(proxy.root_url, clock).catalog()
    assert "unauthorized: bad key ***" in str(caught.value) and KEY not in str(caught.value)
