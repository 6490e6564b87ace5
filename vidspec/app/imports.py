"""``vidspec import``'s composition: ONE lock held for the whole import (the state must not
change under it), ONE state store, ONE provider whose requests are counted at the end."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from vidspec.app.workflow import counted_provider
from vidspec.core.clock import Clock
from vidspec.project.config import Project
from vidspec.providers.base import Provider
from vidspec.state import State, StateStore, open_state_store


@dataclass
class ImportSession:
    """Inside the lock: the state as read, and an open provider."""

    store: StateStore
    state: State
    provider: Provider


@contextlib.contextmanager
def import_session(
    project: Project, *, command: str, lock_timeout: float, clock: Clock
) -> Iterator[ImportSession]:
    """Hold the lock for the whole import, open the provider, and count the requests spent in
    ``usage.json`` at the end (also after an error)."""
    store = open_state_store(project, clock=clock)
    with store.lock(command, timeout=lock_timeout):
        state = store.load()
        with counted_provider(project, clock, usage=store.usage()) as provider:
            yield ImportSession(store, state, provider)
