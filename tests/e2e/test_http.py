"""The HTTP seam (``vidspec.http``) against a scripted server on loopback.

The emulator has no way to answer "503, 503, then 200" on demand, or to hang; this small
server speaks real HTTP and answers from a script, so each retry rule is seen exactly.
Waiting goes through a ``ManualClock``: the assertions read how long the client "slept".
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from vidspec.core.clock import ManualClock
from vidspec.core.errors import (
    AuthError,
    InvalidRequest,
    NotFound,
    OutcomeUnknown,
    ProviderError,
    RateLimited,
    ServerError,
    TransportError,
    WaitTooLong,
)
from vidspec.http.client import HttpClient, HttpPolicy, new_session, to_provider_error
from vidspec.http.ledger import RequestLedger
from vidspec.providers.cdnvideo.provider import CdnvideoProvider

DROP = "drop"  # close the connection without an answer
HANG = "hang"  # never answer (until the test ends)


@dataclass
class Scripted:
    """Answers requests from ``script`` in order; the last entry repeats."""

    script: list[Any] = field(default_factory=list)
    seen: list[tuple[str, str]] = field(default_factory=list)
    tokens: list[str | None] = field(default_factory=list)  # CDN-AUTH-TOKEN of each request
    stop: threading.Event = field(default_factory=threading.Event)
    url: str = ""


def _handler(state: Scripted) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            state.seen.append((self.command, self.path))
            state.tokens.append(self.headers.get("CDN-AUTH-TOKEN"))
            step = state.script.pop(0) if len(state.script) > 1 else state.script[0]
            if step == DROP:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if step == HANG:
                state.stop.wait(5)
                self.close_connection = True
                return
            status, headers, body = step
            data = json.dumps(body).encode() if isinstance(body, dict) else body
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = do_DELETE = _any

    return Handler


@pytest.fixture
def scripted() -> Iterator[Scripted]:
    state = Scripted()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    state.stop.set()
    server.shutdown()
    server.server_close()
    thread.join(5)


OK = (200, {"Content-Type": "application/json"}, {"status": "ok"})


def _error(status: int, message: str, **headers: str) -> tuple[int, dict[str, str], dict[str, str]]:
    return (
        status,
        {"Content-Type": "application/json", **headers},
        {"status": "ERROR", "message": message},
    )


def _client(
    clock: ManualClock, *, secrets: tuple[str, ...] = (), **policy: Any
) -> tuple[HttpClient, RequestLedger]:
    settings: dict[str, Any] = {"retries": 3, "backoff_factor": 0.5, "backoff_jitter": 0.0}
    settings.update(policy)
    ledger = RequestLedger()
    session = new_session(ledger, policy=HttpPolicy(**settings), clock=clock, trust_env=False)
    return HttpClient(session, secrets=secrets), ledger


def test_a_get_answered_503_is_retried_with_backoff_on_the_clock(scripted, clock):
    scripted.script = [_error(503, "busy"), _error(503, "busy"), OK]
    client, ledger = _client(clock)
    before = clock.monotonic()
    response = client.request("GET", scripted.url + "/things")
    assert response.json() == {"status": "ok"}
    assert scripted.seen == [("GET", "/things")] * 3
    assert ledger.count("GET") == 3  # the retries count: each one hits the monthly cap
    # urllib3's backoff: nothing after the first failure, then factor * 2 = 1 s.
    assert clock.monotonic() - before == pytest.approx(1.0)


def test_a_get_answered_429_waits_out_retry_after_then_succeeds(scripted, clock):
    scripted.script = [_error(429, "too many requests", **{"Retry-After": "30"}), OK]
    client, ledger = _client(clock)
    before = clock.monotonic()
    assert client.request("GET", scripted.url + "/videos").status_code == 200
    assert clock.monotonic() - before == pytest.approx(30.0)
    assert ledger.total == 2


def test_a_retry_after_longer_than_max_wait_ends_the_call_naming_host_and_wait(scripted, clock):
    # Issue 10: cutting a day-long Retry-After to 120 s and retrying only hammers a server
    # that asked for a day; past safety.max_wait the call stops, saying so.
    scripted.script = [_error(503, "maintenance", **{"Retry-After": "86400"}), OK]
    client, ledger = _client(clock, max_wait=120)
    before = clock.monotonic()
    with pytest.raises(WaitTooLong) as caught:
        client.request("DELETE", scripted.url + "/videos/1")
    assert clock.monotonic() == before
    assert ledger.total == 1
    host = scripted.url.removeprefix("http://")
    assert f"{host} asked to wait 86400 s (Retry-After), longer than safety.max_wait (2m)" in str(
        caught.value
    )


def test_a_get_that_keeps_failing_raises_server_error_with_the_last_answer(scripted, clock):
    scripted.script = [_error(502, "bad gateway")]
    client, ledger = _client(clock, retries=2)
    with pytest.raises(ServerError) as caught:
        client.request("GET", scripted.url + "/configurations")
    assert caught.value.status == 502
    assert caught.value.server_message == "bad gateway"
    assert caught.value.method == "GET"
    assert caught.value.path == "/configurations"
    assert len(scripted.seen) == 3 == ledger.total


@pytest.mark.parametrize("status", [500, 503])
def test_a_post_answered_5xx_is_not_retried_and_its_outcome_is_unknown(scripted, clock, status):
    scripted.script = [(status, {}, b""), OK]
    client, ledger = _client(clock)
    with pytest.raises(OutcomeUnknown) as caught:
        client.request("POST", scripted.url + "/generate", json={"script": "hi"})
    assert scripted.seen == [("POST", "/generate")]
    assert ledger.total == 1
    assert caught.value.status == status


def test_a_post_answered_429_is_rate_limited_not_unknown_and_not_retried(scripted, clock):
    scripted.script = [_error(429, "too many requests", **{"Retry-After": "7"}), OK]
    client, _ = _client(clock)
    with pytest.raises(RateLimited) as caught:
        client.request("POST", scripted.url + "/generate", json={})
    assert caught.value.retry_after == 7.0
    assert len(scripted.seen) == 1


def test_a_post_whose_connection_drops_after_sending_is_outcome_unknown(scripted, clock):
    scripted.script = [DROP, OK]
    client, _ = _client(clock)
    with pytest.raises(OutcomeUnknown) as caught:
        client.request("POST", scripted.url + "/generate", json={})
    assert len(scripted.seen) == 1
    assert "lost" in str(caught.value)
    assert isinstance(caught.value.__cause__, requests.ConnectionError)


def test_a_post_that_times_out_is_outcome_unknown(scripted, clock):
    scripted.script = [HANG]
    client, _ = _client(clock, read_timeout=0.05)
    with pytest.raises(OutcomeUnknown):
        client.request("POST", scripted.url + "/generate", json={})
    assert len(scripted.seen) == 1


def test_the_read_timeout_applies_even_when_the_caller_gives_none(scripted, clock):
    scripted.script = [HANG]
    client, ledger = _client(clock, read_timeout=0.05, retries=1)
    with pytest.raises(requests.RequestException) as caught:
        client.session.get(scripted.url + "/slow")  # no timeout= here: the adapter sets it
    assert "Read timed out. (read timeout=0.05)" in str(caught.value)
    assert ledger.total == 2  # one read-timeout retry for a GET
    with pytest.raises(TransportError, match="no answer in time"):
        client.request("GET", scripted.url + "/slow")


def test_a_refused_connection_is_a_transport_error_even_for_a_post(clock):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client, _ = _client(clock, retries=1, backoff_factor=0.0)
    for method in ("GET", "POST"):
        with pytest.raises(TransportError) as caught:
            client.request(method, f"http://127.0.0.1:{port}/generate")
        assert not isinstance(caught.value, OutcomeUnknown)  # nothing was sent
        assert "connection refused" in str(caught.value)
        # the host is named (issue 13, item 23): which base_url did not answer
        assert f"on 127.0.0.1:{port})" in caught.value.message


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, InvalidRequest),
        (422, InvalidRequest),
        (401, AuthError),
        (403, AuthError),
        (404, NotFound),
    ],
)
def test_4xx_answers_map_to_their_errors_and_are_never_retried(scripted, clock, status, error):
    scripted.script = [_error(status, f"refused with {status}")]
    client, _ = _client(clock)
    for method in ("GET", "POST"):
        with pytest.raises(error) as caught:
            client.request(method, scripted.url + "/thing")
        assert caught.value.status == status
        assert f"refused with {status}" in str(caught.value)
    assert len(scripted.seen) == 2


def test_an_error_object_is_read_as_code_message_and_param(scripted, clock):
    # HeyGen's shape: {"error": {"code", "message", "param", "doc_url"}}
    error = {"code": "invalid_parameter", "message": "script is too long", "param": "script"}
    scripted.script = [
        (400, {"Content-Type": "application/json"}, {"error": error}),
        (409, {"Content-Type": "application/json"}, {"error": {"code": "request_in_progress"}}),
        (400, {"Content-Type": "application/json"}, {"error": "a plain string"}),
    ]
    client, _ = _client(clock)
    messages = []
    for _ in range(3):
        with pytest.raises(ProviderError) as caught:
            client.request("POST", scripted.url + "/v3/videos")
        messages.append(caught.value.server_message)
    assert messages == [
        "invalid_parameter: script is too long (param: script)",
        "request_in_progress",
        "a plain string",
    ]


def test_errors_show_path_and_host_never_the_query_or_a_password(scripted, clock):
    scripted.script = [_error(404, "no such video")]
    client, _ = _client(clock)
    url = scripted.url.replace("http://", "http://user:pa55@")
    with pytest.raises(NotFound) as caught:
        client.request("GET", url + "/videos/42", params={"sig": "s3cr3t"})
    text = str(caught.value)
    host = scripted.url.removeprefix("http://")
    assert f"GET /videos/42 on {host} -> HTTP 404" in text  # issue 10: errors name the host
    assert "s3cr3t" not in text and "pa55" not in text


def test_a_secret_echoed_by_the_server_is_blanked(scripted, clock):
    scripted.script = [_error(403, "token cdn2_abc is not valid for this account")]
    client, _ = _client(clock, secrets=("cdn2_abc",))
    with pytest.raises(AuthError) as caught:
        client.request("GET", scripted.url + "/configurations")
    assert "cdn2_abc" not in str(caught.value)
    assert "token *** is not valid" in str(caught.value)


def test_a_gateway_page_without_json_still_gives_a_clear_error(scripted, clock):
    scripted.script = [(503, {"Content-Type": "text/html"}, b"<html>503</html>")]
    client, _ = _client(clock, retries=0)
    with pytest.raises(ServerError) as caught:
        client.request("GET", scripted.url + "/videos")
    assert caught.value.server_message is None
    assert "HTTP 503" in str(caught.value)


def test_a_non_json_success_answer_is_an_error_and_unknown_for_a_post(scripted, clock):
    scripted.script = [(202, {"Content-Type": "text/plain"}, b"accepted")]
    client, _ = _client(clock)
    with pytest.raises(OutcomeUnknown):
        client.request_json("POST", scripted.url + "/generate", json={})
    with pytest.raises(ServerError):
        client.request_json("GET", scripted.url + "/configurations")


def test_creates_false_turns_a_lost_post_into_a_plain_server_error(scripted, clock):
    scripted.script = [(500, {}, b"")]
    client, _ = _client(clock)
    with pytest.raises(ServerError) as caught:
        client.request("POST", scripted.url + "/login", data={"u": "x"}, creates=False)
    assert not isinstance(caught.value, OutcomeUnknown)


def test_each_request_is_logged_with_method_path_status_and_time(scripted, clock, caplog):
    scripted.script = [_error(503, "busy"), OK]
    client, _ = _client(clock)
    with caplog.at_level(logging.DEBUG, logger="vidspec.http"):
        client.request("GET", scripted.url + "/videos", params={"limit": 5})
    lines = [r.getMessage() for r in caplog.records if r.name == "vidspec.http"]
    assert any(line.startswith("retrying GET /videos after HTTP 503") for line in lines)
    assert any(line.startswith("GET /videos -> 200 in ") and line.endswith(" ms") for line in lines)
    assert not any("limit=5" in line for line in lines)


def test_to_provider_error_needs_a_response_or_an_exception():
    with pytest.raises(AssertionError):
        to_provider_error("GET", "http://x/y")


def test_a_refused_download_link_says_so_and_the_file_request_carries_no_token(
    scripted, clock, tmp_path
):
    link = (200, {"Content-Type": "application/json"}, {"status": "ok", "url": "/files/v.mp4?s=1"})
    scripted.script = [link, (403, {"Content-Type": "text/plain"}, b"link expired")]
    provider = CdnvideoProvider(
        account="a",
        base_url=scripted.url + "/app/th-api/v1",
        token="tok-xyz",
        clock=clock,
        trust_env=False,
    )
    with pytest.raises(ProviderError) as caught:
        provider.download("v", tmp_path / "v.mp4")
    provider.close()
    assert "the file host refused the download link (GET /files/v.mp4 on " in str(caught.value)
    assert "6 hours" in str(caught.value)
    assert scripted.tokens == ["tok-xyz", None]  # the file host never sees the token
    assert list(tmp_path.iterdir()) == []


def test_a_service_may_name_another_wait_header_and_only_it_is_read(scripted, clock):
    # Synthesia's 429 says RateLimit-Reset (seconds); GitLab's RateLimit-Reset is a Unix time,
    # so a client reads it only when it names it (HttpPolicy.wait_headers).
    limited = _error(429, "slow down", **{"RateLimit-Reset": "30"})
    scripted.script = [limited, OK]
    client, _ = _client(clock, wait_headers=("Retry-After", "RateLimit-Reset"))
    before = clock.monotonic()
    assert client.request("GET", scripted.url + "/v2/videos").status_code == 200
    assert clock.monotonic() - before == pytest.approx(30.0)
    scripted.script = [limited]
    with pytest.raises(RateLimited) as caught:
        client.request("POST", scripted.url + "/v2/videos")
    assert caught.value.retry_after == 30.0
    epoch = _error(429, "slow down", **{"RateLimit-Reset": "1767225600"})
    scripted.script = [epoch, OK]
    plain, _ = _client(clock)
    before = clock.monotonic()
    assert plain.request("GET", scripted.url + "/projects").status_code == 200
    assert clock.monotonic() - before == pytest.approx(0.0)  # backoff, not the Unix time
    scripted.script = [epoch]
    with pytest.raises(RateLimited) as caught:
        plain.request("POST", scripted.url + "/projects")
    assert caught.value.retry_after is None


def test_an_error_with_a_context_shows_both(scripted, clock):
    # Synthesia's error body: {"error": "Bad Request", "context": "<what was wrong>"}
    document = {"error": "Bad Request", "context": "input.0.avatar: Unknown field."}
    scripted.script = [(400, {"Content-Type": "application/json"}, document)]
    client, _ = _client(clock)
    with pytest.raises(InvalidRequest) as caught:
        client.request("POST", scripted.url + "/v2/videos")
    assert caught.value.server_message == "Bad Request: input.0.avatar: Unknown field."
