"""``vidspec force-unlock ID``: break a stale project lock, naming whose it was.

Every held lock has an ID, also one whose note vidspec cannot read (derived from the lock
itself: the S3 object's ETag, the local note's bytes or lock file); the store removes the
lock only while it is still the version that ID names.

The OS releases the lock of a process that dies, so a lock that stays is held by a process
that hangs (or lives on another machine sharing the directory). Breaking it lets two commands
write at once if that process wakes up; the state store's serial check then refuses the
second write, but only a person can judge whether the holder is really gone: so the ID must
match, and the user confirms (typed, or piped: ``echo yes | vidspec force-unlock ID``). A
holder whose process still runs on this machine is not gone: it is refused, naming its pid,
unless ``--force`` is given twice.
"""

from __future__ import annotations

import click

from vidspec.app.unlock import LockInfo, Unlock, alive_here
from vidspec.cli.confirm import Question, confirm
from vidspec.cli.context import global_options
from vidspec.core.errors import VidspecError
from vidspec.project.config import load_project


def _confirm(info: LockInfo, location: str, lock_id: str) -> None:
    """``yes`` from a terminal or a pipe (``echo yes | vidspec force-unlock ID``), or
    ``Cancelled`` (the lock is kept)."""
    text = (
        "Do you really want to force-unlock?\n"
        f"  vidspec will remove the lock of {location} held by:\n{info.describe()}\n"
        "  Only 'yes' will be accepted to confirm."
    )
    instead = (
        f"Pipe one (echo yes | vidspec force-unlock {lock_id}), or pass --force if you are "
        "sure the holder is gone."
    )
    confirm(Question("Force-unlock", text, instead))


@click.command("force-unlock")
@click.argument("lock_id", metavar="ID")
@click.option(
    "-f",
    "--force",
    count=True,
    help="Do not ask for confirmation; twice (-ff) to break the lock of a process still "
    "running on this machine.",
)
@click.pass_context
def command(ctx: click.Context, lock_id: str, force: int) -> int:
    """Remove the project lock recorded with ID (shown by the command that found it held)."""
    store = Unlock(load_project(global_options(ctx).directory))
    holder = store.holder()
    if holder is not None and holder.id == lock_id and force < 2 and alive_here(holder):
        raise VidspecError(
            f"the lock's holder is still running: process {holder.pid} on this machine "
            f"({holder.host}), `{holder.command}`; force-unlock leaves its lock alone",
            f"Let it finish, or stop it (kill {holder.pid}). If you are sure it is not a "
            f"vidspec command any more: vidspec force-unlock --force --force {lock_id}",
        )
    if holder is not None and holder.id == lock_id and force:
        click.echo(f"Removing the lock of {store.location}, held by:", err=True)
        click.echo(holder.describe(), err=True)
    if holder is not None and holder.id == lock_id and not force:
        _confirm(holder, store.location, lock_id)
    broken = store.force(lock_id)  # refuses a wrong ID (or version), naming the holder
    held_by = (
        f"its holder was unknown: {broken.unreadable}"
        if broken.unreadable is not None
        else f"it was held by {broken.user}@{broken.host}, pid {broken.pid}, running "
        f"`{broken.command}`"
    )
    click.echo(f"The lock was removed ({held_by}). vidspec commands can run again.")
    return 0
