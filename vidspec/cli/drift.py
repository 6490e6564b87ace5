"""``vidspec drift``: read-only check of the managed videos against the service's listing."""

from __future__ import annotations

import click

from vidspec.app.drift import check_drift
from vidspec.cli.context import global_options
from vidspec.cli.options import lock_timeout_option
from vidspec.core.errors import UsageError
from vidspec.project.config import load_project
from vidspec.render.drift import render_drift_json, render_drift_markdown, render_drift_text

"""Where drift reads the time (tests substitute the emulator's ``ManualClock``)."""


@click.command("drift")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--markdown", is_flag=True, help="Print the report as Markdown (an issue body).")
@click.option(
    "--detailed-exitcode", is_flag=True, help="Exit 0 when there is no drift, 2 when there is."
)
@lock_timeout_option
@click.pass_context
def command(
    ctx: click.Context, as_json: bool, markdown: bool, detailed_exitcode: bool, lock_timeout: float
) -> int:
    """Report videos renamed, changed, deleted or expiring outside vidspec (read-only)."""
    if as_json and markdown:
        raise UsageError("--json and --markdown cannot be combined", "Choose one output format.")
    options = global_options(ctx)
    project = load_project(options.directory)
    report = check_drift(project, options.clock, lock_timeout=lock_timeout, environ=options.environ)
    if as_json:
        click.echo(render_drift_json(report), nl=False)
    elif markdown:
        click.echo(render_drift_markdown(report), nl=False)
    else:
        click.echo(render_drift_text(report), nl=False)
    return 2 if detailed_exitcode and report.drifted else 0
