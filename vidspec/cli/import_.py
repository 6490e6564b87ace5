"""``vidspec import``: adopt videos that already exist into the state.

``import ADDRESS ID`` adopts one video; ``import --all --write FILE`` writes a manifest of every
unmanaged video and adopts them; ``import --match`` rebuilds a lost state by matching manifest
videos to remote ones. The flows are ``vidspec.app.imports``'s; this module parses the command
line and says what they say.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from vidspec.app.imports import ImportOptions, Say, import_all, import_match, import_one
from vidspec.cli.context import global_options
from vidspec.cli.options import in_directory, lock_timeout_option
from vidspec.project.config import load_project


@click.command("import")
# metavar: the usage line reads "ADDRESS ID" (both or neither), not "[ADDRESS] ID"
@click.argument("address", metavar="ADDRESS", required=False)
@click.argument("video_id", metavar="ID", required=False)
@click.option(
    "--all", "import_all_", is_flag=True, help="Adopt every unmanaged video (with --write FILE)."
)
@click.option(
    "--write",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="With --all: write the adopted videos to this new manifest file.",
)
@click.option(
    "--match", is_flag=True, help="Rebuild a lost state: match manifest videos to remote ones."
)
@click.option("--dry-run", is_flag=True, help="Show what would be adopted; write nothing.")
@lock_timeout_option
@click.pass_context
def command(
    ctx: click.Context,
    address: str | None,
    video_id: str | None,
    import_all_: bool,
    write: Path | None,
    match: bool,
    dry_run: bool,
    lock_timeout: float,
) -> None:
    """Adopt existing videos into the state: one (ADDRESS ID), all unmanaged ones
    (--all --write FILE), or those matching the manifests (--match)."""
    options = ImportOptions(address, video_id, import_all_, write, match, dry_run, lock_timeout)
    mode = options.mode()
    directory = global_options(ctx).directory
    project = load_project(directory)
    clock = global_options(ctx).clock
    say = Say(
        out=lambda text: click.echo(text, nl=False),
        err=lambda text: click.echo(text, nl=False, err=True),
    )
    if mode == "one":
        import_one(project, options, clock, say)
    elif mode == "all":
        path = None if write is None else Path(os.path.abspath(in_directory(directory, write)))
        import_all(project, options, path, clock, say)
    else:
        import_match(project, options, clock, say)
