"""``vidspec catalog``: what the account may ask for (actors, voices, backgrounds) and its quota."""

from __future__ import annotations

import json

import click

from vidspec.app.catalog import fetch_catalog_document
from vidspec.cli.context import global_options
from vidspec.render.catalog import render_catalog


@click.command("catalog")
@click.option("--json", "as_json", is_flag=True, help="Print the catalog as JSON.")
@click.pass_context
def command(ctx: click.Context, as_json: bool) -> None:
    """Show the actors, voices, backgrounds and quota the provider offers."""
    options = global_options(ctx)
    document = fetch_catalog_document(options.directory)
    if as_json:
        click.echo(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        click.echo(render_catalog(document, color=options.color), nl=False)
