"""The state as the run changes it: every change written at once, atomically, backed up."""

from __future__ import annotations

import threading

from vidspec.core.errors import StateError
from vidspec.state import State, StateStore


class Recorder:
    """Holds the current ``state`` and writes each new one through the store.

    A state that cannot be written stops the run (``stop`` is set): nothing more may be done
    that could not be recorded.
    """

    def __init__(self, store: StateStore, state: State, stop: threading.Event) -> None:
        self._store = store
        self._stop = stop
        self.state = state

    def save(self, state: State) -> None:
        try:
            self.state = self._store.save(state)
        except StateError:
            self._stop.set()
            raise
