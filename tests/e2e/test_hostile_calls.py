"""Issue 10, server side: a hostile or broken API cannot hang vidspec, and its errors say
which host did what. Each test talks to a CDNvideo emulator through the hostile proxy
(``tests/support/hostile.py``); waits run on the emulator's ManualClock, trickles against tiny
deadlines set in vidspec.yaml."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from apply_env import cli_environ
from cli_run import Cli
from hostile import answer, elapsed, full_page, trickle, trickle_head
from hostile_env import CATALOG, GENERATE, LISTING, TOKEN, HostileEnv, make_hostile_env

from vidspec.core.errors import ProjectError, ProviderError
from vidspec.engine import Outcome
from vidspec.providers.base import Rate
from vidspec.providers.cdnvideo.api import capabilities
from vidspec.providers.cdnvideo.provider import CdnvideoProvider
from vidspec.state.usage import MonthlyUsage


@pytest.fixture
def hostile_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[HostileEnv]:
    yield from make_hostile_env(tmp_path, monkeypatch, cli)


# -- 1: a listing that never ends ------------------------------------------------------------


def test_item01_a_listing_repeating_its_full_page_stops_naming_offset_and_host(
    hostile_env: HostileEnv,
) -> None:
    hostile_env.hostile.add("GET", LISTING, answer(200, full_page(1000)))
    with pytest.raises(ProviderError) as caught:
        hostile_env.env.plan()
    assert f"the listing repeats itself at offset 1000 on {hostile_env.host}" in str(caught.value)
    assert hostile_env.hostile.count("GET", LISTING) == 2


def test_item01_a_listing_of_ever_new_ids_stops_at_what_the_account_can_hold(
    hostile_env: HostileEnv, clock: Any
) -> None:
    # An account that makes 1 video a day keeps at most 30 (30 days' retention): one page.
    def page(handler: Any, hostile: Any) -> None:
        offset = int(handler.path.split("offset=")[1].split("&")[0])
        answer(200, full_page(1000, start=offset))(handler, hostile)

    hostile_env.hostile.add("GET", LISTING, page)
    provider = CdnvideoProvider(
        account="acme",
        base_url=hostile_env.hostile.root_url + "/app/th-api/v1",
        token=TOKEN,
        clock=hostile_env.env.clock,
        trust_env=False,
        capabilities=capabilities("cdnvideo", "CDNvideo", generation_rate=Rate(1, 86400.0)),
    )
    with pytest.raises(ProviderError) as caught:
        provider.list_videos()
    provider.close()
    assert "more videos than the account can hold" in str(caught.value)
    assert hostile_env.hostile.count("GET", LISTING) <= 2


def test_item01_a_killed_runs_requests_are_counted(hostile_env: HostileEnv) -> None:
    stuck = trickle(b"[]", every=30.0)  # the listing never answers
    hostile_env.hostile.add("GET", LISTING, stuck)
    root = hostile_env.env.root
    command = [sys.executable, "-m", "vidspec", "-C", str(root), "plan"]
    proc = subprocess.Popen(
        command, env=cli_environ(CDN_TOKEN=TOKEN), stderr=subprocess.PIPE, stdout=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while hostile_env.hostile.count("GET", LISTING) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    usage = MonthlyUsage(root / ".vidspec" / "usage.json")
    sent = len(hostile_env.hostile.seen)
    assert sent >= 2  # the catalog, then the listing
    assert usage.used(hostile_env.env.clock.now()) == sent


# -- 2, 19, 21: waits a server asks for ----------------------------------------------------


def test_item02_a_huge_retry_after_on_a_create_ends_that_call_naming_host_and_wait(
    hostile_env: HostileEnv,
) -> None:
    too_many = answer(429, {"status": "ERROR", "message": "slow down"}, {"Retry-After": "999999"})
    hostile_env.hostile.add("POST", GENERATE, too_many)
    before = hostile_env.env.clock.monotonic()
    outcome, detail, _ = hostile_env.apply_one()
    assert outcome is Outcome.FAILED
    assert (
        f"{hostile_env.host} asked to wait 999999 s (Retry-After), longer than "
        "safety.max_wait (2m)" in detail
    )
    assert hostile_env.env.clock.monotonic() - before < 120  # nothing waited for
    assert hostile_env.env.state().pending == ()  # a 429 made nothing


def test_item02_safety_max_wait_is_a_setting(hostile_env: HostileEnv) -> None:
    hostile_env.configure("safety: {max_wait: 5s}\n")
    hostile_env.hostile.add("GET", CATALOG, answer(429, {}, {"Retry-After": "10"}))
    with pytest.raises(ProviderError, match=r"asked to wait 10 s \(Retry-After\), longer than "):
        hostile_env.env.plan()


def test_item19_a_429_on_the_listing_says_what_it_waits_for(hostile_env: HostileEnv) -> None:
    limited = answer(429, {"status": "ERROR", "message": "busy"}, {"Retry-After": "30"})
    hostile_env.hostile.add("GET", LISTING, limited, times=1)
    before = hostile_env.env.clock.monotonic()
    code, _, err = hostile_env.env.run("plan")
    assert code == 0, err
    assert (
        f"waiting 30 s before retrying GET /app/th-api/v1/accounts/acme/videos on "
        f"{hostile_env.host} (HTTP 429, Retry-After)" in err
    )
    assert hostile_env.env.clock.monotonic() - before == pytest.approx(30, abs=1)


def test_item21_a_429_without_retry_after_is_not_said_to_have_one(
    hostile_env: HostileEnv,
) -> None:
    hostile_env.hostile.add("POST", GENERATE, answer(429, {"message": "busy"}), times=1)
    outcome, _, recorder = hostile_env.apply_one()
    assert outcome is Outcome.DONE
    reasons = [reason for _, reason, pacing in recorder.of("waiting") if pacing]
    assert "the service asked to slow down (HTTP 429)" in reasons
    assert not any("Retry-After" in r for r in reasons)


# -- 5: trickled answers ---------------------------------------------------------------------


def test_item05_a_trickled_listing_ends_at_the_request_deadline(hostile_env: HostileEnv) -> None:
    hostile_env.configure("safety: {request_deadline: 300ms}\n")
    body = json.dumps([]).encode() + b" " * 400
    hostile_env.hostile.add("GET", LISTING, trickle(body, every=0.05))
    took, error = elapsed(hostile_env.env.plan)
    assert isinstance(error, ProviderError)
    assert f"{hostile_env.host} did not finish answering within the request deadline (0.3s)" in str(
        error
    )
    assert took < 3


def test_item05_trickled_headers_end_at_the_request_deadline(hostile_env: HostileEnv) -> None:
    # each byte comes well within the read timeout: only an overall deadline can end this
    hostile_env.configure("safety: {request_deadline: 400ms}\n")
    hostile_env.hostile.add("GET", CATALOG, trickle_head(every=0.05))
    took, error = elapsed(hostile_env.env.plan)
    assert isinstance(error, ProviderError), error
    assert "did not finish answering within the request deadline (0.4s)" in str(error)
    assert took < 3
    assert hostile_env.hostile.count("GET", CATALOG) == 1  # not retried past the deadline


# -- 18: errors that name the host and do not mislead ----------------------------------------


def test_item18_a_404_on_the_catalog_points_at_base_url(hostile_env: HostileEnv) -> None:
    hostile_env.hostile.add("GET", CATALOG, answer(404, b"<html>Not Found</html>"))
    with pytest.raises(ProviderError) as caught:
        hostile_env.env.plan()
    text = str(caught.value)
    assert "deleted outside vidspec" not in text
    assert "provider.base_url" in text and hostile_env.host in text


def test_item18_a_400_on_the_listing_does_not_blame_the_manifest(
    hostile_env: HostileEnv,
) -> None:
    hostile_env.hostile.add("GET", LISTING, answer(400, {"message": "bad offset"}))
    with pytest.raises(ProviderError) as caught:
        hostile_env.env.plan()
    text = str(caught.value)
    assert "Fix the video's settings" not in text
    assert hostile_env.host in text and "bad offset" in text


def test_item18_a_token_holding_a_line_break_is_refused_with_its_own_message(
    hostile_env: HostileEnv,
) -> None:
    hostile_env.env.environ["CDN_TOKEN"] = TOKEN + "\r\nX-Injected: 1"
    with pytest.raises(ProjectError) as caught:
        hostile_env.env.plan()
    text = str(caught.value)
    assert "CDN_TOKEN" in text and "line break" in text
    assert "could not reach" not in text
    assert hostile_env.hostile.seen == []
