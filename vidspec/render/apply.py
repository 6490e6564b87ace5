"""What apply prints: the lines of its progress, the table of every action, the final line.

``render_results`` is the end table and final line (stdout); ``finished_line``, ``wait_text``,
``progress_text`` and ``clock_text`` are the pieces the progress reporters of
``vidspec.cli.reporters`` write.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from vidspec.core.addresses import split_address
from vidspec.core.escape import escape_text
from vidspec.engine.progress import Progress
from vidspec.engine.results import ALWAYS_COUNTED, VERBS, ActionResult, ApplyResults, Outcome
from vidspec.render.durations import about
from vidspec.render.style import style

TONES = {
    Outcome.DONE: "green",
    Outcome.FAILED: "red",
    Outcome.SKIPPED: "yellow",
    Outcome.NOT_ATTEMPTED: "yellow",
    Outcome.SUBMITTED: "cyan",
}


def clock_text(seconds: float) -> str:
    """``0:07``, ``12:30``, ``1:02:03`` (whole seconds, cut: a clock ticking every second
    shows every second, where rounding half to even would skip 0:09 between 8.5 and 9.5)."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def wait_text(seconds: float, reason: str) -> str:
    """``Waiting 42 s for …``: the seconds left, rounded up (a countdown that ticks every
    second shows every second, and never "0 s" while some are left)."""
    left = math.ceil(seconds)
    return f"Waiting {clock_text(left) if left >= 60 else f'{left} s'} for {reason}..."


def progress_text(progress: Progress) -> str:
    """``10/200 done, 0:33 elapsed, about 19 min left`` (the plan's "Apply time" words)."""
    text = f"{progress.done}/{progress.total} done, {clock_text(progress.elapsed)} elapsed"
    if progress.eta is not None and progress.done < progress.total:
        text += f", {about(progress.eta)} left"
    return text


def finished_line(result: ActionResult) -> str:
    """``welcome: created (id 7f…)``; ``promo: create failed: the service refused …``."""
    if result.outcome is Outcome.DONE:
        text = f"{result.address}: {VERBS.get(result.kind, result.kind)}"
    elif result.outcome is Outcome.SUBMITTED:
        text = f"{result.address}: {result.kind} submitted"
    else:
        text = f"{result.address}: {result.kind} {result.outcome.value}"
    detail = escape_text(result.detail)  # may hold a server's message: one line, no controls
    if detail and result.outcome is Outcome.FAILED:
        text += f": {detail}"
    elif detail:
        text += f" ({detail})"
    return text


def not_attempted_lines(rows: Iterable[ActionResult]) -> list[str]:
    """What was not attempted, one line per definition and reason (a Ctrl-C in a run of 200
    leaves one line, not 180): ``welcome: create not attempted (interrupted (Ctrl-C))``,
    ``promo: 180 not attempted: 170 create, 10 regenerate (interrupted (Ctrl-C))``."""
    groups: dict[tuple[str, str], list[ActionResult]] = {}
    for row in rows:
        if row.outcome is Outcome.NOT_ATTEMPTED:
            name = split_address(row.address)[0]
            groups.setdefault((name, row.detail), []).append(row)
    lines = []
    for (name, detail), group in groups.items():
        if len(group) == 1:
            text = f"{group[0].address}: {group[0].kind} not attempted"
        else:
            kinds = Counter(r.kind for r in group)
            each = ", ".join(f"{count} {kind}" for kind, count in kinds.items())
            text = f"{name}: {len(group)} not attempted: {each}"
        lines.append(text + (f" ({escape_text(detail)})" if detail else ""))
    return lines


def counts_text(results: ApplyResults) -> str:
    counts = results.done_counts()
    kinds = ("delete",) if results.destroy else ALWAYS_COUNTED
    parts = [f"{counts[k]} {VERBS[k]}" for k in kinds]
    parts += [f"{counts[k]} {VERBS[k]}" for k in VERBS if k not in kinds and counts[k]]
    submitted = results.count(Outcome.SUBMITTED)
    if submitted:
        parts.append(f"{submitted} submitted (still generating)")
    return ", ".join(parts)


def final_line(results: ApplyResults) -> str:
    """``Apply complete! Videos: 2 created, 0 renamed, 1 regenerated, 0 deleted.``"""
    word = "Destroy" if results.destroy else "Apply"
    counts = counts_text(results)
    failed = results.count(Outcome.FAILED)
    left = results.count(Outcome.NOT_ATTEMPTED) + results.count(Outcome.SKIPPED)
    if results.state_error is not None:  # never "complete" when what was done is unrecorded
        tail = f"{failed} failed, {left} not done"
        return f"{word} stopped: a state write failed. Videos: {counts}; {tail}."
    if results.interrupted:
        tail = f"; {failed} failed" if failed else ""
        return f"{word} interrupted. Videos: {counts}{tail}; {left} not done."
    if failed:
        tail = f", {left} not done" if left else ""
        return f"{word} finished with errors. Videos: {counts}; {failed} failed{tail}."
    return f"{word} complete! Videos: {counts}."


def render_results(results: ApplyResults, *, color: bool = False) -> str:
    """The table of what happened (every action that was attempted), one line per definition
    for what was not, and the final line; ending with a newline."""

    def tone(text: str, outcome: Outcome) -> str:
        return style(text, fg=TONES[outcome]) if color else text

    lines: list[str] = []
    rows = [r for r in results.rows if r.outcome is not Outcome.NOT_ATTEMPTED]
    if rows:
        headers = ("VIDEO", "ACTION", "RESULT", "DETAIL")
        widths = [
            max(len(headers[0]), *(len(r.address) for r in rows)),
            max(len(headers[1]), *(len(r.kind) for r in rows)),
            max(len(headers[2]), *(len(r.outcome.value) for r in rows)),
        ]
        lines.append("")
        heads = [h.ljust(w) for h, w in zip(headers[:3], widths, strict=True)]
        lines.append("  ".join([*heads, headers[3]]))
        for row in rows:
            outcome = tone(row.outcome.value.ljust(widths[2]), row.outcome)
            cells = (row.address.ljust(widths[0]), row.kind.ljust(widths[1]), outcome)
            lines.append(("  ".join(cells) + "  " + escape_text(row.detail)).rstrip())
    skipped = not_attempted_lines(results.rows)
    if skipped:
        lines += ["", "Not attempted:"]
        lines += [f"  {tone(text, Outcome.NOT_ATTEMPTED)}" for text in skipped]
    if lines:
        lines.append("")
    line = final_line(results)
    lines.append(style(line, bold=True) if color else line)
    return "\n".join(lines) + "\n"
