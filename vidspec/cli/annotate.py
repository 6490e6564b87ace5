"""``--format text|github|gitlab`` and ``--report FILE`` for ``validate`` and ``plan``: the
manifest problems also as GitHub workflow commands (the default when ``GITHUB_ACTIONS=true``)
or as a GitLab code-quality report."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import click

from vidspec.core.atomic import atomic_write_text
from vidspec.core.errors import ManifestError, Problem, UsageError
from vidspec.render.annotations import github_commands, gitlab_code_quality

FORMATS = ("text", "github", "gitlab")


def report_options(function: Callable[..., Any]) -> Callable[..., Any]:
    function = click.option(
        "--report",
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE",
        help="With --format gitlab: write the code-quality report (JSON) here.",
    )(function)
    return click.option(
        "--format",
        "report_format",
        type=click.Choice(FORMATS),
        help="Also report manifest problems as GitHub workflow commands (default when "
        "GITHUB_ACTIONS=true) or as a GitLab code-quality report (--report FILE).",
    )(function)


@contextlib.contextmanager
def annotated(
    report_format: str | None, report: Path | None, environ: Mapping[str, str] = os.environ
) -> Iterator[None]:
    """Report the ``ManifestError`` raised inside in the chosen format, then let it go on."""
    fmt = report_format or ("github" if environ.get("GITHUB_ACTIONS") == "true" else "text")
    if fmt == "gitlab" and report is None:
        raise UsageError("--format gitlab needs --report FILE", "Name the report file.")
    if fmt != "gitlab" and report is not None:
        raise UsageError("--report goes with --format gitlab", "Add --format gitlab.")
    relative = _relative_to_repo(environ)
    try:
        yield
    except ManifestError as exc:
        _emit(fmt, report, exc.problems, relative)
        raise
    _emit(fmt, report, (), relative)


def _emit(
    fmt: str, report: Path | None, problems: tuple[Problem, ...], relative: Callable[[str], str]
) -> None:
    if fmt == "github" and problems:
        click.echo(github_commands(problems, relative), nl=False)
    elif fmt == "gitlab" and report is not None:
        try:
            atomic_write_text(report, gitlab_code_quality(problems, relative))
        except OSError as exc:
            raise UsageError(f"cannot write --report {report}: {exc.strerror or exc}") from exc


def _relative_to_repo(environ: Mapping[str, str]) -> Callable[[str], str]:
    """Paths as the forge resolves them: relative to GITHUB_WORKSPACE / CI_PROJECT_DIR, else
    to the git root above the working directory."""
    base = environ.get("GITHUB_WORKSPACE") or environ.get("CI_PROJECT_DIR")
    if not base:
        cwd = Path.cwd()
        base = next((str(p) for p in (cwd, *cwd.parents) if (p / ".git").exists()), str(cwd))

    def relative(path: str) -> str:
        full = os.path.abspath(path)
        rel = os.path.relpath(full, base)
        return Path(rel).as_posix() if not rel.startswith("..") else Path(full).as_posix()

    return relative
