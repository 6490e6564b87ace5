"""What apply prints: the final line in every case, and the two progress reporters."""

from __future__ import annotations

from vidspec.cli.reporters import BarReporter, LineReporter
from vidspec.engine import ActionResult, ApplyResults, Outcome, Progress
from vidspec.render.apply import clock_text, final_line, render_results


def results(*rows: tuple[str, str, Outcome], **flags: bool) -> ApplyResults:
    return ApplyResults(rows=[ActionResult(a, k, o, "x") for a, k, o in rows], **flags)


def test_final_lines() -> None:
    done = Outcome.DONE
    assert final_line(results(("a", "create", done), ("b", "regenerate", done))) == (
        "Apply complete! Videos: 1 created, 0 renamed, 1 regenerated, 0 deleted."
    )
    assert final_line(
        results(("a", "move", done), ("b", "forget", done), ("c", "adopt", done))
    ) == (
        "Apply complete! Videos: 0 created, 0 renamed, 0 regenerated, 0 deleted, "
        "1 forgotten, 1 moved, 1 adopted."
    )
    assert final_line(results(("a", "download", done), ("b", "create", Outcome.SUBMITTED))) == (
        "Apply complete! Videos: 0 created, 0 renamed, 0 regenerated, 0 deleted, 1 saved, "
        "1 submitted (still generating)."
    )
    assert final_line(
        results(("a", "create", Outcome.FAILED), ("b", "create", Outcome.NOT_ATTEMPTED))
    ) == (
        "Apply finished with errors. Videos: 0 created, 0 renamed, 0 regenerated, 0 deleted; "
        "1 failed, 1 not done."
    )
    assert (
        final_line(
            results(("a", "delete", done), ("b", "delete", Outcome.NOT_ATTEMPTED), interrupted=True)
        )
        == "Apply interrupted. Videos: 0 created, 0 renamed, 0 regenerated, 1 deleted; 1 not done."
    )
    assert final_line(results(("a", "delete", done), destroy=True)) == (
        "Destroy complete! Videos: 1 deleted."
    )


def test_the_table_lines_up_and_colours_only_when_asked() -> None:
    table = render_results(
        results(("welcome", "create", Outcome.DONE), ("a", "delete", Outcome.FAILED))
    )
    assert table.splitlines()[1:4] == [
        "VIDEO    ACTION  RESULT  DETAIL",
        "welcome  create  done    x",
        "a        delete  failed  x",
    ]
    assert "\x1b[" not in table
    assert "\x1b[31mfailed\x1b[0m" in render_results(
        results(("a", "delete", Outcome.FAILED)), color=True
    )


def test_clock_text() -> None:
    assert [clock_text(s) for s in (7, 750, 3723)] == ["0:07", "12:30", "1:02:03"]


def test_line_reporter_prints_finished_videos_and_a_wait_line_every_30_seconds() -> None:
    lines: list[str] = []
    reporter = LineReporter(lines.append)
    progress = Progress.of(1, 4, 30.0)
    reporter.started(Progress.of(0, 4, 0.0))
    reporter.finished(ActionResult("a", "create", Outcome.DONE, "id 1"), progress)
    reporter.finished(ActionResult("b", "create", Outcome.FAILED, "no quota"), progress)
    rate = "the generation rate limit (10 per 60 s)"
    reporter.waiting(54.0, rate, Progress.of(1, 4, 45.0), pacing=True)  # 15 s after a line
    reporter.ticking(24.0, rate, Progress.of(1, 4, 60.0))  # 30 s after it: said
    reporter.waiting(20.0, "2 videos to finish", Progress.of(1, 4, 70.0), pacing=False)
    reporter.waiting(20.0, "2 videos to finish", Progress.of(1, 4, 90.0), pacing=False)
    reporter.ticking(0.5, "2 videos to finish", Progress.of(1, 4, 125.0))  # nothing left
    assert lines == [
        "Applying 4 actions...",
        "a: created (id 1) [1/4 done, 0:30 elapsed, about 2 min left]",
        "b: create failed: no quota [1/4 done, 0:30 elapsed, about 2 min left]",
        "Waiting 24 s for the generation rate limit (10 per 60 s)... "
        "[1/4 done, 1:00 elapsed, about 3 min left]",
        "Waiting 20 s for 2 videos to finish... [1/4 done, 1:30 elapsed, about 5 min left]",
    ]


def test_bar_reporter_redraws_one_line_with_eta() -> None:
    written: list[str] = []
    bar = BarReporter(write=written.append, width=200)
    bar.started(Progress.of(0, 4, 0.0))
    bar.finished(ActionResult("a", "create", Outcome.DONE, "id 1"), Progress.of(1, 4, 30.0))
    bar.waiting(
        6.0, "the generation rate limit (10 per 60 s)", Progress.of(1, 4, 31.0), pacing=True
    )
    bar.closed(Progress.of(4, 4, 90.0))
    text = "".join(written)
    assert "\r[------------------------] 0/4 done, 0:00 elapsed\x1b[K" in text
    assert "\r\x1b[Ka: created (id 1)\n" in text  # cleared, printed above the bar
    assert "[######------------------] 1/4 done, 0:30 elapsed, about 2 min left\x1b[K" in text
    assert "about 2 min left  Waiting 6 s for the generation rate limit (10 per 60 s)..." in text
    assert text.endswith("\r\x1b[K")  # the bar is gone at the end


def test_the_bar_never_wraps() -> None:
    written: list[str] = []
    BarReporter(write=written.append, width=40).waiting(
        6.0, "the generation rate limit", Progress.of(1, 4, 31.0), pacing=True
    )
    assert written == ["\r" + "[######------------------] 1/4 done, 0:31 elapsed"[:40] + "\x1b[K"]
