"""Apply's progress on stderr: the engine's events (``vidspec.engine.progress.ApplyReporter``).

``BarReporter`` redraws one progress line on a terminal (done/total, elapsed, the time left as
the plan's model estimates it, what it waits for and how long is left), every second of a wait
too (the engine's ``ticking``), and prints a line per finished video above it;
``LineReporter`` prints a plain line per finished video (``[10/200 done, 0:33 elapsed, about
19 min left]``), and during waits one line every 30 seconds (of the engine's clock) saying
what it waits for, for CI logs. The words come from ``vidspec.render.apply``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable

import click

from vidspec.app.vocabulary import ActionResult, Outcome, Progress
from vidspec.render.apply import (
    TONES,
    finished_line,
    not_attempted_lines,
    progress_text,
    wait_text,
)
from vidspec.render.style import style

HEARTBEAT = 30.0  # a log says what it waits for at most, and at least, this often
_BAR = 24


def _echo(text: str) -> None:
    click.echo(text, err=True)


class LineReporter:
    """For logs (no terminal): a line per finished action and, while waiting, a line every
    ``HEARTBEAT`` seconds (counted from the last line) saying what for and how long is left:
    a log never goes silent longer than that, nor fills with a line per second."""

    def __init__(self, echo: Callable[[str], None] = _echo) -> None:
        self._echo = echo
        self._last = 0.0  # progress.elapsed of the last line
        self._not_attempted: list[ActionResult] = []  # said at the end, a line per definition

    def started(self, progress: Progress) -> None:
        noun = "action" if progress.total == 1 else "actions"
        self._echo(f"Applying {progress.total} {noun}...")
        self._last = progress.elapsed

    def submitted(self, address: str, video_id: str, progress: Progress) -> None:
        pass

    def finished(self, result: ActionResult, progress: Progress) -> None:
        if result.outcome is Outcome.NOT_ATTEMPTED:
            self._not_attempted.append(result)
            return
        self._echo(f"{finished_line(result)} [{progress_text(progress)}]")
        self._last = progress.elapsed

    def waiting(self, seconds: float, reason: str, progress: Progress, *, pacing: bool) -> None:
        self.ticking(seconds, reason, progress)

    def ticking(self, left: float, reason: str, progress: Progress) -> None:
        if left < 1.0 or progress.elapsed - self._last < HEARTBEAT:
            return
        self._echo(f"{wait_text(left, reason)} [{progress_text(progress)}]")
        self._last = progress.elapsed

    def closed(self, progress: Progress) -> None:
        for line in not_attempted_lines(self._not_attempted):
            self._echo(line)


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
        self._not_attempted: list[ActionResult] = []

    def started(self, progress: Progress) -> None:
        self._draw(progress)

    def submitted(self, address: str, video_id: str, progress: Progress) -> None:
        self._note = f"submitted {address}"
        self._draw(progress)

    def finished(self, result: ActionResult, progress: Progress) -> None:
        if result.outcome is Outcome.NOT_ATTEMPTED:  # said at the end, a line per definition
            self._not_attempted.append(result)
            self._draw(progress)
            return
        self._clear()
        text = finished_line(result)
        if self._color:
            text = style(text, fg=TONES[result.outcome])
        self._write(text + "\n")
        self._note = ""
        self._draw(progress)

    def waiting(self, seconds: float, reason: str, progress: Progress, *, pacing: bool) -> None:
        self.ticking(seconds, reason, progress)

    def ticking(self, left: float, reason: str, progress: Progress) -> None:
        # redrawn every second: the elapsed time and the countdown move, the bar never freezes
        self._note = wait_text(left, reason) if left >= 1.0 else ""
        self._draw(progress)

    def closed(self, progress: Progress) -> None:
        self._clear()
        for line in not_attempted_lines(self._not_attempted):
            self._write(
                (style(line, fg=TONES[Outcome.NOT_ATTEMPTED]) if self._color else line) + "\n"
            )

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
        text = f"[{bar}] {progress_text(progress)}"
        if self._note:
            text += f"  {self._note}"
        width = self._width or shutil.get_terminal_size((100, 20)).columns - 1
        return text[:width]  # one line: a wrapped line could not be redrawn in place
