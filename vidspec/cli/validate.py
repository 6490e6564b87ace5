"""``vidspec validate``: read vidspec.yaml and every manifest offline; print every problem.

When a plan has kept the catalog it read (``.vidspec/catalog.json``), the videos are also
checked against it (unknown voices, actors, avatars, backgrounds, with did-you-mean
suggestions), and the output says how old that catalog is.
"""

from __future__ import annotations

from pathlib import Path

import click

from vidspec.app.catalog_cache import KeptCatalog, kept_catalog
from vidspec.cli.annotate import annotated, report_options
from vidspec.cli.context import global_options
from vidspec.core.clock import SystemClock
from vidspec.core.errors import ManifestError
from vidspec.plan.checks import desired_catalog_problems
from vidspec.project.config import Project, load_project
from vidspec.project.loader import load_desired
from vidspec.project.model import Desired
from vidspec.project.yamlload import display_path


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
    kept = None
    try:
        with annotated(report_format, report):
            project = load_project(options.directory)
            desired = load_desired(project)
            kept = kept_catalog(project)
            if kept is not None:
                problems = desired_catalog_problems(desired, kept.catalog)
                if problems:
                    raise ManifestError(problems)
    except ManifestError as exc:
        # Each problem is already "file:line:column: what (what to do)"; no "Error:" prefix.
        click.echo(str(exc), err=True)
        if kept is not None:
            click.echo(_checked_note(kept, project), err=True)
        ctx.exit(exc.exit_code)
    for warning in desired.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if kept is not None:
        click.echo(_checked_note(kept, project), err=True)
    click.echo(summary(desired))


def _checked_note(kept: KeptCatalog, project: Project) -> str:
    where = display_path(project.work_dir / "catalog.json")
    return (
        f"Checked against the catalog `vidspec plan` {kept.age(SystemClock().now())} "
        f"({where}); a plan reads it again."
    )
