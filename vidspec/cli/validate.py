"""``vidspec validate``: read vidspec.yaml and every manifest; print every problem.

The videos are also checked against the provider's catalog (unknown voices, actors, avatars,
backgrounds, with did-you-mean suggestions) when one is kept (``.vidspec/catalog.json``, from a
plan or ``--refresh-catalog``, which reads it from the service); a line on stderr always says
which catalog was used and how old it is, or that none was and how to read one
(``vidspec.app.validation``).
"""

from __future__ import annotations

from pathlib import Path

import click

from vidspec.app.validation import Validation, validate_project
from vidspec.cli.annotate import annotated, report_options
from vidspec.cli.context import global_options
from vidspec.core.errors import ManifestError
from vidspec.project.config import load_project
from vidspec.project.model import Desired

"""Where validate gets its clock (tests substitute the emulator's ``ManualClock``)."""


def summary(desired: Desired) -> str:
    """``12 videos in 4 files are valid.``"""
    videos, files = len(desired.videos), len(desired.files)
    video_word = "video" if videos == 1 else "videos"
    file_word = "file" if files == 1 else "files"
    verb = "is" if videos == 1 else "are"
    return f"{videos} {video_word} in {files} {file_word} {verb} valid."


@click.command("validate")
@click.option(
    "--refresh-catalog",
    is_flag=True,
    help="Read the provider's catalog first (its requests count in this month's) and keep it, "
    "to check voices, actors and backgrounds against it.",
)
@report_options
@click.pass_context
def command(
    ctx: click.Context, refresh_catalog: bool, report_format: str | None, report: Path | None
) -> None:
    """Check vidspec.yaml and the manifests: every problem, with file:line:column."""
    options = global_options(ctx)
    result: Validation | None = None
    try:
        with annotated(report_format, report):
            project = load_project(options.directory)
            result = validate_project(
                project, options.clock, refresh_catalog=refresh_catalog, environ=options.environ
            )
            if result.problems:
                raise ManifestError(result.problems)
    except ManifestError as exc:
        # Each problem is already "file:line:column: what (what to do)"; no "Error:" prefix.
        click.echo(str(exc), err=True)
        if result is not None:
            click.echo(result.note, err=True)
        ctx.exit(exc.exit_code)
    for warning in result.desired.warnings:
        click.echo(f"Warning: {warning}", err=True)
    click.echo(result.note, err=True)
    click.echo(summary(result.desired))
