"""The rules every state store applies before it writes or starts empty, in one place.

A store (the local file, S3, a future backend) reads what is stored now and calls
``check_write`` with it before each write, and ``check_not_stranded`` before it answers
"no state yet". The same condition raises the same error in every store:

- another lineage: ``StateError`` (two different states; nothing to retry);
- a serial that moved, or a state that vanished, since this command read it:
  ``StateConflict`` (someone else wrote; running the command again starts from theirs);
- no state but a backup of one: ``StateCorrupt`` (starting empty could pay for every video
  again).
"""

from __future__ import annotations

from vidspec.core.errors import StateConflict, StateCorrupt, StateError
from vidspec.state.model import State


def check_write(current: State | None, state: State, *, location: str, backup: str) -> None:
    """Refuse to write ``state`` (as read, before its serial is raised) over ``current``, what
    the store holds now (``None``: nothing), when it is another state or a newer one."""
    if current is None:
        if state.serial != 0:
            raise StateConflict(
                f"{location} is gone (serial {state.serial} was read); refusing to write a "
                f"state that would look new.",
                f"Restore it (see its backup {backup}) and run the command again.",
            )
        return
    if current.lineage != state.lineage:
        raise StateError(
            f"{location} has lineage {current.lineage}; refusing to overwrite it with a state "
            f"of lineage {state.lineage}.",
            "These are two different states; move one aside, or let vidspec state push "
            "--force replace one with the other, if this is intended.",
        )
    if current.serial != state.serial:
        raise StateConflict(
            f"{location} changed since this command read it (serial {state.serial} was read, "
            f"{current.serial} is there now); refusing to overwrite it.",
            "Run the command again so it starts from the current state.",
        )


def check_not_stranded(*, location: str, backup: str, has_backup: bool, restore: str) -> None:
    """Refuse an empty start while the store keeps a backup of a state (``restore``: how to
    put the backup back in this store)."""
    if has_backup:
        raise StateCorrupt(
            f"{location} is missing but its backup {backup} exists.",
            f"vidspec will not start from an empty state while a backup exists (that could "
            f"generate every video again). Restore it: {restore}  (or delete the backup if "
            f"starting empty is really what you want).",
        )


__all__ = ["check_not_stranded", "check_write"]
