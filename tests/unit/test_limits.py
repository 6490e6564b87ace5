"""Limits of every shape (issue 23): several windows at once and a cap on videos generating at
once, one model (``vidspec.providers.limits``) for the engine's buckets and the plan's
``Apply time``. The engine against the emulators is in ``test_vendor_limits_apply.py``."""

from __future__ import annotations

import dataclasses

import pytest

from vidspec.core.clock import ManualClock
from vidspec.plan.cost import post_moments
from vidspec.plan.duration import apply_time
from vidspec.providers.base import Rate
from vidspec.providers.cdnvideo.api import CAPABILITIES as CDNVIDEO
from vidspec.providers.heygen.api import CAPABILITIES as HEYGEN
from vidspec.providers.limits import GenerationLimits, binding_limit, send_moments
from vidspec.providers.pacing import Pacing, TokenBucket
from vidspec.providers.synthesia.api import CAPABILITIES as SYNTHESIA
from vidspec.render.durations import apply_time_line

MINUTE, HOUR, DAY = 60.0, 3600.0, 86400.0
SYNTHESIA_WRITES = GenerationLimits((Rate(60, MINUTE), Rate(300, HOUR), Rate(1000, DAY)))


def most_within(moments: list[float], seconds: float) -> int:
    """The most moments inside any window of ``seconds`` (a window starts at a moment)."""
    ordered = sorted(moments)
    j, most = 0, 0
    for i, start in enumerate(ordered):
        j = max(j, i)
        while j < len(ordered) and ordered[j] < start + seconds:
            j += 1
        most = max(most, j - i)
    return most


def test_every_window_holds_at_once() -> None:
    moments = send_moments(1000, SYNTHESIA_WRITES, 600.0)
    assert most_within(moments, MINUTE) == 60
    assert most_within(moments, HOUR) == 300
    assert most_within(moments, DAY) == 1000
    # the hour binds: 300 in the first five minutes, the next 300 an hour later
    assert moments[299] == 4 * MINUTE and moments[300] == HOUR
    assert moments[-1] == 3 * HOUR + MINUTE  # the last 100: 60, then 40 a minute later


def test_a_cap_on_videos_generating_at_once_frees_a_slot_when_one_finishes() -> None:
    moments = send_moments(25, GenerationLimits(concurrency=10), 120.0)
    assert moments[:10] == [0.0] * 10 and moments[10:20] == [120.0] * 10
    assert moments[20:] == [240.0] * 5
    # never more than 10 generating: each runs 120 s from its POST
    assert max(sum(1 for m in moments if m <= t < m + 120.0) for t in moments) == 10


def test_a_window_and_a_cap_together() -> None:
    limits = GenerationLimits((Rate(2, 10.0),), concurrency=3)
    # the third waits for the window; the fourth for a free slot (the first two end at 25)
    assert send_moments(6, limits, 25.0) == [0.0, 0.0, 10.0, 25.0, 25.0, 35.0]


def test_the_engines_bucket_runs_the_same_windows_on_the_clock() -> None:
    clock = ManualClock()
    bucket = TokenBucket(Rate(2, 10.0), clock, also=(Rate(3, 100.0),))
    start, sent = clock.monotonic(), []
    for n in range(5):
        if n == 3:  # the 10 s window has room again, the 100 s one does not
            assert bucket.describe() == "3 per 100 s"
        clock.sleep(bucket.wait_time())
        with bucket.call():
            sent.append(clock.monotonic() - start)
    expected = send_moments(5, GenerationLimits((Rate(2, 10.0), Rate(3, 100.0))), 0.0)
    assert sent == expected == [0.0, 0.0, 10.0, 100.0, 100.0]


def test_pacing_carries_every_limit_of_the_capabilities() -> None:
    pacing = Pacing(SYNTHESIA.generation_rate, None, ManualClock(), limits=SYNTHESIA.limits)
    assert pacing.limits == SYNTHESIA_WRITES
    for _ in range(300):
        with pacing.generations.call():
            pass
    assert pacing.generations.wait_time() == pytest.approx(HOUR)  # the hour, not the minute


def test_the_estimate_and_the_polling_read_the_same_model() -> None:
    assert post_moments(1000, SYNTHESIA) == send_moments(1000, SYNTHESIA.limits, 600.0)
    # one window: the closed form the engine's single bucket gives
    assert post_moments(25, CDNVIDEO) == [0.0] * 10 + [60.0] * 10 + [120.0] * 5


@pytest.mark.parametrize(
    ("caps", "generations", "line"),
    [
        (CDNVIDEO, 25, "Apply time: about 4 min (10 a minute) · 0 requests"),
        (SYNTHESIA, 100, "Apply time: about 11 min (60 a minute) · 0 requests"),
        (SYNTHESIA, 1000, "Apply time: about 3 h 11 min (300 an hour) · 0 requests"),
        (
            SYNTHESIA,
            1500,
            "Apply time: about 25 h 13 min (1,000 a day; more videos than 1,000 a day allows)"
            " · 0 requests",
        ),
        (HEYGEN, 100, "Apply time: about 20 min (10 at once) · 0 requests"),
        (HEYGEN, 5, "Apply time: about 2 min (10 at once) · 0 requests"),
    ],
)
def test_the_plan_names_the_limit_that_sets_the_pace(caps, generations, line) -> None:
    estimate = apply_time(generations, 0, caps, None)
    assert apply_time_line(estimate) == line


def test_a_plan_over_a_days_limit_says_so_in_json() -> None:
    doc = apply_time(1500, 0, SYNTHESIA, None).to_json()
    assert doc["generation_rate"] == {"count": 1000, "seconds": DAY}
    assert doc["over"] == {"count": 1000, "seconds": DAY}
    assert "concurrency" not in doc
    heygen = apply_time(100, 0, HEYGEN, None).to_json()
    assert heygen["concurrency"] == 10 and "over" not in heygen


def test_a_slower_rate_of_the_users_binds_beside_the_other_windows() -> None:
    slower = dataclasses.replace(SYNTHESIA, generation_rate=Rate(30, MINUTE))
    assert binding_limit(200, slower.limits, 600.0) == Rate(30, MINUTE)
    assert binding_limit(1000, slower.limits, 600.0) == Rate(300, HOUR)


def test_limits_in_words_for_a_listing_of_providers() -> None:
    assert SYNTHESIA.limits.describe() == "60/60s + 300/3600s + 1000/86400s"
    assert HEYGEN.limits.describe() == "10/1s + 10 at once"
    assert GenerationLimits().describe() == "none"
