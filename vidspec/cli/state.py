"""``vidspec state list | show ADDR | rm ADDR... | mv OLD NEW | pull | push FILE | migrate``.

Reading takes no lock (it never changes the state); ``rm``, ``mv``, ``push`` and ``migrate``
take the lock and write through the store (atomic or conditional, backup kept). None touches
a remote video. ``pull``/``push``/``migrate`` move whole states (``vidspec/state/transfer.py``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import click

from vidspec.app.backend_switch import remember_state_place
from vidspec.app.migrate import migration_source
from vidspec.app.workflow import read_state
from vidspec.cli.context import global_options
from vidspec.cli.options import in_directory, lock_timeout_option
from vidspec.core.addresses import natural_key, select
from vidspec.core.errors import ManifestError, UsageError
from vidspec.plan.importer import check_address
from vidspec.project.config import Project, load_project
from vidspec.project.loader import load_desired
from vidspec.project.model import Desired
from vidspec.render.state import render_record, render_state_list, seen_note
from vidspec.state import LocalStateStore, State, StateStore, open_state_store
from vidspec.state.observed import load_observed
from vidspec.state.transfer import migrate, push, read_state_file


def _project(ctx: click.Context) -> Project:
    return load_project(global_options(ctx).directory)


def _no_state(store: StateStore) -> UsageError:
    return UsageError(
        f"no state yet: {store.location} does not exist",
        "Nothing is managed; vidspec apply or vidspec import create the state.",
    )


@contextlib.contextmanager
def _locked(project: Project, command: str, timeout: float) -> Iterator[tuple[StateStore, State]]:
    store = open_state_store(project)
    with store.lock(command, timeout=timeout):
        if not store.exists():
            raise _no_state(store)
        yield store, store.load()


def _desired_or_none(project: Project) -> Desired | None:
    """The manifests, for advice only: a broken manifest must not block a state edit."""
    try:
        return load_desired(project)
    except ManifestError:
        return None


def _unknown(address: str, state: State) -> UsageError:
    known = ", ".join(sorted(state.videos, key=natural_key)[:10]) or "none"
    return UsageError(
        f"{address} is not in the state",
        f"vidspec state list shows the managed addresses (here: {known}).",
    )


@click.group("state")
def command() -> None:
    """Look at and edit what vidspec manages (no video is touched)."""


@command.command("list")
@click.pass_context
def list_(ctx: click.Context) -> None:
    """List the managed addresses with their id, status and expiry."""
    store, state = read_state(_project(ctx))
    if state is None:
        click.echo(f"No state yet: {store.location} does not exist.", err=True)
        return
    observed = load_observed(_project(ctx).observed_path)
    text = render_state_list(state, observed)
    if text:
        click.echo(text, nl=False)
        note = seen_note(state, observed)
        if note:
            click.echo(note, err=True)
    else:
        click.echo("No videos are managed.", err=True)


@command.command("show")
@click.argument("address")
@click.pass_context
def show(ctx: click.Context, address: str) -> None:
    """Show the state's record of ADDRESS (JSON)."""
    store, state = read_state(_project(ctx))
    if state is None:
        raise _no_state(store)
    if address not in state.videos and not state.pending_for(address):
        raise _unknown(address, state)
    observed = load_observed(_project(ctx).observed_path)
    click.echo(render_record(state, address, observed), nl=False)


@command.command("rm")
@click.argument("addresses", nargs=-1, required=True, metavar="ADDR...")
@lock_timeout_option
@click.pass_context
def rm(ctx: click.Context, addresses: tuple[str, ...], lock_timeout: float) -> None:
    """Stop managing ADDR... The videos stay in the account; nothing is deleted.

    A for_each definition's name (promo) stands for all its instances (promo[de], ...)."""
    project = _project(ctx)
    with _locked(project, "vidspec state rm", lock_timeout) as (store, state):
        addresses = _instances(addresses, state)
        for address in addresses:
            if address not in state.videos and not state.pending_for(address):
                raise _unknown(address, state)
        new = state
        for address in dict.fromkeys(addresses):
            new = new.without_video(address).without_pending(address)
        store.save(new)
    for address in dict.fromkeys(addresses):
        record = state.videos.get(address)
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
    desired = _desired_or_none(project)
    wanted = [a for a in addresses if desired is not None and a in desired.videos]
    if wanted:
        click.echo(
            f"Warning: {', '.join(wanted)} {'is' if len(wanted) == 1 else 'are'} still in a "
            f"manifest: the next plan creates {'it' if len(wanted) == 1 else 'them'} again "
            f"(a new, paid video) unless you remove {'it' if len(wanted) == 1 else 'them'} "
            f"from the manifest or import the video back.",
            err=True,
        )


def _instances(addresses: tuple[str, ...], state: State) -> tuple[str, ...]:
    """Each address, or for a name the state holds only instances of, those instances."""
    known = set(state.videos) | {p.address for p in state.pending}
    found: list[str] = []
    for address in addresses:
        instances = [] if address in known else select([address], known)
        found += sorted(instances, key=natural_key) or [address]
    return tuple(found)


@command.command("mv")
@click.argument("old")
@click.argument("new")
@lock_timeout_option
@click.pass_context
def mv(ctx: click.Context, old: str, new: str, lock_timeout: float) -> None:
    """Move the record at OLD to NEW (no video is touched). A `moved:` block in a manifest
    does the same, reviewed in a plan."""
    check_address(new, "NEW")
    project = _project(ctx)
    with _locked(project, "vidspec state mv", lock_timeout) as (store, state):
        if old not in state.videos:
            raise _unknown(old, state)
        if new in state.videos or state.pending_for(new):
            raise UsageError(
                f"{new} is already in the state",
                f"Choose another address, or stop managing {new} first: vidspec state rm {new}",
            )
        store.save(state.moved(old, new))
    click.echo(f"Moved {old} to {new} (video {state.videos[old].id}).")
    desired = _desired_or_none(project)
    if desired is not None and new not in desired.videos:
        click.echo(
            f"Warning: {new} is in no manifest: the next plan deletes its video unless a "
            f"manifest defines {new}.",
            err=True,
        )


@command.command("pull")
@click.pass_context
def pull(ctx: click.Context) -> None:
    """Print the current state JSON (from the local file or the S3 backend)."""
    store, state = read_state(_project(ctx))
    if state is None:
        raise _no_state(store)
    click.echo(state.to_text(), nl=False)


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
    project = load_project(options.directory)
    pushed = read_state_file(in_directory(options.directory, file))
    store = open_state_store(project)
    with store.lock("vidspec state push", timeout=lock_timeout):
        outcome = push(store, pushed, force=force, shown=str(file))
    for warning in outcome.warnings:
        click.echo(f"WARNING: {warning}", err=True)
    if outcome.written is None:
        click.echo(f"{store.location} already holds this state; nothing was written.")
        return
    click.echo(
        f"Pushed {file} to {store.location} (lineage {outcome.written.lineage}, serial "
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
    project = _project(ctx)
    target = open_state_store(project)
    old = migration_source(project, source)
    with contextlib.ExitStack() as locks:
        locks.enter_context(target.lock("vidspec state migrate", timeout=lock_timeout))
        if not (isinstance(old, LocalStateStore) and isinstance(target, LocalStateStore)):
            # (two local files of one project share its one lock, held already)
            locks.enter_context(old.lock("vidspec state migrate (source)", timeout=lock_timeout))
        done = migrate(old, target)
    state = done.state
    remember_state_place(project, target, state)  # the next migrate starts from here
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
