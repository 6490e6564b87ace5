"""``vidspec expand [ADDR...] [--json]``: print the videos after defaults, ``{file:}`` and
``for_each`` are resolved (like ``helm template``), so a template is checked without a plan."""

from __future__ import annotations

import click

from vidspec.cli.context import global_options
from vidspec.core.addresses import natural_key, select
from vidspec.core.errors import UsageError
from vidspec.project.config import load_project
from vidspec.project.loader import load_desired
from vidspec.render.expand import expanded, render_expand_json, render_expand_yaml


@click.command("expand")
@click.argument("addresses", nargs=-1, metavar="[ADDR...]")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of YAML.")
@click.pass_context
def command(ctx: click.Context, addresses: tuple[str, ...], as_json: bool) -> None:
    """Print the videos as vidspec sees them: defaults merged, {file:} read, for_each expanded.

    ADDR is a video (welcome), an instance (promo[de]) or a for_each definition (promo: all
    its instances); none prints every video."""
    options = global_options(ctx)
    desired = load_desired(load_project(options.directory))
    for warning in desired.warnings:
        click.echo(f"Warning: {warning}", err=True)
    chosen = select(addresses, desired.videos) if addresses else set(desired.videos)
    named = {a for a in addresses if a in chosen or a in desired.definitions}
    unknown = [a for a in addresses if a not in named]
    if unknown:
        raise UsageError(
            f"no video has the address {', '.join(unknown)}",
            "Name a video (welcome), an instance (promo[de]) or a for_each definition (promo); "
            "vidspec expand without ADDR prints them all.",
        )
    videos = expanded(desired, sorted(chosen, key=natural_key))
    click.echo(render_expand_json(videos) if as_json else render_expand_yaml(videos), nl=False)
