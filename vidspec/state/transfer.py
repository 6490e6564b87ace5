"""Moving whole states: ``state push FILE`` and ``state migrate`` (``state pull`` only reads).

Both write through ``StateStore.replace_with`` (under the lock, conditional on the version
read, backup kept) after the checks Terraform users know:

- push: a state of another lineage, or older than the stored one (a lower serial, or the same
  serial with other content), is refused unless ``force``; each override is returned as a
  warning for the command to say loudly. A state of another provider is always refused.
- migrate: copies the state exactly (lineage and serial kept, so saved plans and serial
  checks carry over) and raises the target's monthly counts to the source's; refuses a target
  holding a state of another lineage, or a newer one. The source is left as it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from vidspec.core.errors import StateError, StateMismatch, UsageError
from vidspec.state.backend import StateStore
from vidspec.state.model import State, StateFormatError


def read_state_file(path: Path) -> State:
    """A state JSON file (``state push FILE``), with clear errors for anything else."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise UsageError(f"{path}: no such file", "Name a state JSON file to push.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot be read ({exc})") from exc
    try:
        return State.from_json(json.loads(text))
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{path}:{exc.lineno}:{exc.colno}: not JSON ({exc.msg})",
            "A state file is what `vidspec state pull` prints.",
        ) from exc
    except StateFormatError as exc:
        raise UsageError(f"{path}: not a valid vidspec state: {exc}") from exc


@dataclass(frozen=True)
class Pushed:
    """What ``push`` wrote (``None``: nothing, the content was already there) and the overrides
    ``--force`` made."""

    written: State | None
    warnings: tuple[str, ...] = ()


def push(store: StateStore, pushed: State, *, force: bool, shown: str) -> Pushed:
    """Write ``pushed`` (from the file ``shown``) into ``store``, whose lock the caller holds."""
    if pushed.provider != store.expected:
        raise StateMismatch(
            f"{shown} is a state of {pushed.provider}; this project uses {store.expected}.",
            "Push a state of this project's provider (vidspec state pull shows the current).",
        )
    if not store.exists():
        return Pushed(store.replace_with(pushed))
    current = store.load()
    where = store.location
    warnings: list[str] = []
    if current.lineage != pushed.lineage:
        if not force:
            raise StateError(
                f"{shown} has lineage {pushed.lineage}; {where} holds lineage "
                f"{current.lineage} (serial {current.serial}): these are two different states.",
                "Push a state of the same lineage, or pass --force to replace the stored state "
                f"(it is kept as {store.backup_location}).",
            )
        warnings.append(
            f"--force: replacing {where} (lineage {current.lineage}, serial {current.serial}, "
            f"{len(current.videos)} videos) with a state of another lineage ({pushed.lineage})."
        )
        return Pushed(store.replace_with(pushed), tuple(warnings))
    if current.to_text() == pushed.to_text() or (
        pushed.serial == current.serial and current.same_content(pushed)
    ):
        return Pushed(None)
    if pushed.serial <= current.serial:
        newer = "newer" if pushed.serial < current.serial else "as new, with other content"
        if not force:
            raise StateError(
                f"{where} has serial {current.serial}, {newer} than {shown} (serial "
                f"{pushed.serial}); refusing to overwrite it.",
                "Pull the current state (vidspec state pull) and compare; pass --force to "
                f"replace it anyway (it is kept as {store.backup_location}).",
            )
        warnings.append(
            f"--force: overwriting {where} (serial {current.serial}) with {shown} (serial "
            f"{pushed.serial}); what {where} held is kept as {store.backup_location}."
        )
    written = replace(pushed, serial=max(pushed.serial, current.serial + 1))
    return Pushed(store.replace_with(written), tuple(warnings))


@dataclass(frozen=True)
class Migrated:
    """What ``migrate`` did."""

    source: str
    target: str
    state: State
    copied: bool  # False: the target held exactly this state already
    months: dict[str, int] = field(default_factory=dict)


def migrate(source: StateStore, target: StateStore) -> Migrated:
    """Copy the state and the monthly counts from ``source`` to ``target`` (both locked by
    the caller)."""
    if source.location == target.location:
        raise UsageError(
            f"the state is already in {target.location}; there is nothing to migrate.",
            "Change `state:` in vidspec.yaml to the new backend first, then migrate.",
        )
    if not source.exists():
        raise UsageError(
            f"there is no state at {source.location} to migrate.",
            "Name the old state with --from PATH or --from s3://BUCKET/KEY.",
        )
    state = source.load()
    copied = True
    if target.exists():
        there = target.load()
        if there.lineage != state.lineage:
            raise StateError(
                f"{target.location} already holds a state of another lineage ({there.lineage}, "
                f"serial {there.serial}, {len(there.videos)} videos); {source.location} has "
                f"lineage {state.lineage}. Refusing to replace one state with another.",
                "Point `state:` at a new key or file, or remove the other state if it is "
                "really unwanted (vidspec state pull shows it).",
            )
        if there.serial > state.serial:
            raise StateError(
                f"{target.location} holds a newer state of the same lineage (serial "
                f"{there.serial}) than {source.location} (serial {state.serial}).",
                "The state was migrated before and has moved on there; nothing to do.",
            )
        copied = there.to_text() != state.to_text()
    if copied:
        target.replace_with(state)
    months = source.usage().counts()
    if months:
        target.usage().merge(months)
    return Migrated(source.location, target.location, state, copied, months)


__all__ = [
    "Migrated",
    "Pushed",
    "migrate",
    "push",
    "read_state_file",
]
