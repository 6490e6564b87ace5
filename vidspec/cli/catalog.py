"""``vidspec catalog``: what the account may ask for (actors, voices, backgrounds) and its quota."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from vidspec.app.providers import open_provider
from vidspec.cli.context import global_options
from vidspec.core.clock import Clock
from vidspec.project.config import load_project
from vidspec.render.catalog import render_catalog


def fetch_catalog_document(directory: Path, *, clock: Clock | None = None) -> dict[str, Any]:
    """Load the project in ``directory`` and ask its provider for the catalog (one request;
    Vidnoz: two, paced on ``clock``, the real time by default)."""
    project = load_project(directory)
    provider = open_provider(project, clock=clock)
    try:
        return provider.catalog().to_json()
    finally:
        provider.close()


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
