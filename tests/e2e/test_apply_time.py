"""How long an apply takes (issue 20 item 8): the plan's "Apply time" line in text, JSON and
Markdown, from one pure estimate (``vidspec.plan.duration``); apply's progress lines with the
time left on the engine's clock; and the month's requests as a cap a plan may not pass.

Time passes on the emulator's ManualClock: nothing sleeps for real.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
from apply_env import ApplyEnv, Recorder, make_env, simple_videos
from cli_run import Cli
from repo_paths import SCHEMAS

from vidspec.cli.reporters import LineReporter
from vidspec.core.errors import QuotaExceeded
from vidspec.core.rate import Rate
from vidspec.engine import Progress
from vidspec.engine.results import ActionResult
from vidspec.plan.duration import ApplyTime, apply_seconds, apply_time, time_left
from vidspec.plan.model import Plan, PlanCost
from vidspec.project.config import Safety
from vidspec.providers.cdnvideo.api import CAPABILITIES as CDNVIDEO
from vidspec.providers.vidnoz.api import CAPABILITIES as VIDNOZ
from vidspec.render.durations import about, apply_time_line, pace

SCHEMA = json.loads((SCHEMAS / "plan.schema.json").read_text())
PROGRESS = re.compile(r"\[(\d+)/(\d+) done, (\d+:\d\d) elapsed(?:, (.+) left)?\]$")


# --- the estimate, pure ----------------------------------------------------------------------


def test_generations_go_a_window_at_a_time() -> None:
    # CDNvideo: 10 a minute, a generation takes about 2 min. 200 videos: 10 at once, 10 more
    # each minute (the last 10 after 19 min), the last one finishing 2 min after it is sent.
    assert apply_seconds(200, CDNVIDEO) == 19 * 60 + 120
    assert apply_seconds(25, CDNVIDEO) == 2 * 60 + 120
    assert apply_seconds(10, CDNVIDEO) == 120  # one window: only the generation time
    assert apply_seconds(0, CDNVIDEO) == 0
    slower = replace(CDNVIDEO, generation_rate=Rate(5, 60.0))  # provider.rate_limit: 5/1m
    assert apply_seconds(200, slower) == 39 * 60 + 120


def test_where_every_call_is_paced_the_requests_set_the_time() -> None:
    # Vidnoz: 1 call a second, every call: 50 generations cost 180 requests in all
    assert apply_seconds(50, VIDNOZ, requests=180) == 180
    assert apply_seconds(0, VIDNOZ, requests=12) == 12
    assert apply_seconds(0, CDNVIDEO, requests=12) == 0  # unpaced calls: no time worth showing


def test_time_left_counts_what_is_not_sent_and_the_newest_in_flight() -> None:
    assert time_left(15, 4.0, CDNVIDEO) == 2 * 60 + 120  # the window is spent: two more
    assert time_left(0, 100.0, CDNVIDEO) == 20  # the newest was sent 100 s ago
    assert time_left(0, 500.0, CDNVIDEO) == 0
    assert time_left(0, None, CDNVIDEO) == 0


def test_the_words() -> None:
    assert [about(s) for s in (0, 59, 60, 1260, 12000, 7200)] == [
        "under a minute",
        "under a minute",
        "about 1 min",
        "about 21 min",
        "about 3 h 20 min",
        "about 2 h",
    ]
    assert [pace(r) for r in (Rate(10, 60.0), Rate(1, 1.0), Rate(300, 3600.0), Rate(5, 10))] == [
        "10 a minute",
        "1 a second",
        "300 an hour",
        "5 per 10 s",
    ]
    line = apply_time_line(ApplyTime(1200, Rate(10, 60.0), 200, 374, 1500))
    assert line == (
        "Apply time: about 20 min (10 a minute) · 374 requests, 25% of the 1,500 this month"
    )
    vidnoz = apply_time(0, 20, VIDNOZ, None)  # no monthly cap: no share
    assert apply_time_line(vidnoz) == "Apply time: under a minute (1 a second) · 20 requests"
    assert apply_time_line(ApplyTime(0, Rate(10, 60.0), 0, 3, 1500)).endswith(
        "3 requests, under 1% of the 1,500 this month"
    )


# --- the plan, as users read it ----------------------------------------------------------------


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    yield from make_env(tmp_path, monkeypatch, cli, queue_seconds=0.0, processing_seconds=5.0)


def test_the_plan_says_how_long_apply_takes_in_text_json_and_markdown(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(25))
    plan = env.plan()
    assert plan.apply_time is not None
    requests = plan.cost.api_requests
    assert plan.apply_time == ApplyTime(2 * 60 + 120, Rate(10, 60.0), 25, requests, 1500)
    share = round(requests / 1500 * 100)
    expected = (
        f"Apply time: about 4 min (10 a minute) · {requests} requests, {share}% of the 1,500 "
        "this month"
    )
    code, out, _ = env.run("plan")
    assert code == 0
    lines = out.splitlines()
    assert lines[lines.index(next(x for x in lines if x.startswith("Cost: "))) + 1] == expected
    code, out, _ = env.run("plan", "--json")
    doc = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    assert doc["apply_time"] == {
        "seconds": 240.0,
        "generation_rate": {"count": 10, "seconds": 60.0},
        "generations": 25,
        "requests": requests,
        "requests_cap": 1500,
        "month_share": round(requests / 1500, 4),
    }
    code, out, _ = env.run("plan", "--markdown")
    assert "**Apply time:** " + expected.removeprefix("Apply time: ") in out.splitlines()


def test_a_saved_plan_keeps_its_estimate(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(3))
    plan = env.plan()
    assert Plan.from_json(plan.to_json(full=True)).apply_time == plan.apply_time


# --- apply's progress ------------------------------------------------------------------------


class Lines(Recorder):
    """The log lines a CI run shows, and the progress of each finished action."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.line = LineReporter(self.lines.append)
        self.progress: list[Progress] = []

    def started(self, progress: Progress) -> None:
        self.line.started(progress)

    def finished(self, result: ActionResult, progress: Progress) -> None:
        self.progress.append(progress)
        self.line.finished(result, progress)


