"""The Vidnoz client against the Vidnoz emulator over loopback.

Client and emulator share one ``ManualClock``: the client's pacing (1 call a second) and its
waits after an 803 advance that clock, so the emulator sees the same seconds pass and no test
sleeps. ``emulator.request_log`` is what the server saw, call by call.
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

from vidspec.app.providers import open_provider
from vidspec.core.clock import ManualClock
from vidspec.core.errors import (
    AuthError,
    InvalidRequest,
    MissingVariable,
    NotFound,
    OutcomeUnknown,
    ProjectError,
    ProviderError,
    QuotaExhausted,
    RateLimited,
    ServerError,
)
from vidspec.core.location import SourceLocation
from vidspec.core.videos import TaskState
from vidspec.emulator import EmulatorServer, EmulatorSettings, serve
from vidspec.emulator.vidnoz.service import video_bytes
from vidspec.http.client import HttpPolicy
from vidspec.project.config import Project, ProviderConfig, SecretRef
from vidspec.providers.base import Canceler, Catalog, Deleter, Provider, Rate, Renamer
from vidspec.providers.vidnoz.api import API, CAPABILITIES
from vidspec.providers.vidnoz.provider import VidnozProvider

KEY = "vidnoz-SECRET-KEY-4711"
FAST = HttpPolicy(retries=3, backoff_factor=0.01, backoff_jitter=0.0)
ANNA = "Rk1nN090NnZQWXlSZW5oSHJlSlhWdz09"
SOFIA = "U29maWFIYWxmQm9keTAxMg=="
JENNY = "d0VWUk5SU056NEwwMlRsem5vNVROYlpCc3FGY25CY0xBa3VIeWtLUkRyMD0="
SPEC: dict[str, Any] = {
    "name": "Welcome to Acme",
    "aspect": 2,
    "avatar": {"id": ANNA, "style": 3, "offset": {"x": -20, "y": 10}},
    "voice": {"tts": {"id": JENNY, "text": "Hello and welcome!", "speed": 1.2, "emotion": "happy"}},
}


@pytest.fixture
def emulator_settings() -> EmulatorSettings:
    return EmulatorSettings(provider="vidnoz", token=KEY, seed=5)


def _client(server: EmulatorServer, clock: ManualClock, **kw: Any) -> VidnozProvider:
    args: dict[str, Any] = {"api_key": KEY, "policy": FAST}
    args.update(kw)
    return VidnozProvider(base_url=server.base_url, clock=clock, trust_env=False, **args)


@pytest.fixture
def provider(emulator: EmulatorServer, clock: ManualClock) -> Iterator[VidnozProvider]:
    client = _client(emulator, clock)
    yield client
    client.close()


def _api_calls(server: EmulatorServer) -> list[tuple[str, str, int]]:
    return [e for e in server.request_log if not e[1].startswith("/files/")]


def _other_client_call(server: EmulatorServer, clock: ManualClock) -> None:
    """Another program using the same key, a second after our last call: our next call, at
    once, is within a second of it and answered 803."""
    clock.advance(1.0)
    answer = requests.get(
        f"{server.base_url}/v2/voice/list", headers={"Authorization": f"Bearer {KEY}"}, timeout=5
    )
    assert answer.json()["code"] == 200


# -- what it is --------------------------------------------------------------------------------


def test_it_is_a_provider_with_vidnoz_capabilities(provider):
    assert isinstance(provider, Provider)
    caps = provider.capabilities
    assert caps is CAPABILITIES
    assert (caps.kind, caps.display_name) == ("vidnoz", "Vidnoz")
    assert not (caps.can_rename or caps.can_delete or caps.can_cancel)
    assert (caps.name_field, caps.script_path) == ("name", "voice.tts.text")
    assert caps.retention == timedelta(days=7)
    assert caps.generation_rate == caps.request_rate == Rate(1, 1.0)
    assert caps.monthly_requests is None and caps.listing_fields == ()
    assert (caps.cost_unit, caps.credits_per_minute) == ("credits", 4.0)
    assert caps.spec_defaults["aspect"] == 1 and caps.spec_defaults["avatar"]["style"] == 1
    assert caps.list_page_size == 10000


@pytest.mark.parametrize("able", [Renamer, Deleter, Canceler])
def test_what_vidnoz_cannot_do_it_does_not_offer_and_sends_nothing(provider, emulator, able):
    # Optional abilities are types: the client has no rename, delete or cancel to call, and
    # its capabilities (what the planner reads) say the same.
    assert not isinstance(provider, able)
    caps = provider.capabilities
    assert not (caps.can_rename or caps.can_delete or caps.can_cancel)
    assert provider.ledger.total == 0 and emulator.request_log == []


# -- the operations ----------------------------------------------------------------------------


def test_catalog_reads_avatars_and_voices_in_two_paced_requests(provider, emulator, clock):
    start = clock.monotonic()
    catalog = provider.catalog()
    assert isinstance(catalog, Catalog)
    assert catalog.avatar(ANNA).styles == (1, 2, 3)  # type: ignore[union-attr]
    assert catalog.voice(JENNY).emotions[:2] == ("normal", "happy")  # type: ignore[union-attr]
    assert (catalog.quota.unit, catalog.quota.limit, catalog.quota.left) == ("credits", None, None)
    assert [e[1] for e in emulator.request_log] == ["/v2/avatar/list", "/v2/voice/list"]
    assert clock.monotonic() - start == pytest.approx(1.0)  # the second waited one second
    problems = catalog.problems({"avatar": {"id": SOFIA}, "voice": {"tts": {"id": "nobody"}}})
    assert [p.path for p in problems] == ["avatar.style", "voice.tts.id"]


def test_create_flattens_the_body_into_the_documented_form(provider, emulator):
    task_id = provider.create(SPEC)
    record = emulator.world.videos[task_id]
    assert record.name == "Welcome to Acme"
    assert record.generation.request == {
        "name": "Welcome to Acme",
        "aspect": 2,
        "avatar": {
            "id": ANNA,
            "style": 3,
            "circle_bgcolor": "#ffffff",
            "scale": 1.0,
            "offset": {"x": -20, "y": 10},
        },
        "voice": {
            "tts": {
                "id": JENNY,
                "text": "Hello and welcome!",
                "speed": 1.2,
                "pitch": 0,
                "emotion": "happy",
            }
        },
        "background": {"color": "#ffffff"},  # sent by the client: the page marks it required
    }
    assert provider.ledger.snapshot() == {"POST": 1}


def test_create_sends_media_backgrounds_and_read_only_mappings(provider, emulator):
    from types import MappingProxyType

    spec = {
        "avatar": MappingProxyType({"id": ANNA}),
        "voice": {"silence": {"duration": 5}},
        "background": {"media": {"url": "https://cdn.example/bg.mp4", "fit": 1, "loop": True}},
    }
    task_id = provider.create(spec)
    request = emulator.world.videos[task_id].generation.request
    assert request["background"]["media"] == {
        "url": "https://cdn.example/bg.mp4",
        "fit": 1,
        "loop": True,
    }
    assert request["voice"] == {"silence": {"duration": 5}}


def test_status_follows_the_task_through_its_life(emulator, clock):
    settings = EmulatorSettings(provider="vidnoz", token=KEY, queue_seconds=5, processing_seconds=5)
    with serve(settings, clock=clock) as server:
        client = _client(server, clock)
        task_id = client.create(SPEC)
        queued = client.status([task_id])[task_id]
        assert queued.state is TaskState.QUEUED and queued.url is None
        clock.advance(4)
        assert client.status([task_id])[task_id].state is TaskState.RUNNING
        clock.advance(5)
        done = client.status([task_id])[task_id]
        assert done.state is TaskState.DONE and done.message == "ok"
        assert done.resolution == "1080p" and done.url and "_1080p.mp4" in done.url
        assert done.duration == server.world.videos[task_id].generation.duration
        server.world.fail(task_id, "render failed")
        failed = client.status([task_id])[task_id]
        assert failed.state is TaskState.FAILED and failed.message == "render failed"
        client.close()


def test_status_leaves_out_ids_the_service_does_not_know(provider):
    task_id = provider.create(SPEC)
    assert set(provider.status([task_id, "no-such-task"])) == {task_id}


def test_list_videos_reads_names_states_dates_and_files(provider, emulator, clock):
    made = {
        status: emulator.world.add_video(name=f"{status} one", status=status).id
        for status in ("draft", "generating", "generated", "failed")
    }
    clock.advance(0.5)
    videos = {v.id: v for v in provider.list_videos()}
    assert set(videos) == set(made.values())
    states = {name: videos[made[name]].state for name in made}
    assert states == {
        "draft": TaskState.QUEUED,
        "generating": TaskState.RUNNING,
        "generated": TaskState.DONE,
        "failed": TaskState.FAILED,
    }
    done = videos[made["generated"]]
    assert done.name == "generated one" and done.spec is None
    assert done.created_at == clock.now() - timedelta(seconds=0.5)
    assert done.resolution == "1080p" and done.duration == 20.0 and done.url
    assert videos[made["draft"]].url is None
    assert provider.ledger.total == 1


def test_list_videos_follows_the_cursor_page_by_page(emulator, clock):
    provider = _client(
        emulator, clock, capabilities=dataclasses.replace(CAPABILITIES, list_page_size=10)
    )
    ids = {emulator.world.add_video(name=f"v{n}", created_at=clock.now()).id for n in range(25)}
    videos = provider.list_videos()
    provider.close()
    assert {v.id for v in videos} == ids and len(videos) == 25
    assert provider.ledger.total == 3
    assert [e[1] for e in emulator.request_log] == ["/v2/video/list"] * 3


def test_download_streams_the_best_file_atomically_with_its_sha256(
    provider, emulator, clock, tmp_path
):
    task_id = provider.create(SPEC)
    clock.advance(10)
    dest = tmp_path / "out" / "welcome.mp4"
    result = provider.download(task_id, dest)
    expected = video_bytes(task_id, "1080p")
    assert dest.read_bytes() == expected
    assert (result.path, result.size) == (dest, len(expected))
    assert result.sha256 == hashlib.sha256(expected).hexdigest()
    assert list(dest.parent.iterdir()) == [dest]  # no temp file left
    assert provider.ledger.snapshot() == {"POST": 2} and provider.file_ledger.total == 1


def test_a_download_after_a_listing_uses_the_listed_link_not_a_detail_call(
    provider, emulator, clock, tmp_path
):
    task_id = provider.create(SPEC)
    clock.advance(10)
    listed = {v.id: v for v in provider.list_videos()}
    assert listed[task_id].url is not None
    emulator.request_log.clear()
    result = provider.download(task_id, tmp_path / "v.mp4")
    assert result.size == len(video_bytes(task_id, "1080p"))
    assert _api_calls(emulator) == []  # the file host only: no /v2/task/detail
    assert provider.ledger.snapshot() == {"POST": 1, "GET": 1} and provider.file_ledger.total == 1


def test_download_of_an_unfinished_video_is_refused_and_writes_nothing(provider, tmp_path):
    task_id = provider.create(SPEC)
    with pytest.raises(ProviderError, match="cannot be downloaded yet: it is running"):
        provider.download(task_id, tmp_path / "v.mp4")
    assert not (tmp_path / "v.mp4").exists()


def test_download_of_an_expired_video_is_not_found(provider, clock, tmp_path):
    task_id = provider.create(SPEC)
    clock.advance(8 * 24 * 3600)
    with pytest.raises(NotFound, match="Vidnoz knows no such task"):
        provider.download(task_id, tmp_path / "v.mp4")


# -- the envelope and its errors ---------------------------------------------------------------


def test_a_wrong_key_is_an_auth_error_not_retried_and_without_the_key(emulator, clock):
    client = _client(emulator, clock, api_key="wrong-key-1234")
    with pytest.raises(AuthError) as caught:
        client.list_videos()
    assert "Vidnoz refused the API key (code 401)" in str(caught.value)
    assert "provider.api_key" in str(caught.value)
    assert "wrong-key-1234" not in str(caught.value)
    assert client.ledger.total == 1


def test_a_refused_body_is_invalid_with_the_services_precise_message(provider, emulator):
    with pytest.raises(InvalidRequest) as caught:
        provider.create({**SPEC, "avatar": {"id": SOFIA, "style": 1}})
    assert "Vidnoz refused the request (code 400)" in str(caught.value)
    assert "avatar[style] 1 (full body) is not offered by avatar Sofia" in str(caught.value)
    assert emulator.world.videos == {} and provider.ledger.total == 1


def test_spent_credits_are_quota_exhausted(clock):
    settings = EmulatorSettings(provider="vidnoz", token=KEY, credits_left=0.01)
    with serve(settings, clock=clock) as server:
        client = _client(server, clock)
        with pytest.raises(QuotaExhausted, match="credits are spent"):
            client.create(SPEC)
        client.close()


def test_803_is_waited_out_and_a_create_repeated_once_nothing_was_done(provider, emulator, clock):
    _other_client_call(emulator, clock)
    start = clock.monotonic()
    task_id = provider.create(SPEC)
    assert list(emulator.world.videos) == [task_id]  # one video, not two
    assert provider.ledger.snapshot() == {"POST": 2}  # refused with 803, then accepted
    assert clock.monotonic() - start >= API.busy_wait


def test_one_client_takes_turns_so_a_handover_meets_no_803(provider, emulator, clock):
    """``apply`` plans and acts with one client (one per command): its first call after the
    plan's refresh still waits its second after the refresh's last answer (its pacing)."""
    provider.list_videos()
    start = clock.monotonic()
    provider.list_videos()
    assert provider.ledger.total == 2  # not refused with 803 and repeated
    assert clock.monotonic() - start == API.request_interval
    assert [e[1] for e in emulator.request_log] == ["/v2/video/list"] * 2


def test_two_clients_of_one_key_share_no_pacer(provider, emulator, clock):
    """No module-global pacer registry: a second client of the same key paces only its own
    calls, so right after the first one's call it meets the service's 803 (and waits it out)."""
    provider.list_videos()
    second = _client(emulator, clock)
    second.list_videos()
    second.close()
    assert second.ledger.total == 2  # refused with 803, then repeated after the wait
    assert [e[1] for e in emulator.request_log] == ["/v2/video/list"] * 3


def test_a_service_that_keeps_answering_803_is_rate_limited_in_the_end(provider, emulator, clock):
    emulator.configure(request_limit=Rate(1, 3600.0))
    _other_client_call(emulator, clock)
    with pytest.raises(RateLimited, match="kept answering code 803") as caught:
        provider.list_videos()
    assert caught.value.retry_after == API.busy_wait
    assert provider.ledger.total == API.busy_attempts


def test_a_lost_create_answer_is_outcome_unknown_and_the_video_exists(provider, emulator):
    emulator.configure(lose_response_rate=1.0)
    with pytest.raises(OutcomeUnknown):
        provider.create(SPEC)
    assert len(emulator.world.videos) == 1
    assert provider.ledger.snapshot() == {"POST": 1}  # never repeated


def test_a_create_answered_5xx_by_the_gateway_is_outcome_unknown_and_sent_once(provider, emulator):
    emulator.configure(fail_rate=1.0)
    with pytest.raises(OutcomeUnknown):
        provider.create(SPEC)
    assert provider.ledger.snapshot() == {"POST": 1}


def test_reads_answered_5xx_are_retried_then_a_server_error(provider, emulator):
    emulator.configure(fail_rate=1.0)
    with pytest.raises(ServerError):
        provider.list_videos()
    assert provider.ledger.snapshot() == {"GET": FAST.retries + 1}  # urllib3's retries
    with pytest.raises(ServerError):
        provider.status(["some-task"])
    assert provider.ledger.count("POST") == API.read_attempts  # the client's own, paced


def test_a_flaky_detail_succeeds_on_a_later_try(clock):
    settings = EmulatorSettings(provider="vidnoz", token=KEY, seed=3)  # never 3 faults in a row
    with serve(settings, clock=clock) as server:
        client = _client(server, clock)
        task_id = client.create(SPEC)
        server.configure(fail_rate=0.5)
        states = [client.status([task_id])[task_id].state for _ in range(6)]
        assert set(states) <= {TaskState.RUNNING, TaskState.DONE}
        assert client.ledger.count("POST") > 7  # some detail calls were tried again
        assert {status for _, _, status in server.request_log} >= {200, 500}
        client.close()


# -- pacing ------------------------------------------------------------------------------------


def test_every_call_is_paced_at_one_a_second_with_no_803(provider, emulator, clock, tmp_path):
    start = clock.monotonic()
    provider.catalog()
    ids = [provider.create(SPEC) for _ in range(3)]
    provider.status(ids)
    clock.advance(10)
    provider.list_videos()
    provider.download(ids[0], tmp_path / "v.mp4")
    calls = _api_calls(emulator)
    # nothing was repeated; the download's link is the listing's (no task-detail call)
    assert len(calls) == provider.ledger.total == 2 + 3 + 3 + 1
    # 7 paced gaps of exactly one second on the shared clock, plus the 10 s the test waited
    # (after which the next call needed no wait):
    assert clock.monotonic() - start == pytest.approx(7 + 10)
    assert len(emulator.world.videos) == 3


def test_no_secret_reaches_an_error_or_the_debug_log(emulator, clock, caplog, tmp_path):
    client = _client(emulator, clock)
    errors: list[BaseException] = []
    with caplog.at_level(logging.DEBUG):
        client.catalog()
        task_id = client.create(SPEC)
        _other_client_call(emulator, clock)
        client.status([task_id])  # an 803, waited out
        clock.advance(10)
        client.download(task_id, tmp_path / "v.mp4")
        for call in (
            lambda: client.create({**SPEC, "avatar": {"id": "nobody"}}),
            lambda: _client(emulator, clock, api_key=KEY + "x").list_videos(),
        ):
            try:
                call()
            except ProviderError as exc:
                errors.append(exc)
        emulator.configure(lose_response_rate=1.0)
        try:
            client.create(SPEC)
        except OutcomeUnknown as exc:
            errors.append(exc)
    assert len(errors) == 3
    text = "\n".join(
        [r.getMessage() for r in caplog.records]
        + [str(e) for e in errors]
        + [repr(e) for e in errors]
        + [repr(client)]
    )
    assert "POST /v2/task/avatar-to-video -> 200" in text  # the log is there
    assert "answered 803" in text
    assert KEY not in text


# -- construction and open_provider ------------------------------------------------------------


WHERE = SourceLocation("vidspec.yaml", 2, 3)


def _project(tmp_path: Path, config: ProviderConfig) -> Project:
    return Project(
        root=tmp_path,
        file=tmp_path / "vidspec.yaml",
        provider=config,
        state_path=tmp_path / ".vidspec" / "state.json",
    )


def test_open_provider_reads_the_api_key_from_the_environment(emulator, tmp_path):
    config = ProviderConfig(
        kind="vidnoz",
        base_url=emulator.base_url,
        api_key=SecretRef("VIDNOZ_API_KEY", WHERE),
        location=WHERE,
    )
    provider = open_provider(_project(tmp_path, config), environ={"VIDNOZ_API_KEY": KEY})
    try:
        assert provider.capabilities.kind == "vidnoz"
        assert provider.list_videos() == []
    finally:
        provider.close()


def test_open_provider_names_a_missing_variable(tmp_path):
    config = ProviderConfig(kind="vidnoz", api_key=SecretRef("VIDNOZ_API_KEY", WHERE))
    with pytest.raises(MissingVariable, match="environment variable VIDNOZ_API_KEY is not set"):
        open_provider(_project(tmp_path, config), environ={})


def test_a_client_needs_a_key():
    with pytest.raises(ProjectError, match="needs an API key"):
        VidnozProvider(api_key="")
