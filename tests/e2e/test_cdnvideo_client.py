"""The CDNvideo client against the emulator over loopback: the eight operations, login, faults.

The client and the emulator share one ``ManualClock``: task life and retry waits take no real
time. ``emulator.request_log`` is what the server saw, call by call.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

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
    VidspecError,
)
from vidspec.core.location import SourceLocation
from vidspec.core.videos import TaskState
from vidspec.emulator import EmulatorServer, EmulatorSettings, serve
from vidspec.emulator.common.media import fake_mp4
from vidspec.http.client import HttpPolicy
from vidspec.project.config import Project, ProviderConfig, SecretRef
from vidspec.providers.base import Provider, Rate
from vidspec.providers.cdnvideo.api import CAPABILITIES
from vidspec.providers.cdnvideo.provider import CdnvideoProvider

TOKEN = "tok-SECRET-4711"
USER, PASSWORD = "robot", "pw-SECRET-0815"
FAST = HttpPolicy(retries=3, backoff_factor=0.01, backoff_jitter=0.0)
SPEC = {
    "script": "Hello! This is the text I am speaking.",
    "actor": {"name": "Natalia", "version": "4.0.0", "style": "dressshirt", "shot": "waist"},
    "voice": "Sara",
    "background": "green_screen",
    "video_name": "Awesome Video!",
}


@pytest.fixture
def emulator_settings() -> EmulatorSettings:
    return EmulatorSettings(token=TOKEN, username=USER, password=PASSWORD, seed=7)


def _client(server: EmulatorServer, clock: ManualClock, **kw: object) -> CdnvideoProvider:
    args: dict[str, object] = {"token": TOKEN, "policy": FAST}
    args.update(kw)
    return CdnvideoProvider(
        account="acme",
        base_url=server.base_url,
        clock=clock,
        trust_env=False,
        **args,  # type: ignore[arg-type]
    )


@pytest.fixture
def provider(emulator: EmulatorServer, clock: ManualClock) -> Iterator[CdnvideoProvider]:
    client = _client(emulator, clock)
    yield client
    client.close()


def _api_calls(server: EmulatorServer) -> list[tuple[str, str, int]]:
    return [entry for entry in server.request_log if not entry[1].startswith("/files/")]


# -- the operations ---------------------------------------------------------------------------


def test_it_is_a_provider_with_cdnvideo_capabilities(provider):
    assert isinstance(provider, Provider)
    assert provider.capabilities is CAPABILITIES
    assert provider.capabilities.kind == "cdnvideo"


def test_catalog_is_one_request_and_reads_the_quota(provider, emulator):
    catalog = provider.catalog()
    assert catalog.quota.left == 544.0 and catalog.quota.limit == 560.0
    assert catalog.quota.unit == "minutes"
    assert {(a.actor, a.version) for a in catalog.actors} >= {
        ("Natalia", "1.0.0"),
        ("Natalia", "4.0.0"),
    }
    assert provider.ledger.total == 1
    assert emulator.request_log == [("GET", "/app/th-api/v1/accounts/acme/configurations", 200)]


def test_create_then_status_follows_the_task_through_its_life(provider, clock):
    video_id = provider.create(SPEC)
    assert provider.status([video_id])[video_id].state is TaskState.QUEUED
    clock.advance(1.5)
    assert provider.status([video_id])[video_id].state is TaskState.RUNNING
    clock.advance(4.0)
    done = provider.status([video_id])[video_id]
    assert done.state is TaskState.DONE and done.message == "success"
    assert provider.ledger.snapshot() == {"POST": 1, "GET": 3}


def test_status_leaves_out_ids_the_service_does_not_know(provider):
    video_id = provider.create(SPEC)
    assert set(provider.status([video_id, "no-such-id"])) == {video_id}


def test_create_sends_read_only_mappings_as_plain_json(provider, emulator):
    from types import MappingProxyType

    frozen = MappingProxyType({**SPEC, "actor": MappingProxyType(dict(SPEC["actor"]))})
    video_id = provider.create(frozen)
    assert emulator.world.videos[video_id].generation.actor_name == "Natalia"


def test_cancel_a_queued_task_and_cancel_twice_is_refused(provider, clock):
    video_id = provider.create(SPEC)
    provider.cancel(video_id)
    assert provider.status([video_id])[video_id].state is TaskState.CANCELED
    with pytest.raises(InvalidRequest, match="wrong task status: CANCELED"):
        provider.cancel(video_id)


def test_rename_changes_the_name_and_an_unknown_id_is_not_found(provider, emulator, clock):
    video_id = provider.create(SPEC)
    clock.advance(10)
    provider.rename(video_id, "Welcome to Acme")
    assert emulator.world.videos[video_id].generation.video_name == "Welcome to Acme"
    assert [v.name for v in provider.list_videos()] == ["Welcome to Acme"]
    with pytest.raises(NotFound, match="no such video") as caught:
        provider.rename("missing", "x")
    assert caught.value.method == "PATCH"
    assert caught.value.path == "/app/th-api/v1/accounts/acme/videos/missing"


def test_delete_removes_the_video_and_twice_is_not_found(provider, emulator, clock):
    video_id = provider.create(SPEC)
    clock.advance(10)
    provider.delete(video_id)
    assert video_id not in emulator.world.videos
    assert provider.list_videos() == []
    with pytest.raises(NotFound):
        provider.delete(video_id)


def test_download_streams_the_file_atomically_with_its_sha256(provider, clock, tmp_path):
    video_id = provider.create(SPEC)
    clock.advance(10)
    dest = tmp_path / "out" / "welcome.mp4"
    result = provider.download(video_id, dest)
    expected = fake_mp4(video_id)
    assert dest.read_bytes() == expected
    assert result.path == dest and result.size == len(expected)
    assert result.sha256 == hashlib.sha256(expected).hexdigest()
    assert sorted(p.name for p in dest.parent.iterdir()) == ["welcome.mp4"]  # no temp left
    # The link call counts as an API request; the file itself is not an API call.
    assert provider.ledger.snapshot() == {"POST": 1, "GET": 1}
    assert provider.file_ledger.total == 1


def test_download_of_an_unfinished_video_is_refused_and_writes_nothing(provider, tmp_path):
    video_id = provider.create(SPEC)
    dest = tmp_path / "v.mp4"
    with pytest.raises(InvalidRequest, match="wrong task status: IN_QUEUE"):
        provider.download(video_id, dest)
    assert list(tmp_path.iterdir()) == []


def test_download_to_an_unwritable_place_is_a_clear_error(provider, clock, tmp_path):
    video_id = provider.create(SPEC)
    clock.advance(10)
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(VidspecError) as caught:
        provider.download(video_id, blocker / "v.mp4")
    assert "cannot write the downloaded video" in str(caught.value)
    assert not isinstance(caught.value, ProviderError)


# -- login ------------------------------------------------------------------------------------


LOGIN = ("POST", "/app/oauth/v1/token/", 200)
CONFIGS = "/app/th-api/v1/accounts/acme/configurations"


def test_username_and_password_log_in_once_and_reuse_the_token(emulator, clock):
    client = _client(emulator, clock, token=None, username=USER, password=PASSWORD)
    client.catalog()
    client.catalog()
    assert emulator.request_log == [LOGIN, ("GET", CONFIGS, 200), ("GET", CONFIGS, 200)]
    assert client.ledger.snapshot() == {"POST": 1, "GET": 2}


def test_a_refused_token_is_renewed_once_by_logging_in_again(emulator, clock):
    # The client's clock lags: it still trusts a token the service has expired (6 hours).
    client = _client(emulator, ManualClock(), token=None, username=USER, password=PASSWORD)
    client.catalog()
    clock.advance(7 * 3600)
    client.catalog()
    assert emulator.request_log == [
        LOGIN,
        ("GET", CONFIGS, 200),
        ("GET", CONFIGS, 403),
        LOGIN,
        ("GET", CONFIGS, 200),
    ]


def test_the_token_is_renewed_before_its_lifetime_ends_without_a_403(emulator, clock):
    client = _client(emulator, clock, token=None, username=USER, password=PASSWORD)
    client.catalog()
    clock.advance(6 * 3600 - 60)  # inside the margin before the 6 hours end
    client.catalog()
    assert [e[2] for e in emulator.request_log] == [200, 200, 200, 200]
    assert emulator.request_log[2] == LOGIN


def test_a_403_right_after_logging_in_is_not_answered_by_another_login(clock):
    with serve(
        EmulatorSettings(token=TOKEN, username=USER, password=PASSWORD, account="other"),
        clock=clock,
    ) as server:
        client = _client(server, clock, token=None, username=USER, password=PASSWORD)
        with pytest.raises(AuthError, match="invalid account"):
            client.catalog()
        assert server.request_log == [LOGIN, ("GET", CONFIGS, 403)]


def test_a_refused_login_is_never_retried_and_names_no_secret(emulator, clock):
    client = _client(emulator, clock, token=None, username=USER, password="wrong-pw-1")
    with pytest.raises(AuthError) as caught:
        client.list_videos()
    assert emulator.request_log == [("POST", "/app/oauth/v1/token/", 401)]
    text = str(caught.value)
    assert "refused the username or password" in text and "7 wrong passwords" in text
    assert "wrong-pw-1" not in text and USER not in text


def test_a_configured_token_is_used_as_it_is_without_login(provider, emulator):
    provider.list_videos()
    assert [e[1] for e in emulator.request_log] == ["/app/th-api/v1/accounts/acme/videos"]


def test_a_wrong_token_is_an_auth_error_without_the_token(emulator, clock):
    client = _client(emulator, clock, token="tok-WRONG-99")
    with pytest.raises(AuthError) as caught:
        client.catalog()
    assert caught.value.status == 403 and caught.value.server_message == "invalid account"
    assert "tok-WRONG-99" not in str(caught.value)
    assert len(emulator.request_log) == 1  # a configured token is not "renewed"


def test_a_client_needs_credentials():
    with pytest.raises(ProjectError, match="needs a token or a username"):
        CdnvideoProvider(account="acme", base_url="http://127.0.0.1:9")


# -- faults -----------------------------------------------------------------------------------


def test_gets_answered_5xx_are_retried_and_succeed_and_every_retry_is_counted(emulator, clock):
    emulator.configure(fail_rate=0.5)
    client = _client(emulator, clock, policy=HttpPolicy(retries=12, backoff_jitter=0.0))
    for _ in range(10):
        assert client.catalog().quota.left == 544.0
    statuses = [e[2] for e in emulator.request_log]
    assert statuses.count(200) == 10
    assert {s for s in statuses if s != 200} <= {500, 503} and len(statuses) > 10
    assert client.ledger.total == len(statuses)


def test_a_create_answered_5xx_is_outcome_unknown_and_sent_once(provider, emulator):
    emulator.configure(fail_rate=1.0)
    with pytest.raises(OutcomeUnknown) as caught:
        provider.create(SPEC)
    assert [e[0] for e in emulator.request_log] == ["POST"]
    assert caught.value.status in (500, 503)
    assert "may exist already" in str(caught.value)


def test_a_lost_create_answer_is_outcome_unknown_and_the_video_exists(provider, emulator, clock):
    emulator.configure(lose_response_rate=1.0)
    for _ in range(4):
        with pytest.raises(OutcomeUnknown):
            provider.create(SPEC)
    assert len(emulator.request_log) == 4  # never re-posted
    assert {e[2] for e in emulator.request_log} <= {500, 0}  # 0: connection dropped
    assert len(emulator.world.videos) == 4  # the work was done all the same
    clock.advance(10)
    emulator.configure(lose_response_rate=0.0)
    assert len(provider.list_videos()) == 4  # and the listing finds it


def test_an_inconsistent_body_is_invalid_with_the_services_message(provider):
    bad = {
        **SPEC,
        "actor": {"name": "Natalia", "version": "latest", "style": "hoodie", "shot": "waist"},
    }
    with pytest.raises(InvalidRequest) as caught:
        provider.create(bad)
    assert caught.value.status == 422
    assert caught.value.server_message == "bad style for Natalia-latest"
    assert "POST /app/th-api/v1/accounts/acme/generate on 127.0.0.1:" in str(caught.value)


def test_too_many_creates_are_rate_limited_with_retry_after_not_retried(emulator, clock):
    emulator.configure(post_limit=Rate(2, 60.0))
    client = _client(emulator, clock)
    client.create(SPEC)
    client.create(SPEC)
    with pytest.raises(RateLimited) as caught:
        client.create(SPEC)
    assert caught.value.retry_after is not None and 0 < caught.value.retry_after <= 60
    assert len(emulator.request_log) == 3
    clock.advance(caught.value.retry_after)
    client.create(SPEC)  # the window has passed on the shared clock


def test_the_monthly_cap_is_quota_exhausted_not_a_login_problem(emulator, clock):
    emulator.configure(monthly_requests=2)
    client = _client(emulator, clock, token=None, username=USER, password=PASSWORD)
    client.catalog()
    client.catalog()
    with pytest.raises(QuotaExhausted, match="monthly request limit"):
        client.catalog()
    assert [e[0] for e in emulator.request_log].count("POST") == 1  # no second login


def test_a_create_the_quota_cannot_pay_is_quota_exhausted(clock):
    with serve(EmulatorSettings(token=TOKEN, quota_left=0.001), clock=clock) as server:
        client = _client(server, clock)
        with pytest.raises(QuotaExhausted, match="not enough quota"):
            client.create(SPEC)


def test_no_secret_reaches_an_error_or_the_debug_log(emulator, clock, caplog, tmp_path):
    client = _client(emulator, ManualClock(), token=None, username=USER, password=PASSWORD)
    errors: list[BaseException] = []
    with caplog.at_level(logging.DEBUG):
        client.catalog()
        video_id = client.create(SPEC)
        clock.advance(7 * 3600)  # the service expires the token: a 403, then a new login
        client.rename(video_id, "renamed")
        client.download(video_id, tmp_path / "v.mp4")
        for call in (
            lambda: client.delete("missing"),
            lambda: client.create({**SPEC, "voice": "Nobody"}),
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
    token = client._token
    assert token and token.startswith("cdn2_")
    assert [e[1] for e in emulator.request_log].count("/app/oauth/v1/token/") == 2
    assert len(errors) == 3
    text = "\n".join(
        [r.getMessage() for r in caplog.records]
        + [str(e) for e in errors]
        + [repr(e) for e in errors]
        + [repr(client)]
    )
    assert "GET /app/th-api/v1/accounts/acme/configurations -> 200" in text  # the log is there
    for secret in (token, TOKEN, PASSWORD, USER):
        assert secret not in text


def test_the_ledger_counts_what_the_service_served(provider, emulator, clock, tmp_path):
    video_id = provider.create(SPEC)
    provider.status([video_id])
    clock.advance(10)
    provider.list_videos()
    provider.rename(video_id, "n")
    provider.download(video_id, tmp_path / "v.mp4")
    provider.delete(video_id)
    assert provider.ledger.total == len(_api_calls(emulator)) == 6
    assert emulator.world.requests_this_month == 6


# -- open_provider ----------------------------------------------------------------------------


def _project(tmp_path: Path, config: ProviderConfig) -> Project:
    return Project(
        root=tmp_path,
        file=tmp_path / "vidspec.yaml",
        provider=config,
        state_path=tmp_path / ".vidspec" / "state.json",
    )


WHERE = SourceLocation("vidspec.yaml", 2, 3)


def test_open_provider_reads_env_secrets_for_cdnvideo(emulator, tmp_path):
    config = ProviderConfig(
        kind="cdnvideo",
        account="acme",
        base_url=emulator.base_url,
        username=SecretRef("CDN_USER", WHERE),
        password=SecretRef("CDN_PASSWORD", WHERE),
        location=WHERE,
    )
    provider = open_provider(
        _project(tmp_path, config), environ={"CDN_USER": USER, "CDN_PASSWORD": PASSWORD}
    )
    try:
        assert provider.capabilities.kind == "cdnvideo"
        assert provider.catalog().quota.left == 544.0
    finally:
        provider.close()
    assert emulator.request_log[0] == LOGIN


def test_open_provider_names_a_missing_variable(tmp_path):
    config = ProviderConfig(kind="cdnvideo", account="acme", token=SecretRef("CDN_TOKEN", WHERE))
    with pytest.raises(MissingVariable) as caught:
        open_provider(_project(tmp_path, config), environ={})
    assert "vidspec.yaml:2:3: environment variable CDN_TOKEN is not set" in str(caught.value)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            ProviderConfig(kind="cdnvideo", token=SecretRef("T", WHERE), location=WHERE),
            "account is missing",
        ),
        (ProviderConfig(kind="cdnvideo", account="acme", location=WHERE), "needs credentials"),
        (ProviderConfig(kind="vidnoz", location=WHERE), "vidnoz provider needs provider.api_key"),
        (ProviderConfig(kind="youtube", location=WHERE), "unknown provider kind 'youtube'"),
    ],
)
def test_open_provider_refuses_configurations_that_cannot_work(tmp_path, config, message):
    with pytest.raises(ProjectError, match=message) as caught:
        open_provider(_project(tmp_path, config), environ={"T": "x"})
    assert str(caught.value).startswith("vidspec.yaml:2:3: ")
