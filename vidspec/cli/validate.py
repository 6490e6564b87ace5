"""``vidspec validate``: read vidspec.yaml and every manifest offline; print every problem."""

from __future__ import annotations

from pathlib import Path

import click

from vidspec.cli.annotate import annotated, report_options
from vidspec.cli.context import global_options
from vidspec.core.errors import ManifestError
from vidspec.project.config import load_project
from vidspec.project.loader import load_desired
from vidspec.project.model import Desired


def summary(desired: Desired) -> str:
    """``12 videos in 4 files are valid.``"""
    videos, files = len(desired.videos), len(desired.files)
    video_word = "video" if videos == 1 else "videos"
    file_word = "file" if files == 1 else "files"
    verb = "is" if videos == 1 else "are"
    return f"{videos} {video_word} in {files} {file_word} {verb} valid."


@click.command("validate")
@report_options
@click.pass_context
def command(ctx: click.Context, report_format: str | None, report: Path | None) -> None:
    """Check vidspec.yaml and the manifests offline: every problem, with file:line:column."""
    options = global_options(ctx)
    try:
        with annotated(report_format, report):
            desired = load_desired(load_project(options.directory))
    except ManifestError as exc:
        # Each problem is already "file:line:column: what (what to do)"; no "Error:" prefix.
        click.echo(str(exc), err=True)
        ctx.exit(exc.exit_code)
    for warning in desired.warnings:
        click.echo(f"Warning: {warning}", err=True)
    click.echo(summary(desired))
