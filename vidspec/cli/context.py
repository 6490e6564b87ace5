"""Options every command shares, and the helpers commands use to reach them.

``-C DIR``, ``--no-color`` and ``-v`` are the top group's options, and every command (nested
groups and their commands too) accepts them after its name as well, with the same meaning:
Terraform users type ``vidspec plan -no-color`` from habit. ``with_global_options`` adds them to
a command when the lazy group loads it; written on both sides, ``-v`` counts add up and a
later ``-C`` is taken relative to an earlier one (as ``git -C a -C b`` is ``a/b``).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from vidspec.core.clock import Clock, SystemClock

DIRECTORY_HELP = "Run as if vidspec was started in DIR (like git -C)."
NO_COLOR_HELP = "No colour in output (also: NO_COLOR set)."
VERBOSE_HELP = "More detail on stderr (-vv: request log; -vvv: libraries' debug lines too)."
_MARK = "_vidspec_global_options"  # set on a command once it takes them after its name


@dataclass(frozen=True)
class GlobalOptions:
    """``-C DIR``, ``--no-color``/``NO_COLOR`` and ``-v``, parsed by the group (and again by a
    command that repeats one after its name); and what a command reads of the world: the
    ``clock`` and the ``environ``. Tests give their own through the context
    (``main(args, world=GlobalOptions(clock=emulator_clock))``), never by patching a
    module."""

    directory: Path = Path(".")
    color: bool = False
    verbose: int = 0
    clock: Clock = field(default_factory=SystemClock)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)


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


def set_global_options(
    ctx: click.Context, *, directory: Path | None, no_color: bool, verbose: int
) -> GlobalOptions:
    """Record the global options given at ``ctx``'s level on top of those given before it
    (``None``/``False``/0: not given here), and configure logging for ``-v``."""
    before = ctx.find_object(GlobalOptions)
    if directory is not None:
        if before is not None:
            directory = before.directory / directory  # an absolute DIR stays itself
        if not directory.is_dir():
            raise click.UsageError(f"-C {directory}: no such directory")
    if before is None:
        options = GlobalOptions(directory or Path("."), color_wanted(no_color), verbose)
    else:
        options = dataclasses.replace(
            before,
            directory=directory or before.directory,
            color=before.color and not no_color,
            verbose=before.verbose + verbose,
        )
    ctx.obj = options  # the closest object wins: this command (and its subcommands) see it
    if verbose:
        _log_verbosely(options.verbose)
    return options


def _log_verbosely(verbose: int) -> None:
    """-v: vidspec's notes; -vv: and its request log (vidspec.http: method, path, status,
    time); -vvv: and every library's debug lines too (filelock, urllib3). Secrets travel in
    headers, which none of them logs."""
    logging.basicConfig(format="vidspec: %(message)s", stream=sys.stderr)
    logging.getLogger().setLevel(logging.DEBUG if verbose > 2 else logging.WARNING)
    logging.getLogger("vidspec").setLevel(logging.DEBUG if verbose > 1 else logging.INFO)
    # botocore's DEBUG lines print signed request headers (the access key id among them)
    # and whole bodies: never below WARNING, not even with -vvv.
    for name in ("botocore", "boto3", "s3transfer"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _after_name(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """A global option written after a command's name: the same meaning as before it."""
    if value in (None, False, 0):
        return
    given: dict[str, Any] = {"directory": None, "no_color": False, "verbose": 0}
    given[(param.name or "").removeprefix("global_")] = value
    set_global_options(ctx, **given)


def with_global_options(command: click.Command) -> click.Command:
    """``command`` (and, for a group, each of its commands) accepting the global options
    after its name. Idempotent: a command is given them once."""
    if not getattr(command, _MARK, False):
        command.params += [
            click.Option(
                ["-C", "global_directory"],
                type=click.Path(file_okay=False, path_type=Path),
                default=None,
                metavar="DIR",
                help=DIRECTORY_HELP,
                expose_value=False,
                callback=_after_name,
            ),
            click.Option(
                ["--no-color", "global_no_color"],
                is_flag=True,
                help=NO_COLOR_HELP,
                expose_value=False,
                callback=_after_name,
            ),
            click.Option(
                ["-v", "--verbose", "global_verbose"],
                count=True,
                help=VERBOSE_HELP,
                expose_value=False,
                callback=_after_name,
            ),
        ]
        setattr(command, _MARK, True)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            with_global_options(sub)
    return command
