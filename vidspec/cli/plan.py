"""``vidspec plan``: what apply would do, and what it would cost. Writes no state."""

from __future__ import annotations

from pathlib import Path

import click

from vidspec.app.catalog_cache import catalog_names
from vidspec.app.review import append_step_summary
from vidspec.app.workflow import PlanRequest, make_plan, save_plan
from vidspec.cli.annotate import annotated, report_options
from vidspec.cli.context import global_options
from vidspec.cli.options import in_directory, lock_timeout_option
from vidspec.core.errors import UsageError
from vidspec.project.config import load_project
from vidspec.render.jsonout import iter_json
from vidspec.render.markdown import render_markdown
from vidspec.render.text import render_text


@click.command("plan")
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Save the plan to FILE; `vidspec apply FILE` applies exactly it.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON (for machines).")
@click.option("--markdown", is_flag=True, help="Print the plan as a pull-request comment.")
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 when there are no changes, 2 when there are (or a create awaits "
    "confirmation: not converged), 1 on error.",
)
@click.option("--target", multiple=True, metavar="ADDR", help="Only plan these videos.")
@click.option(
    "--replace", multiple=True, metavar="ADDR", help="Regenerate these videos even if unchanged."
)
@click.option(
    "--refresh/--no-refresh",
    default=True,
    help="Read the service's listing and catalog first (default), or plan from the state alone.",
)
@click.option(
    "--destroy",
    is_flag=True,
    help="Plan deleting every managed video (or the --target ones), as `vidspec destroy` would.",
)
@click.option(
    "--refresh-catalog",
    is_flag=True,
    help="Read the catalog from the service even if the one a plan kept is recent (Vidnoz).",
)
@click.option("--force", is_flag=True, help="Allow a plan over the safety limits.")
@report_options
@lock_timeout_option
@click.pass_context
def command(
    ctx: click.Context,
    out: Path | None,
    as_json: bool,
    markdown: bool,
    detailed_exitcode: bool,
    target: tuple[str, ...],
    replace: tuple[str, ...],
    refresh: bool,
    destroy: bool,
    refresh_catalog: bool,
    force: bool,
    report_format: str | None,
    report: Path | None,
    lock_timeout: float,
) -> int:
    """Show what apply would generate, rename, regenerate or delete, and what it costs."""
    if as_json and markdown:
        raise UsageError("--json and --markdown cannot be combined", "Choose one output format.")
    options = global_options(ctx)
    project = load_project(options.directory)
    request = PlanRequest(
        targets=target,
        replace=replace,
        refresh=refresh,
        destroy=destroy,
        refresh_catalog=refresh_catalog,
        lock_timeout=lock_timeout,
        command="vidspec plan",
    )
    with annotated(report_format, report):
        result = make_plan(project, request, options.clock, environ=options.environ)
    if as_json:
        for piece in iter_json(result.plan):  # streamed: 100,000 actions never sit in memory
            click.echo(piece, nl=False)
    elif markdown:
        text = render_markdown(result.plan)
        click.echo(text, nl=False)
        append_step_summary(text, options.environ)
    else:
        names = catalog_names(project)  # Vidnoz: avatars and voices by name beside their ids
        click.echo(render_text(result.plan, color=options.color, names=names), nl=False)
    result.plan.check(project.safety, force=force)  # after printing: the reviewer sees why
    if out is not None:
        path = in_directory(options.directory, out)
        save_plan(path, result, forced=force)
        click.echo(f"Saved the plan to {out}. Apply exactly it with: vidspec apply {out}", err=True)
    # a create awaiting confirmation is no convergence: its video may not exist (issue 19)
    return 2 if detailed_exitcode and not result.plan.converged else 0