def test_progress_lines_show_the_time_left_on_the_engines_clock(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(25))
    estimate = env.plan().apply_time
    assert estimate is not None
    events = Lines()
    results = env.apply(reporter=events)
    assert results is not None and results.ok
    finished = [PROGRESS.search(line) for line in events.lines[1:]]
    assert all(finished), events.lines
    # the first 10 are seen done at 0:12 (the emulator takes 5 s where CDNvideo's two
    # minutes are expected: polling looks at 3 s, then at 12 s, and learns the 12 s) while 15
    # wait for two more windows: 2 x 1 min + a generation's 2 min
    first = events.progress[0]
    assert (first.elapsed, first.eta) == (12.0, 2 * 60 + 120)
    assert events.lines[1].endswith("[1/25 done, 0:12 elapsed, about 4 min left]")
    # the next 10 a minute later, seen 12 s after they were sent: 5 wait for one more window
    assert events.progress[10].elapsed == 72.0 and events.progress[10].eta == 60 + 120
    assert events.lines[11].endswith("[11/25 done, 1:12 elapsed, about 3 min left]")
    # all sent and finished, being recorded: nothing left to wait for
    assert events.lines[21].endswith("[21/25 done, 2:12 elapsed, under a minute left]")
    assert events.lines[-1].endswith("[25/25 done, 2:12 elapsed]")
    assert all(p.elapsed + (p.eta or 0) <= estimate.seconds + 12 for p in events.progress)


# --- the month's requests: a cap like the quota --------------------------------------------------


def test_a_plan_over_the_months_requests_left_is_refused_even_with_force() -> None:
    actions_cost = 374
    plan = Plan(
        actions=(),
        cost=PlanCost(api_requests=actions_cost, requests_used=1200, requests_cap=1500),
    )
    plan.check(Safety(), force=True)  # no action spends anything: nothing to refuse
    from plan_fixtures import every_kind_plan

    spending = every_kind_plan()
    over = replace(spending, cost=replace(spending.cost, requests_used=1490, requests_cap=1500))
    with pytest.raises(QuotaExceeded) as refused:
        over.check(Safety(), force=True)
    assert f"{over.cost.api_requests} API requests" in str(refused.value)
    assert "(10 left)" in str(refused.value)
    assert "--force does not override this" in str(refused.value)
