"""``vidspec providers [--json|--markdown]``: the installed provider kinds."""

from __future__ import annotations

import json

import click

from vidspec.app.provider_list import installed_providers
from vidspec.render.providers import providers_json, providers_markdown, providers_text


@click.command("providers")
@click.option("--json", "as_json", is_flag=True, help="Print the kinds as JSON.")
@click.option(
    "--markdown", is_flag=True, help="Print a Markdown table (the README's provider section)."
)
@click.option(
    "--package",
    default=None,
    help="Only the kinds of this distribution (e.g. vidspec: the built-in ones).",
)
def command(as_json: bool, markdown: bool, package: str | None) -> None:
    """List the installed provider kinds: package, version, capabilities, whether each loads."""
    rows = installed_providers(distribution=package)
    if as_json:
        click.echo(json.dumps(providers_json(rows), indent=2, ensure_ascii=False))
    elif markdown:
        click.echo(providers_markdown(rows), nl=False)
    else:
        click.echo(providers_text(rows), nl=False)
