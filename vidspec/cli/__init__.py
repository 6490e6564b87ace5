"""The ``vidspec`` command line: a click group whose commands live one per module, each
imported only when its command runs (``COMMANDS``, ``lazy.LazyGroup``).

A command parses options, calls one function, renders, and returns. Every ``VidspecError`` is
caught here, once, and shown as its message on stderr with its exit code: the user never sees
a traceback for a problem they can fix. Exit codes: 0 done, 1 any error (a mistyped command
line too), 2 only for changes or drift under ``--detailed-exitcode``, 130 on Ctrl-C.

May import ``app``, ``render``, ``project`` (to load vidspec.yaml) and ``core``; never
``state``, ``providers``, ``engine`` or ``plan`` (import-linter's ``forbidden`` contract):
their types come through ``vidspec.app.vocabulary``.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

import click

from vidspec import __version__
from vidspec.cli.context import (
    DIRECTORY_HELP,
    NO_COLOR_HELP,
    VERBOSE_HELP,
    GlobalOptions,
    set_global_options,
)
from vidspec.cli.group import VidspecGroup
from vidspec.core.errors import Cancelled, Interrupted, ManifestError, VidspecError
from vidspec.core.escape import terminal_safe

# name -> (module defining ``command``, its one-line help as ``--help`` lists it). The modules
# load only when their command runs (``lazy``); tests/e2e/test_cli_lazy.py keeps the help in step.
COMMANDS: dict[str, tuple[str, str]] = {
    # files and validation
    "validate": (
        "vidspec.cli.validate",
        "Check vidspec.yaml and the manifests: every problem, with file:line:column.",
    ),
    "expand": (
        "vidspec.cli.expand",
        "Print the videos as vidspec sees them: defaults merged, {file:} read, for_each expanded.",
    ),
    "init": (
        "vidspec.cli.init",
        "Create a sandbox project (vidspec.yaml, videos/, .gitignore) in DIR (default: here).",
    ),
    "schema": (
        "vidspec.cli.schema",
        "Print the JSON Schema (Draft 2020-12) of vidspec.yaml or of a manifest.",
    ),
    # services: catalog, emulator
    "catalog": (
        "vidspec.cli.catalog",
        "Show the actors, voices, backgrounds and quota the provider offers.",
    ),
    "providers": (
        "vidspec.cli.providers",
        "List the installed provider kinds: package, version, capabilities, whether each loads.",
    ),
    "emulator": (
        "vidspec.cli.emulator",
        "Serve the CDNvideo Talking Head API (or, with --provider vidnoz, the Vidnoz API v2) "
        "on HOST:PORT until Ctrl-C.",
    ),
    # state and plans
    "plan": (
        "vidspec.cli.plan",
        "Show what apply would generate, rename, regenerate or delete, and what it costs.",
    ),
    "show": (
        "vidspec.cli.show",
        "Show a saved plan (PLANFILE, from `vidspec plan -o`), or the state when none is given.",
    ),
    "apply": (
        "vidspec.cli.apply",
        "Make the videos match the manifests (or apply PLANFILE from `vidspec plan -o`).",
    ),
    "preview": (
        "vidspec.cli.preview",
        "Render free, watermarked previews of the videos the plan changes (Synthesia).",
    ),
    "destroy": (
        "vidspec.cli.destroy",
        "Delete every video vidspec manages (lifecycle.prevent_destroy refuses).",
    ),
    "import": (
        "vidspec.cli.import_",
        "Adopt existing videos into the state: one (ADDRESS ID), all unmanaged ones (--all "
        "--write FILE), or those matching the manifests (--match).",
    ),
    "state": (
        "vidspec.cli.state",
        "Look at and edit what vidspec manages (no video is touched).",
    ),
    "output": (
        "vidspec.cli.output",
        "Show each managed video's id, status, link (URL), expiry and downloaded file.",
    ),
    "force-unlock": (
        "vidspec.cli.force_unlock",
        "Remove the project lock recorded with ID (shown by the command that found it held).",
    ),
    "backend": ("vidspec.cli.backend", "Look at the state backend (the local file, or S3)."),
    # review in CI
    "drift": (
        "vidspec.cli.drift",
        "Report videos renamed, changed, deleted or expiring outside vidspec (read-only).",
    ),
    "pr": (
        "vidspec.cli.pr",
        "Post the plan on the pull/merge request; read back the reviewed fingerprint.",
    ),
    "report": (
        "vidspec.cli.report",
        "Write a gallery page of the videos (DIR/index.html): watch, search and link each one.",
    ),
}


@click.group(
    cls=VidspecGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.option(
    "-C",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    help=DIRECTORY_HELP,
    metavar="DIR",
)
@click.option("--no-color", is_flag=True, help=NO_COLOR_HELP)
@click.option("-v", "--verbose", count=True, help=VERBOSE_HELP)
@click.version_option(__version__, prog_name="vidspec")
@click.pass_context
def cli(ctx: click.Context, directory: Path, no_color: bool, verbose: int) -> None:
    """vidspec: keep AI talking-head videos in git; plan and apply them like Terraform."""
    # Every command also takes these options after its name (``context.with_global_options``).
    set_global_options(ctx, directory=directory, no_color=no_color, verbose=verbose)
    _show_waits()


class _EchoHandler(logging.Handler):
    """Writes a record to stderr through click (whatever ``sys.stderr`` is at the time)."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(self.format(record), err=True)


