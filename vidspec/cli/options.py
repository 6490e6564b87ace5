"""Options and parameter types several commands share, written once."""

from __future__ import annotations

from pathlib import Path

import click

from vidspec.core.durations import parse_duration


class Duration(click.ParamType[float]):
    """``30s``, ``5m``, ``1h``, ``500ms`` or plain seconds, as a float of seconds."""

    name = "duration"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, (int, float)):
            return float(value)
        try:
            return parse_duration(str(value)).total_seconds()
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


DURATION = Duration()

lock_timeout_option = click.option(
    "--lock-timeout",
    type=DURATION,
    default="0s",
    metavar="DURATION",
    help="Wait this long for another command's lock (e.g. 30s, 5m).",
)


def in_directory(directory: Path, path: Path) -> Path:
    """A path given on the command line, relative to ``-C DIR`` like everything else."""
    return path if path.is_absolute() else directory / path
