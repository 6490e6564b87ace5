"""What apply prints: progress while it runs, the table of every action, and the final line.

Two reporters render the engine's events (``vidspec.apply.progress.ApplyReporter``) on
stderr: ``BarReporter`` redraws one progress line on a terminal (done/total, elapsed, ETA,
what it waits for) and prints a line per finished video above it; ``LineReporter`` prints a
plain line per finished video and per notable wait, for CI logs. ``render_results`` is the end
table and final line, on stdout.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable

import click

from vidspec.apply.progress import Progress
from vidspec.apply.results import ALWAYS_COUNTED, VERBS, ActionResult, ApplyResults, Outcome

_TONES = {
    Outcome.DONE: "green",
    Outcome.FAILED: "red",
    Outcome.SKIPPED: "yellow",
    Outcome.NOT_ATTEMPTED: "yellow",
    Outcome.SUBMITTED: "cyan",
}
_POLL_NOTE = 10.0  # CI logs mention polling pauses at least this long
_BAR = 24


def clock_text(seconds: float) -> str:
    """``0:07``, ``12:30``, ``1:02:03``."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def wait_text(seconds: float, reason: str) -> str:
    return f"Waiting {clock_text(seconds) if seconds >= 60 else f'{seconds:.0f} s'} for {reason}..."


def finished_line(result: ActionResult) -> str:
    """``welcome: created (id 7f…)``; ``promo: create failed: the service refused …``."""
    if result.outcome is Outcome.DONE:
        text = f"{result.address}: {VERBS.get(result.kind, result.kind)}"
    elif result.outcome is Outcome.SUBMITTED:
        text = f"{result.address}: {result.kind} submitted"
    else:
        text = f"{result.address}: {result.kind} {result.outcome.value}"
    if result.detail and result.outcome is Outcome.FAILED:
        text += f": {result.detail}"
    elif result.detail:
        text += f" ({result.detail})"
    return text


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
    if results.interrupted:
        tail = f"; {failed} failed" if failed else ""
        return f"{word} interrupted. Videos: {counts}{tail}; {left} not done."
    if failed:
        tail = f", {left} not done" if left else ""
        return f"{word} finished with errors. Videos: {counts}; {failed} failed{tail}."
    return f"{word} complete! Videos: {counts}."


def render_results(results: ApplyResults, *, color: bool = False) -> str:
    """The table of every action and the final line, ending with a newline."""

    def tone(text: str, outcome: Outcome) -> str:
        return click.style(text, fg=_TONES[outcome]) if color else text

    lines: list[str] = []
    if results.rows:
        headers = ("VIDEO", "ACTION", "RESULT", "DETAIL")
        widths = [
            max(len(headers[0]), *(len(r.address) for r in results.rows)),
            max(len(headers[1]), *(len(r.kind) for r in results.rows)),
            max(len(headers[2]), *(len(r.outcome.value) for r in results.rows)),
        ]
        lines.append("")
        heads = [h.ljust(w) for h, w in zip(headers[:3], widths, strict=True)]
        lines.append("  ".join([*heads, headers[3]]))
        for row in results.rows:
            outcome = tone(row.outcome.value.ljust(widths[2]), row.outcome)
            cells = (row.address.ljust(widths[0]), row.kind.ljust(widths[1]), outcome)
            lines.append(("  ".join(cells) + "  " + row.detail).rstrip())
        lines.append("")
    line = final_line(results)
    lines.append(click.style(line, bold=True) if color else line)
    return "\n".join(lines) + "\n"


def _echo(text: str) -> None:
    click.echo(text, err=True)


class LineReporter:
    """For logs (no terminal): one line per finished action and per notable wait."""

    def __init__(self, echo: Callable[[str], None] = _echo) -> None:
        self._echo = echo

    def started(self, progress: Progress) -> None:
        noun = "action" if progress.total == 1 else "actions"
        self._echo(f"Applying {progress.total} {noun}...")

    def submitted(self, address: str, video_id: str, progress: Progress) -> None:
        pass

    def finished(self, result: ActionResult, progress: Progress) -> None:
        self._echo(f"{finished_line(result)} [{progress.done}/{progress.total}]")

    def waiting(self, seconds: float, reason: str, progress: Progress, *, pacing: bool) -> None:
        if pacing or seconds >= _POLL_NOTE:
            self._echo(
                f"{wait_text(seconds, reason)} [{progress.done}/{progress.total} done, "
                f"{clock_text(progress.elapsed)} elapsed]"
            )

    def closed(self, progress: Progress) -> None:
        pass


class BarReporter:
    """For a terminal: a progress line redrawn in place, finished actions printed above it."""

    def __init__(
        self,
        *,
        color: bool = False,
        write: Callable[[str], None] | None = None,
        width: int | None = None,
    ) -> None:
        self._color = color
        self._width = width
        self._write = write or (lambda text: click.echo(text, err=True, nl=False))
        self._shown = False
        self._note = ""

    def started(self, progress: Progress) -> None:
        self._draw(progress)

    def submitted(self, address: str, video_id: str, progress: Progress) -> None:
        self._note = f"submitted {address}"
        self._draw(progress)

    def finished(self, result: ActionResult, progress: Progress) -> None:
        self._clear()
        text = finished_line(result)
        if self._color:
            text = click.style(text, fg=_TONES[result.outcome])
        self._write(text + "\n")
        self._note = ""
        self._draw(progress)

    def waiting(self, seconds: float, reason: str, progress: Progress, *, pacing: bool) -> None:
        self._note = wait_text(seconds, reason)
        self._draw(progress)

    def closed(self, progress: Progress) -> None:
        self._clear()

    def _draw(self, progress: Progress) -> None:
        self._write("\r" + self._line(progress) + "\x1b[K")
        self._shown = True

    def _clear(self) -> None:
        if self._shown:
            self._write("\r\x1b[K")
            self._shown = False

    def _line(self, progress: Progress) -> str:
        share = progress.done / progress.total if progress.total else 1.0
        filled = round(share * _BAR)
        bar = "#" * filled + "-" * (_BAR - filled)
        eta = "--:--" if progress.eta is None else clock_text(progress.eta)
        text = (
            f"[{bar}] {progress.done}/{progress.total} done  "
            f"{clock_text(progress.elapsed)} elapsed  ETA {eta}"
        )
        if self._note:
            text += f"  {self._note}"
        width = self._width or shutil.get_terminal_size((100, 20)).columns - 1
        return text[:width]  # one line: a wrapped line could not be redrawn in place