def _show_waits() -> None:
    """A wait a server imposes (429 Retry-After, back-off) is said on stderr, also without
    -v: a command that seems stuck for minutes must say what it waits for."""
    waits = logging.getLogger("vidspec.wait")
    waits.setLevel(logging.INFO)
    if not any(isinstance(h, _EchoHandler) for h in waits.handlers):
        handler = _EchoHandler()
        handler.setFormatter(logging.Formatter("vidspec: %(message)s"))
        waits.addHandler(handler)
    waits.propagate = False


class _SafeStream:
    """A text stream that passes what is written through ``terminal_safe``: whatever a server
    sent (a name, a message) cannot drive the terminal, in any command's output (issue 10)."""

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        self._inner.write(terminal_safe(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, encoding, fileno ...
        return getattr(self._inner, name)


@contextlib.contextmanager
def safe_output() -> Iterator[None]:
    """``sys.stdout`` and ``sys.stderr`` filtered by ``terminal_safe`` while a command runs."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _SafeStream(out), _SafeStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


class Terminated(KeyboardInterrupt):
    """SIGTERM (a CI job cancelled, ``kill``), raised where the command is, so that it unwinds
    as after Ctrl-C: what was sent is recorded, the lock released, the month's request count
    written (an S3 count is kept in memory between writes). Exit 143."""


@contextlib.contextmanager
def _terminate_like_interrupt() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread (a library caller's own)
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None, *, world: GlobalOptions | None = None) -> None:
    """Entry point of the console script. Translates vidspec errors into messages and codes.

    A command may return an int: it becomes the exit code (``plan --detailed-exitcode``).
    ``world``: the clock and environment the commands read (tests pass their own; the
    options given on the command line are applied on top of it).
    """
    with safe_output(), _terminate_like_interrupt():
        _run(argv, world)


def _run(argv: list[str] | None, world: GlobalOptions | None = None) -> None:
    try:
        result = cli.main(args=argv, prog_name="vidspec", standalone_mode=False, obj=world)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except Terminated:
        click.echo("Terminated.", err=True)
        sys.exit(143)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(Interrupted.exit_code)
    except Cancelled as exc:  # the user said no: not an error (exit 1, as Terraform)
        click.echo(str(exc), err=True)
        sys.exit(exc.exit_code)
    except ManifestError as exc:
        # One problem a line, each already saying file:line:column; a prefix would mark one.
        click.echo(str(exc), err=True)
        sys.exit(exc.exit_code)
    except VidspecError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except Exception:  # a bug in vidspec, not the user's input: say so, keep the detail
        click.echo(
            "vidspec hit an internal error (a bug, not your input). Please report it with "
            "the traceback below.",
            err=True,
        )
        click.echo(traceback.format_exc(), err=True)
        sys.exit(1)
    sys.exit(result if isinstance(result, int) else 0)
