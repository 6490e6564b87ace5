"""``TokenBucket``: "at most N per window", as a service with a sliding window counts it."""

from __future__ import annotations

import random

import pytest

from vidspec.core.clock import ManualClock
from vidspec.emulator.common.limits import SlidingWindow
from vidspec.providers.base import Rate
from vidspec.providers.pacing import TokenBucket


def test_a_full_bucket_lets_n_calls_through_then_waits_one_window(clock: ManualClock) -> None:
    bucket = TokenBucket(Rate(3, 60.0), clock)
    for _ in range(3):
        assert bucket.wait_time() == 0.0
        with bucket.call():
            pass
    assert bucket.wait_time() == pytest.approx(60.0)
    clock.advance(59.0)
    assert bucket.wait_time() == pytest.approx(1.0)
    clock.advance(1.0)
    assert bucket.wait_time() == 0.0


def test_a_token_comes_back_one_window_after_the_call_ended(clock: ManualClock) -> None:
    bucket = TokenBucket(Rate(1, 10.0), clock)
    with bucket.call():
        clock.advance(4.0)  # a slow answer
        assert bucket.wait_time() == float("inf")  # the call still holds the token
    assert bucket.wait_time() == pytest.approx(10.0)


def test_hold_off_delays_the_next_call_even_with_tokens_left(clock: ManualClock) -> None:
    bucket = TokenBucket(Rate(10, 60.0), clock)
    bucket.hold_off(7.0)
    assert bucket.held_off
    assert bucket.wait_time() == pytest.approx(7.0)
    bucket.hold_off(2.0)  # a shorter hold never shortens a longer one
    assert bucket.wait_time() == pytest.approx(7.0)
    clock.advance(7.0)
    assert not bucket.held_off
    assert bucket.wait_time() == 0.0


def test_never_more_than_n_calls_in_any_window_of_the_service(clock: ManualClock) -> None:
    """Calls that take random time, paced by the bucket, against the emulator's own sliding
    window (which counts a call when it arrives): the service never refuses one, and the
    calls go through at the full allowed rate."""
    rate = Rate(10, 60.0)
    bucket = TokenBucket(rate, clock)
    service = SlidingWindow(rate, clock)
    rng = random.Random(7)
    arrivals = []
    for _ in range(100):
        clock.advance(bucket.wait_time())
        with bucket.call():
            clock.advance(rng.uniform(0.0, 0.3))  # on the way there
            assert service.acquire() is None, "the service refused a paced call"
            arrivals.append(clock.monotonic())
            clock.advance(rng.uniform(0.0, 0.3))  # the answer on its way back
    for i, start in enumerate(arrivals):
        in_window = [t for t in arrivals[i:] if t < start + rate.seconds]
        assert len(in_window) <= rate.count
    span = arrivals[-1] - arrivals[0]
    # 100 calls need 9 full windows after the first burst; each window waits one round trip
    # (at most 0.6 s) more, and the first burst goes out one call at a time
    assert 9 * rate.seconds <= span <= 9 * (rate.seconds + 0.6) + 9 * 0.6


def test_describe_and_bad_rates(clock: ManualClock) -> None:
    assert TokenBucket(Rate(10, 60.0), clock).describe() == "10 per 60 s"
    with pytest.raises(ValueError):
        TokenBucket(Rate(0, 60.0), clock)
