"""``vidspec schema project|manifest``: print a JSON Schema for editors and other tools."""

from __future__ import annotations

import json

import click

from vidspec.app.providers import check_kind
from vidspec.cli.context import global_options
from vidspec.core.errors import ProjectError
from vidspec.project.config import find_project_file, load_project
from vidspec.project.plugin_schemas import DEFAULT_KIND
from vidspec.project.schema import manifest_schema, project_schema


@click.command("schema")
@click.argument("which", type=click.Choice(["project", "manifest"]))
@click.option(
    "--provider",
    "kind",
    metavar="KIND",
    default=None,
    help="Provider kind of the manifest schema (default: the project's, else the default kind; "
    "`vidspec providers` lists the installed ones).",
)
@click.pass_context
def command(ctx: click.Context, which: str, kind: str | None) -> None:
    """Print the JSON Schema (Draft 2020-12) of vidspec.yaml or of a manifest."""
    if which == "project":
        document = project_schema()
    else:
        if kind is None:
            directory = global_options(ctx).directory
            try:
                find_project_file(directory)
            except ProjectError:
                kind = DEFAULT_KIND  # no project: the default kind's schema
            else:
                kind = load_project(directory).provider.speaks
        check_kind(kind)
        document = manifest_schema(kind)
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))
