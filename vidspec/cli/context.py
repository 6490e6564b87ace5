"""Options every command shares, and the helpers commands use to reach them."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import click


@dataclass(frozen=True)
class GlobalOptions:
    """``-C DIR``, ``--no-color``/``NO_COLOR`` and ``-v``, parsed once by the group."""

    directory: Path
    color: bool
    verbose: int


def color_wanted(no_color_flag: bool) -> bool:
    """Colour only on a TTY, never with --no-color or a NO_COLOR variable of any value."""
    if no_color_flag or "NO_COLOR" in os.environ:
        return False
    return sys.stdout.isatty()


def global_options(ctx: click.Context) -> GlobalOptions:
    obj = ctx.find_object(GlobalOptions)
    if obj is None:  # a command invoked outside the group (tests calling it directly)
        return GlobalOptions(directory=Path.cwd(), color=False, verbose=0)
    return obj
