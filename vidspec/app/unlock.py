"""The flow of ``vidspec force-unlock ID``: the project's one store, its lock's holder, and
whether that holder still runs on this machine (then it is not gone)."""

from __future__ import annotations

import os
import socket

from vidspec.project.config import Project
from vidspec.state import LockInfo, open_state_store

__all__ = ["LockInfo", "Unlock", "alive_here"]


class Unlock:
    """The lock of ``project``'s state: who holds it, and breaking it by its ID."""

    def __init__(self, project: Project) -> None:
        self._store = open_state_store(project)

    @property
    def location(self) -> str:
        return self._store.location

    def holder(self) -> LockInfo | None:
        return self._store.lock_holder()

    def force(self, lock_id: str) -> LockInfo:
        """Remove the lock while it is still the version ``lock_id`` names (else
        ``LockError`` naming the holder)."""
        return self._store.force_unlock(lock_id)


def alive_here(info: LockInfo) -> bool:
    """True when the holder is a running process on this machine (as far as we can tell)."""
    if info.unreadable is not None or info.host != socket.gethostname():
        return False
    try:
        os.kill(info.pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True
