"""Reports that do not drown (issue 20 item 14): a Ctrl-C in a big apply says what was not
attempted in one line per definition, the table shows only what happened; a sheet with
thousands of unused columns gives one warning with their count."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_env import TOKEN, ApplyEnv, make_env
from foreach_files import load, promo

from vidspec.app.apply import ApplyRequest, apply_session
from vidspec.cli.reporters import BarReporter, LineReporter
from vidspec.engine import Outcome, Progress
from vidspec.engine.results import ActionResult
from vidspec.render.apply import render_results

KEYS = [f"k{i}" for i in range(60)]
MANIFEST = f"""\
defaults:
  actor: {{name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}}
  voice: Sara
videos:
  promo:
    for_each: [{", ".join(KEYS)}]
    video_name: Promo ${{each.key}}
    script: Hello ${{each.key}}.
  welcome:
    video_name: Welcome
    script: Hi.
"""


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ApplyEnv]:
    yield from make_env(tmp_path, monkeypatch)


class CtrlCAfterFirst(LineReporter):
    """A CI log (no terminal); Ctrl-C right after the first video is sent."""

    def __init__(self, stop: threading.Event) -> None:
        self.lines: list[str] = []
        super().__init__(self.lines.append)
        self._stop = stop

    def submitted(self, address: str, video_id: str, progress: Progress) -> None:
        self._stop.set()


def test_ctrl_c_in_a_big_apply_reports_one_line_per_definition(env: ApplyEnv) -> None:
    env.write(MANIFEST)
    stop = threading.Event()
    reporter = CtrlCAfterFirst(stop)
    with apply_session(
        env.project, command="t", lock_timeout=0, clock=env.clock, environ={"CDN_TOKEN": TOKEN}
    ) as session:
        work = session.plan(ApplyRequest())
        results = session.execute(work, reporter=reporter, stop=stop)
    assert results.interrupted
    assert results.count(Outcome.NOT_ATTEMPTED) == 60  # 59 instances and welcome
    # the log: one line per definition, not 60
    assert reporter.lines[1:] == [
        "promo[k0]: create submitted (id "
        + results.rows[0].detail.removeprefix("id ").split(",")[0]
        + ", interrupted (Ctrl-C); still generating; the next plan shows it) [1/61 done, "
        "0:00 elapsed, about 8 min left]",
        "promo: 59 not attempted: 59 create (interrupted (Ctrl-C))",
        "welcome: create not attempted (interrupted (Ctrl-C))",
    ]
    # the table: only what happened; what did not, a line per definition below it
    table = render_results(results).splitlines()
    assert table[1].split() == ["VIDEO", "ACTION", "RESULT", "DETAIL"]
    assert table[2].startswith("promo[k0]  create  submitted  id ")
    assert table[3:] == [
        "",
        "Not attempted:",
        "  promo: 59 not attempted: 59 create (interrupted (Ctrl-C))",
        "  welcome: create not attempted (interrupted (Ctrl-C))",
        "",
        "Apply interrupted. Videos: 0 created, 0 renamed, 0 regenerated, 0 deleted, "
        "1 submitted (still generating); 60 not done.",
    ]


def test_the_bar_says_what_was_not_attempted_at_the_end_once_per_definition() -> None:
    written: list[str] = []
    bar = BarReporter(write=written.append, width=200)
    bar.started(Progress.of(0, 40, 0.0))
    for i in range(30):
        result = ActionResult(f"promo[{i}]", "create", Outcome.NOT_ATTEMPTED, "interrupted")
        bar.finished(result, Progress.of(i + 1, 40, 1.0))
    bar.finished(ActionResult("clip", "delete", Outcome.NOT_ATTEMPTED), Progress.of(31, 40, 1.0))
    bar.closed(Progress.of(31, 40, 1.0))
    printed = [w for w in written if w.endswith("\n")]
    assert printed == [
        "promo: 30 not attempted: 30 create (interrupted)\n",
        "clip: delete not attempted\n",
    ]


def test_thousands_of_unused_columns_are_one_warning_with_their_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    header = ",".join(["sku", "product", *(f"extra{i}" for i in range(10_000))])
    row = ",".join(["a", "Chair", *("x" for _ in range(10_000))])
    desired = load(
        {
            "videos/data/p.csv": f"{header}\n{row}\n",
            "videos/a.yaml": promo("script: ${each.product}"),
        }
    )
    assert desired.warnings == (
        "videos/a.yaml:3:5: for_each of 'promo': 10,000 columns of videos/data/p.csv (`extra0`, "
        "`extra1`, `extra2`, `extra3`, `extra4` and 9,995 more) are not used by any placeholder "
        "(a typo in a placeholder or a header?)",
    )
