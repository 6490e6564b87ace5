"""Live progress during waits (issue 13, item 13): the bar ticks every second of a rate-limit or
polling wait, showing what it waits for and how long is left; a log (no terminal) gets a line
per finished video and one line every 30 s saying what it waits for.

Time passes on the emulator's ManualClock (the engine sleeps on it): nothing sleeps for real.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_env import ApplyEnv, Recorder, make_env, simple_videos

from vidspec.cli.reporters import BarReporter, LineReporter
from vidspec.engine import Progress
from vidspec.engine.results import ActionResult, Outcome

RATE = "the generation rate limit (10 per 60 s)"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ApplyEnv]:
    yield from make_env(tmp_path, monkeypatch)


class Both(Recorder):
    """Records the events and feeds them to a reporter too."""

    def __init__(self, reporter: BarReporter | LineReporter) -> None:
        super().__init__()
        self.reporter = reporter

    def started(self, progress: Progress) -> None:
        super().started(progress)
        self.reporter.started(progress)

    def finished(self, result: ActionResult, progress: Progress) -> None:
        super().finished(result, progress)
        self.reporter.finished(result, progress)

    def waiting(self, seconds: float, reason: str, progress: Progress, *, pacing: bool) -> None:
        super().waiting(seconds, reason, progress, pacing=pacing)
        self.reporter.waiting(seconds, reason, progress, pacing=pacing)

    def ticking(self, left: float, reason: str, progress: Progress) -> None:
        super().ticking(left, reason, progress)
        self.reporter.ticking(left, reason, progress)


def test_the_engine_ticks_every_second_of_a_rate_limit_wait(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(11))  # the 11th waits a minute for the rate limit
    written: list[str] = []
    events = Both(BarReporter(write=written.append, width=300))
    results = env.apply(reporter=events)
    assert results is not None and results.ok
    ticks = [t for t in events.of("ticking") if t[1] == RATE]
    # a tick for every second of the wait: the rest of the minute once polling has seen the
    # first ten done (the emulator's 5 s, seen at the look of 12 s)
    assert results.stats.poll_times[:2] == [3.0, 12.0]
    assert len(ticks) >= 60 - 12 - 1
    elapsed = [e for _, _, e in ticks]
    steps = [b - a for a, b in itertools.pairwise(elapsed)]
    assert all(0 < step <= 1.0 for step in steps)  # every second (the last: what is left)
    assert steps.count(1.0) >= len(steps) - 1
    lefts = [left for left, _, _ in ticks]
    assert lefts == sorted(lefts, reverse=True) and lefts[-1] == 0.0
    # the bar redraws with the elapsed time moving and the countdown going down
    frames = [w for w in written if RATE in w]
    shown = {m.group(1) for f in frames if (m := re.search(r"(\d+:\d\d) elapsed", f))}
    assert len(shown) >= 60 - 12 - 1
    assert any(f"Waiting 30 s for {RATE}..." in f for f in frames)
    assert any(f"Waiting 2 s for {RATE}..." in f for f in frames)


def test_a_log_says_what_it_waits_for_every_30_seconds(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(11))
    lines: list[str] = []
    results = env.apply(reporter=Both(LineReporter(lines.append)))
    assert results is not None and results.ok
    waits = [line for line in lines if line.startswith("Waiting")]
    finished = [line for line in lines if ": created (id" in line]
    assert len(finished) == 11  # a line per finished video
    assert waits, lines
    assert all(RATE in w or "to finish" in w for w in waits)
    # at most one wait line per 30 s of the clock: the log is quiet, but never silent long
    stamps = [_seconds(line) for line in lines if line.startswith("Waiting")]
    assert all(b - a >= 30 for a, b in itertools.pairwise(stamps))


def test_line_reporter_heartbeat_from_ticks() -> None:
    lines: list[str] = []
    reporter = LineReporter(lines.append)
    reporter.started(Progress.of(0, 4, 0.0))
    reporter.finished(ActionResult("a", "create", Outcome.DONE, "id 1"), Progress.of(1, 4, 30.0))
    reporter.waiting(90.0, RATE, Progress.of(1, 4, 30.0), pacing=True)  # a line just now
    for second in range(1, 91):
        reporter.ticking(90.0 - second, RATE, Progress.of(1, 4, 30.0 + second))
    assert lines == [
        "Applying 4 actions...",
        "a: created (id 1) [1/4 done, 0:30 elapsed, about 2 min left]",
        f"Waiting 1:00 for {RATE}... [1/4 done, 1:00 elapsed, about 3 min left]",
        f"Waiting 30 s for {RATE}... [1/4 done, 1:30 elapsed, about 5 min left]",
    ]


def _seconds(line: str) -> int:
    found = re.search(r"(\d+):(\d\d) elapsed", line)
    assert found is not None, line
    return int(found[1]) * 60 + int(found[2])
