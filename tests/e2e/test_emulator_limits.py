"""Rate limits, the monthly cap, and fault injection (gateway errors, lost answers)."""

from __future__ import annotations

import time
from collections import Counter

import pytest
import requests

from vidspec.core.clock import ManualClock
from vidspec.emulator import EmulatorServer, EmulatorSettings, serve
from vidspec.emulator.common.server import DROPPED
from vidspec.providers.base import Rate

SPEC = {"script": "Hi", "actor": {"name": "Natalia", "shot": "waist"}, "voice": "Sara"}
TOO_MANY = {"status": "ERROR", "message": "too many requests"}


def test_posts_over_the_window_get_429_with_retry_after(
    emulator: EmulatorServer, session: requests.Session, account_url: str, clock: ManualClock
) -> None:
    emulator.configure(post_limit=Rate(3, 1.0))
    statuses = []
    for _ in range(3):
        statuses.append(session.post(f"{account_url}/generate", json=SPEC).status_code)
        clock.advance(0.2)
    refused = session.post(f"{account_url}/generate", json=SPEC)
    assert statuses == [202, 202, 202]
    assert (refused.status_code, refused.json()) == (429, TOO_MANY)
    assert refused.headers["Retry-After"] == "1"  # 0.4 s left, rounded up to whole seconds
    assert session.get(f"{account_url}/configurations").status_code == 200  # GETs unaffected
    clock.advance(0.4)  # the first POST leaves the window
    assert session.post(f"{account_url}/generate", json=SPEC).status_code == 202
    assert session.post(f"{account_url}/generate", json=SPEC).status_code == 429
    assert len(emulator.world.videos) == 4


def test_default_window_is_ten_a_minute(
    session: requests.Session, account_url: str, clock: ManualClock
) -> None:
    for _ in range(10):
        assert session.post(f"{account_url}/generate", json=SPEC).status_code == 202
    clock.advance(15)
    refused = session.post(f"{account_url}/generate", json=SPEC)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "45"


def test_invalid_posts_count_towards_the_window(
    emulator: EmulatorServer, session: requests.Session, account_url: str
) -> None:
    emulator.configure(post_limit=Rate(2, 1.0))
    assert session.post(f"{account_url}/generate", json={}).status_code == 400
    assert session.post(f"{account_url}/generate", json=SPEC).status_code == 202
    assert session.post(f"{account_url}/generate", json=SPEC).status_code == 429


def test_monthly_cap_counts_every_call_and_resets_next_month(clock: ManualClock) -> None:
    settings = EmulatorSettings(token="t", monthly_requests=3)
    with serve(settings, clock=clock) as server, requests.Session() as http:
        http.headers["CDN-AUTH-TOKEN"] = "t"
        base = f"{server.base_url}/accounts/acme"
        assert http.get(f"{base}/configurations").status_code == 200
        assert http.get(f"{base}/tasks/nope").status_code == 404  # refused calls count too
        assert requests.get(f"{base}/videos").status_code == 403  # no token: not counted
        assert http.post(f"{base}/generate", json=SPEC).status_code == 202
        over = http.get(f"{base}/videos")
        assert over.status_code == 403
        assert over.json() == {
            "status": "ERROR",
            "message": "monthly request limit exceeded: 3 requests per month",
        }
        assert server.world.requests_this_month == 4
        clock.advance(29 * 86400)  # 2026-12-01 09:00: a new calendar month
        assert http.get(f"{base}/videos").status_code == 200
        assert server.world.requests_this_month == 1


def test_fail_rate_one_answers_only_5xx_before_any_work(
    emulator: EmulatorServer, session: requests.Session, account_url: str
) -> None:
    emulator.configure(fail_rate=1.0)
    answers = [session.post(f"{account_url}/generate", json=SPEC) for _ in range(20)]
    answers += [session.get(f"{account_url}/configurations") for _ in range(20)]
    assert {a.status_code for a in answers} == {500, 503}
    for answer in answers:
        assert answer.content == b"" or answer.content.startswith(b"<html>")
        assert "application/json" not in answer.headers["Content-Type"]
    assert emulator.world.videos == {}
    assert emulator.world.requests_this_month == 0
    emulator.configure(fail_rate=0.0)
    assert session.get(f"{account_url}/configurations").status_code == 200


def test_fail_rate_share_is_roughly_kept_and_seeded(clock: ManualClock) -> None:
    def run() -> list[int]:
        settings = EmulatorSettings(token="t", fail_rate=0.3, seed=7)
        with serve(settings, clock=clock) as server, requests.Session() as http:
            http.headers["CDN-AUTH-TOKEN"] = "t"
            url = f"{server.base_url}/accounts/acme/configurations"
            return [http.get(url).status_code for _ in range(100)]

    first, second = run(), run()
    assert first == second
    failures = sum(1 for s in first if s >= 500)
    assert 15 <= failures <= 45


def test_lost_answers_still_create_the_video(
    emulator: EmulatorServer, session: requests.Session, account_url: str, clock: ManualClock
) -> None:
    emulator.configure(lose_response_rate=1.0, post_limit=Rate(100, 60.0))
    outcomes: Counter[str] = Counter()
    for _ in range(12):
        try:
            answer = session.post(f"{account_url}/generate", json=SPEC)
        except requests.ConnectionError:
            outcomes["dropped"] += 1
        else:
            assert answer.status_code == 500
            assert answer.content == b""
            outcomes["500"] += 1
    assert outcomes["dropped"] > 0 and outcomes["500"] > 0  # both forms, seeded
    statuses = [status for method, _, status in emulator.request_log if method == "POST"]
    assert statuses.count(DROPPED) == outcomes["dropped"]
    clock.advance(5)
    listed = session.get(f"{account_url}/videos").json()
    assert len(listed) == 12
    assert len(emulator.world.videos) == 12


def test_lost_answers_apply_only_to_completed_creates(
    emulator: EmulatorServer, session: requests.Session, account_url: str
) -> None:
    emulator.configure(lose_response_rate=1.0)
    answer = session.post(f"{account_url}/generate", json={"script": "Hi"})
    assert answer.status_code == 400
    assert session.get(f"{account_url}/configurations").status_code == 200


def test_slow_seconds_delays_every_answer(
    emulator: EmulatorServer, session: requests.Session, account_url: str
) -> None:
    emulator.configure(slow_seconds=0.2)
    started = time.monotonic()
    assert session.get(f"{account_url}/configurations").status_code == 200
    assert time.monotonic() - started >= 0.2


def test_configure_refuses_unknown_and_fixed_settings(emulator: EmulatorServer) -> None:
    with pytest.raises(TypeError, match="unknown emulator setting"):
        emulator.configure(fail_rat=0.5)
    with pytest.raises(ValueError, match="token are fixed once the server runs"):
        emulator.configure(token="other")
    with pytest.raises(ValueError, match="fail_rate must be between 0 and 1"):
        emulator.configure(fail_rate=1.5)
    assert emulator.settings.fail_rate == 0.0


def test_settings_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="provider 'colossyan' is not emulated"):
        EmulatorSettings(provider="colossyan")
    with pytest.raises(ValueError, match="post_limit 0/60s must allow at least 1 call"):
        EmulatorSettings(post_limit=Rate(0, 60.0))
