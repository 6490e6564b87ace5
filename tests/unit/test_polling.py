"""The polling schedule (``vidspec.plan.polling``, issue 19 item 6): rounds when videos should
be ready, rarely before, closely while they are due or late; the generation time learnt from
what the rounds see. Pure: the engine runs it on its clock, the estimate on simulated times."""

from __future__ import annotations

import itertools

import pytest

from vidspec.plan.polling import PollTiming, Schedule


def rounds(
    schedule: Schedule, sent: list[float], ready: dict[float, float], count: int
) -> list[float]:
    """``count`` rounds: each at the schedule's next moment, seeing finished the videos (by
    when they were sent) whose ``ready`` time has come."""
    moments = []
    for _ in range(count):
        if not sent:
            break
        moment = schedule.next_round(sent)
        done = [s for s in sent if ready[s] <= moment]
        sent[:] = [s for s in sent if ready[s] > moment]
        schedule.polled(moment, done, sent)
        moments.append(moment)
    return moments


def test_a_video_is_looked_for_rarely_then_when_it_should_be_ready() -> None:
    schedule = Schedule(PollTiming(), 120.0)
    schedule.begin(0.0)
    # looks at 3 s, then three times as long each time (12, 39, 99 s; once a minute at most),
    # then at 121 s (its 120 s and a second's margin), not at a look just before it
    assert rounds(schedule, [0.0], {0.0: 120.0}, 9) == [3.0, 12.0, 39.0, 99.0, 121.0]


def test_videos_due_within_a_tenth_of_their_time_share_one_round() -> None:
    schedule = Schedule(PollTiming(), 120.0)
    schedule.begin(0.0)
    sent = [0.0, 2.0, 5.0, 40.0]
    ready = {s: s + 120.0 for s in sent}
    # 121 s: the first; 133 s (12 s later, not at 123 and 126): the next two; 161 s: the last
    assert rounds(schedule, sent, ready, 12)[4:] == [121.0, 133.0, 161.0]


def test_a_late_video_is_looked_for_closely_then_less_and_less() -> None:
    schedule = Schedule(PollTiming(), 120.0)
    schedule.begin(0.0)
    moments = rounds(schedule, [0.0], {0.0: 500.0}, 14)
    gaps = [round(b - a, 2) for a, b in itertools.pairwise(moments)]
    assert moments[4] == 121.0  # due: from here it is late
    assert gaps[4:] == [12.0, 18.0, 27.0, 40.5, 60.0, 60.0, 60.0, 60.0, 60.0]
    assert moments[-1] - 500.0 <= 60.0


@pytest.mark.parametrize(
    ("took", "learnt"),
    [
        (120.0, 120.0),  # as expected: seen when due, the expectation stands (no creep)
        (2.0, 3.0),  # faster: seen at the first look, 3 s is all that is known
        (130.0, 133.0),  # slower: absent at 121 s, seen at 133 s
    ],
)
def test_the_generation_time_is_learnt_from_the_rounds(took: float, learnt: float) -> None:
    schedule = Schedule(PollTiming(), 120.0)
    schedule.begin(0.0)
    sent = [0.0, 200.0]  # the second is still in flight, so the wait goes on
    schedule_rounds = rounds(schedule, sent, {0.0: took, 200.0: 10_000.0}, 6)
    assert schedule_rounds and schedule.generation_seconds == learnt
    assert schedule.due(300.0) == 300.0 + learnt + 1.0


def test_rounds_are_never_closer_than_the_spacing() -> None:
    """Videos of 50 ms sent all the time (10 a second): a round every 3 s serves them all."""
    schedule = Schedule(PollTiming(), 0.05)
    schedule.begin(0.0)
    moments: list[float] = []
    for _ in range(4):
        since = moments[-1] if moments else 0.0
        in_flight = [since + 0.1]  # sent just after the round before, ready 50 ms later
        moments.append(schedule.next_round(in_flight))
        schedule.polled(moments[-1], in_flight, [moments[-1]])  # and one sent meanwhile
    assert moments == [3.0, 6.0, 9.0, 12.0]


def test_timing_must_make_sense() -> None:
    with pytest.raises(ValueError, match="spacing <= close_max <= heartbeat"):
        PollTiming(spacing=20.0, close_max=12.0)
    with pytest.raises(ValueError, match="status_every"):
        PollTiming(status_every=0)
