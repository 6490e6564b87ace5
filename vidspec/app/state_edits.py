"""The flows of ``vidspec state list | show | rm | mv | pull | push | migrate``.

Reading takes no lock (it never changes the state); ``rm``, ``mv``, ``push`` and ``migrate``
take the lock and write through the command's one store (atomic or conditional, backup kept).
None touches a remote video. ``pull``/``push``/``migrate`` move whole states
(``vidspec.state.transfer``). Each function returns what the command shows.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from vidspec.app.backend_switch import remember_state_place
from vidspec.app.migrate import migration_source
from vidspec.core.addresses import natural_key, select
from vidspec.core.errors import ManifestError, UsageError
from vidspec.plan.importer import check_address
from vidspec.project.config import Project
from vidspec.project.loader import load_desired
from vidspec.project.model import Desired
from vidspec.state import LocalStateStore, State, StateStore, open_state_store
from vidspec.state.observed import Observed, load_observed
from vidspec.state.transfer import Migrated, Pushed, migrate, push, read_state_file


@dataclass(frozen=True)
class StateView:
    """The state as stored (``None``: nothing written yet, at ``location``) and what the last
    refresh saw."""

    location: str
    state: State | None
    observed: Observed

    def existing(self) -> State:
        """The state, or ``UsageError`` when there is none yet."""
        if self.state is None:
            raise _no_state(self.location)
        return self.state


def view_state(
    project: Project, address: str | None = None, *, store: StateStore | None = None
) -> StateView:
    """The state, read without the lock (through ``store``, the command's, when it has one);
    with ``address``, refused unless it is managed."""
    store = store or open_state_store(project)
    state = store.load() if store.exists() else None
    view = StateView(store.location, state, load_observed(project.observed_path))
    if address is not None:
        found = view.existing()
        if address not in found.videos and not found.pending_for(address):
            raise _unknown(address, found)
    return view


@dataclass(frozen=True)
class Removed:
    """``state rm``: the state before, the addresses removed, those still in a manifest."""

    before: State
    addresses: tuple[str, ...]
    still_wanted: tuple[str, ...]


def remove_addresses(project: Project, addresses: tuple[str, ...], timeout: float) -> Removed:
    """Stop managing ``addresses`` (a for_each name stands for its instances)."""
    with _locked(project, "vidspec state rm", timeout) as (store, state):
        addresses = _instances(addresses, state)
        for address in addresses:
            if address not in state.videos and not state.pending_for(address):
                raise _unknown(address, state)
        new = state
        for address in dict.fromkeys(addresses):
            new = new.without_video(address).without_pending(address)
        store.save(new)
    desired = _desired_or_none(project)
    wanted = tuple(a for a in addresses if desired is not None and a in desired.videos)
    return Removed(state, tuple(dict.fromkeys(addresses)), wanted)


@dataclass(frozen=True)
class Moved:
    """``state mv``: the video moved, and whether a manifest defines its new address."""

    video_id: str
    in_a_manifest: bool


def move_address(project: Project, old: str, new: str, timeout: float) -> Moved:
    """Move the record at ``old`` to ``new``."""
    check_address(new, "NEW")
    with _locked(project, "vidspec state mv", timeout) as (store, state):
        if old not in state.videos:
            raise _unknown(old, state)
        if new in state.videos or state.pending_for(new):
            raise UsageError(
                f"{new} is already in the state",
                f"Choose another address, or stop managing {new} first: vidspec state rm {new}",
            )
        store.save(state.moved(old, new))
    desired = _desired_or_none(project)
    return Moved(state.videos[old].id, desired is None or new in desired.videos)


def push_state(
    project: Project, file: Path, *, shown: str, force: bool, timeout: float
) -> tuple[str, Pushed]:
    """Write the state in ``file`` (shown as ``shown``) to the store, after the lineage and
    serial checks (``force``: regardless); returns the store's location and the outcome."""
    pushed = read_state_file(file)
    store = open_state_store(project)
    with store.lock("vidspec state push", timeout=timeout):
        return store.location, push(store, pushed, force=force, shown=shown)


def migrate_state(project: Project, source: str | None, timeout: float) -> Migrated:
    """Copy the state (and the month's request counts) from ``source`` (default: the backend
    in effect before vidspec.yaml changed) to the backend vidspec.yaml names now."""
    target = open_state_store(project)
    old = migration_source(project, source)
    with contextlib.ExitStack() as locks:
        locks.enter_context(target.lock("vidspec state migrate", timeout=timeout))
        if not (isinstance(old, LocalStateStore) and isinstance(target, LocalStateStore)):
            # (two local files of one project share its one lock, held already)
            locks.enter_context(old.lock("vidspec state migrate (source)", timeout=timeout))
        done = migrate(old, target)
    remember_state_place(project, target, done.state)  # the next migrate starts from here
    return done


def _no_state(location: str) -> UsageError:
    return UsageError(
        f"no state yet: {location} does not exist",
        "Nothing is managed; vidspec apply or vidspec import create the state.",
    )


@contextlib.contextmanager
def _locked(project: Project, command: str, timeout: float) -> Iterator[tuple[StateStore, State]]:
    store = open_state_store(project)
    with store.lock(command, timeout=timeout):
        if not store.exists():
            raise _no_state(store.location)
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


def _instances(addresses: tuple[str, ...], state: State) -> tuple[str, ...]:
    """Each address, or for a name the state holds only instances of, those instances."""
    known = set(state.videos) | {p.address for p in state.pending}
    found: list[str] = []
    for address in addresses:
        instances = [] if address in known else select([address], known)
        found += sorted(instances, key=natural_key) or [address]
    return tuple(found)
