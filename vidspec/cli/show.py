"""``vidspec show [PLANFILE]``: a saved plan, or the state."""

from __future__ import annotations

import json
from pathlib import Path

import click

from vidspec.app.state_edits import view_state
from vidspec.app.workflow import read_saved_plan
from vidspec.cli.context import global_options
from vidspec.cli.options import in_directory
from vidspec.core.errors import UsageError
from vidspec.core.times import format_time
from vidspec.project.config import load_project
from vidspec.render.jsonout import render_json
from vidspec.render.markdown import render_markdown
from vidspec.render.outputs import outputs_json
from vidspec.render.state import render_state
from vidspec.render.text import render_text


@click.command("show")
@click.argument("planfile", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--json", "as_json", is_flag=True, help="Print JSON (the plan document, or the state)."
)
@click.option("--markdown", is_flag=True, help="Print a saved plan as a pull-request comment.")
@click.pass_context
def command(ctx: click.Context, planfile: Path | None, as_json: bool, markdown: bool) -> None:
    """Show a saved plan (PLANFILE, from `vidspec plan -o`), or the state when none is given."""
    if as_json and markdown:
        raise UsageError("--json and --markdown cannot be combined", "Choose one output format.")
    options = global_options(ctx)
    if planfile is not None:
        saved = read_saved_plan(in_directory(options.directory, planfile))
        against = (
            "no state yet"
            if saved.lineage is None
            else f"state serial {saved.serial} (lineage {saved.lineage})"
        )
        click.echo(
            f"Plan saved {format_time(saved.created_at)} for {saved.provider}, against {against}.",
            err=True,
        )
        if as_json:
            click.echo(render_json(saved.plan), nl=False)
        elif markdown:
            click.echo(render_markdown(saved.plan), nl=False)
        else:
            click.echo(render_text(saved.plan, color=options.color), nl=False)
        return
    if markdown:
        raise UsageError("--markdown shows a saved plan", "Use: vidspec show PLANFILE --markdown")
    view = view_state(load_project(options.directory))
    state = view.state
    if state is None:
        if as_json:
            click.echo("null")
        click.echo(
            f"No state yet: {view.location} does not exist (nothing has been applied).",
            err=True,
        )
        return
    if as_json:  # the state, and the outputs (ids, statuses, links, files) as `output` shows
        document = state.to_json()
        document["outputs"] = outputs_json(state, view.observed)
        click.echo(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        click.echo(render_state(state, source=view.location), nl=False)
