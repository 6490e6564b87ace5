"""``vidspec output [ADDR] [--json] [--refresh]``: the managed videos' ids, statuses, links,
expiry and downloaded files, like ``terraform output``. Offline by default (the state and what
the last plan's refresh saw); ``--refresh`` reads the listing first."""

from __future__ import annotations

import click

from vidspec.app.workflow import counted_provider, read_state, refresh
from vidspec.cli.context import global_options
from vidspec.core.clock import SystemClock
from vidspec.core.errors import UsageError
from vidspec.project.config import load_project
from vidspec.render.outputs import outputs_json, render_outputs_json, render_outputs_text
from vidspec.state.observed import Observed, load_observed, save_observed


@click.command("output")
@click.argument("address", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (for machines).")
@click.option(
    "--refresh",
    "refresh_",
    is_flag=True,
    help="Read the service's listing first (fresh statuses and links); default: the last plan's.",
)
@click.pass_context
def command(ctx: click.Context, address: str | None, as_json: bool, refresh_: bool) -> None:
    """Show each managed video's id, status, link (URL), expiry and downloaded file."""
    project = load_project(global_options(ctx).directory)
    store, state = read_state(project)
    if state is None:
        raise UsageError(
            f"no state yet: {store.location} does not exist",
            "Nothing is managed; vidspec apply or vidspec import create the state.",
        )
    if address is not None and address not in state.videos:
        raise UsageError(
            f"{address} is not a managed video", "vidspec output (no ADDR) lists every one."
        )
    observed = load_observed(project.observed_path)
    if refresh_:
        clock = SystemClock()
        with counted_provider(project, clock, usage=store.usage()) as provider:
            _, remote = refresh(provider, state)
        observed = Observed.from_listing(remote, clock.now())
        save_observed(project.observed_path, observed)
    outputs = outputs_json(state, observed)
    if address is not None:
        outputs = {address: outputs[address]}
    if as_json:
        doc = outputs[address] if address is not None else outputs
        click.echo(render_outputs_json(doc), nl=False)
    else:
        click.echo(render_outputs_text(outputs, observed), nl=False)
