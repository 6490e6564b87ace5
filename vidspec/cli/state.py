"""``vidspec state list | show ADDR | rm ADDR... | mv OLD NEW | pull | push FILE | migrate``.

The flows (locks, the store, the lineage checks) are ``vidspec.app.state_edits``'s; each
command here parses its arguments, calls one of them and says what it returns.
"""

from __future__ import annotations

from pathlib import Path

import click

from vidspec.app.state_edits import (
    migrate_state,
    move_address,
    push_state,
    remove_addresses,
    view_state,
)
from vidspec.cli.context import global_options
from vidspec.cli.options import in_directory, lock_timeout_option
from vidspec.project.config import Project, load_project
from vidspec.render.state import render_record, render_state_list, seen_note


def _project(ctx: click.Context) -> Project:
    return load_project(global_options(ctx).directory)


@click.group("state")
def command() -> None:
    """Look at and edit what vidspec manages (no video is touched)."""


@command.command("list")
@click.pass_context
def list_(ctx: click.Context) -> None:
    """List the managed addresses with their id, status and expiry."""
    view = view_state(_project(ctx))
    if view.state is None:
        click.echo(f"No state yet: {view.location} does not exist.", err=True)
        return
    text = render_state_list(view.state, view.observed)
    if text:
        click.echo(text, nl=False)
        note = seen_note(view.state, view.observed)
        if note:
            click.echo(note, err=True)
    else:
        click.echo("No videos are managed.", err=True)


@command.command("show")
@click.argument("address")
@click.pass_context
def show(ctx: click.Context, address: str) -> None:
    """Show the state's record of ADDRESS (JSON)."""
    view = view_state(_project(ctx), address)
    click.echo(render_record(view.existing(), address, view.observed), nl=False)


@command.command("rm")
@click.argument("addresses", nargs=-1, required=True, metavar="ADDR...")
@lock_timeout_option
@click.pass_context
def rm(ctx: click.Context, addresses: tuple[str, ...], lock_timeout: float) -> None:
    """Stop managing ADDR... The videos stay in the account; nothing is deleted.

    A for_each definition's name (promo) stands for all its instances (promo[de], ...)."""
    removed = remove_addresses(_project(ctx), addresses, lock_timeout)
    for address in removed.addresses:
        record = removed.before.videos.get(address)
        if record is None:
            click.echo(f"Removed {address} (a pending create, no video yet) from the state.")
            continue
        also = f" and superseded {', '.join(record.previous)}" if record.previous else ""
        click.echo(f"Removed {address} (video {record.id}{also}) from the state.")
    click.echo(
        "The videos themselves stay in the account: vidspec no longer manages them (the next "
        "plan lists them as unmanaged; vidspec import adopts one again).",
        err=True,
    )
    wanted = removed.still_wanted
    if wanted:
        click.echo(
            f"Warning: {', '.join(wanted)} {'is' if len(wanted) == 1 else 'are'} still in a "
            f"manifest: the next plan creates {'it' if len(wanted) == 1 else 'them'} again "
            f"(a new, paid video) unless you remove {'it' if len(wanted) == 1 else 'them'} "
            f"from the manifest or import the video back.",
            err=True,
        )


@command.command("mv")
@click.argument("old")
@click.argument("new")
@lock_timeout_option
@click.pass_context
def mv(ctx: click.Context, old: str, new: str, lock_timeout: float) -> None:
    """Move the record at OLD to NEW (no video is touched). A `moved:` block in a manifest
    does the same, reviewed in a plan."""
    moved = move_address(_project(ctx), old, new, lock_timeout)
    click.echo(f"Moved {old} to {new} (video {moved.video_id}).")
    if not moved.in_a_manifest:
        click.echo(
            f"Warning: {new} is in no manifest: the next plan deletes its video unless a "
            f"manifest defines {new}.",
            err=True,
        )


@command.command("pull")
@click.pass_context
def pull(ctx: click.Context) -> None:
    """Print the current state JSON (from the local file or the S3 backend)."""
    click.echo(view_state(_project(ctx)).existing().to_text(), nl=False)


@command.command("push")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Replace the stored state even if FILE is of another lineage or older (kept as backup).",
)
@lock_timeout_option
@click.pass_context
def push_(ctx: click.Context, file: Path, force: bool, lock_timeout: float) -> None:
    """Upload FILE as the state, after the lineage and serial checks."""
    options = global_options(ctx)
    location, outcome = push_state(
        load_project(options.directory),
        in_directory(options.directory, file),
        shown=str(file),
        force=force,
        timeout=lock_timeout,
    )
    for warning in outcome.warnings:
        click.echo(f"WARNING: {warning}", err=True)
    if outcome.written is None:
        click.echo(f"{location} already holds this state; nothing was written.")
        return
    click.echo(
        f"Pushed {file} to {location} (lineage {outcome.written.lineage}, serial "
        f"{outcome.written.serial}, {len(outcome.written.videos)} videos)."
    )


@command.command("migrate")
@click.option(
    "--from",
    "source",
    metavar="PATH|s3://BUCKET/KEY",
    help="The old state (default: the backend in effect before vidspec.yaml changed).",
)
@lock_timeout_option
@click.pass_context
def migrate_(ctx: click.Context, source: str | None, lock_timeout: float) -> None:
    """Copy the state (and the month's request counts) to the backend vidspec.yaml names now."""
    done = migrate_state(_project(ctx), source, lock_timeout)
    state = done.state
    if done.copied:
        click.echo(
            f"Copied the state (lineage {state.lineage}, serial {state.serial}, "
            f"{len(state.videos)} videos) from {done.source} to {done.target}."
        )
    else:
        click.echo(f"{done.target} already holds the state of {done.source}; nothing to copy.")
    if done.months:
        click.echo(f"Request counts copied for {', '.join(sorted(done.months))}.")
    click.echo(
        f"{done.source} was left as it was; every command now uses {done.target}. Remove the "
        f"old copy once you have checked (vidspec state pull).",
        err=True,
    )
