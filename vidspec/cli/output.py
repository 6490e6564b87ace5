"""``vidspec output [ADDR] [--json] [--refresh]``: the managed videos' ids, statuses, links,
expiry and downloaded files, like ``terraform output``. Offline by default (the state and what
the last plan's refresh saw); ``--refresh`` reads the listing first (``vidspec.app.outputs``)."""

from __future__ import annotations

import click

from vidspec.app.outputs import read_outputs
from vidspec.cli.context import global_options
from vidspec.project.config import load_project
from vidspec.render.outputs import outputs_json, render_outputs_json, render_outputs_text


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
    options = global_options(ctx)
    found = read_outputs(
        load_project(options.directory), address, refresh_=refresh_, clock=options.clock
    )
    outputs = outputs_json(found.state, found.observed)
    if address is not None:
        outputs = {address: outputs[address]}
    if as_json:
        doc = outputs[address] if address is not None else outputs
        click.echo(render_outputs_json(doc), nl=False)
    else:
        click.echo(render_outputs_text(outputs, found.observed), nl=False)
