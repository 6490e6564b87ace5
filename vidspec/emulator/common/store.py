"""Persistence of an emulated service: named JSON documents in a data directory.

Each document is written whole and atomically (``vidspec.core.atomic``) after every change, so a
sandbox killed mid-command keeps either the old or the new world, never half of one.

A world is read once at start and written back whole, so one data directory serves one
process at a time: ``lock_data_dir`` holds ``<data_dir>/lock`` (with a note naming the
holder) for as long as the sandbox or ``vidspec emulator --data-dir`` runs.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from vidspec.core.atomic import atomic_write_text
from vidspec.core.clock import Clock
from vidspec.core.errors import LockHeld, VidspecError
from vidspec.core.times import format_time
from vidspec.state.lock import ProjectLock


class StoreError(VidspecError):
    """A data file exists but cannot be read as the emulator wrote it."""


class DataDirBusy(StoreError):
    """Another process keeps its emulated service in this data directory."""


def lock_data_dir(
    data_dir: Path, *, command: str, timeout: float, clock: Clock, hint: str
) -> ProjectLock:
    """Hold ``data_dir`` for this process until ``release()`` (or the process's end).

    Waits up to ``timeout`` seconds for another holder, then raises ``DataDirBusy`` naming
    it (pid, command, since when) with ``hint`` (what to do). ``command`` is recorded for the
    next one to read."""
    lock = ProjectLock(data_dir / "lock", data_dir / "lock.info", clock)
    try:
        lock.acquire(command, timeout)
    except LockHeld:
        holder = lock.holder()
        waited = f" (waited {timeout:g}s)" if timeout > 0 else ""
        who = (
            "another process, which has not recorded who it is"
            if holder is None
            else f"another process: pid {holder.pid} on {holder.host} ({holder.command}), "
            f"since {format_time(holder.created)}"
        )
        message = f"the emulator data in {data_dir} is in use by {who}{waited}"
        raise DataDirBusy(message, hint) from None
    return lock


class JsonStore:
    """``<data_dir>/<name>.json`` documents. ``None`` data_dir: keep nothing (in memory only)."""

    def __init__(self, data_dir: Path | None) -> None:
        self.data_dir = data_dir
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.data_dir is not None

    def path(self, name: str) -> Path | None:
        return None if self.data_dir is None else self.data_dir / f"{name}.json"

    def load(self, name: str) -> Any:
        """The stored document, or ``None`` when there is none (or persistence is off)."""
        path = self.path(name)
        if path is None or not path.exists():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(
                f"cannot read emulator data {path}: {exc}",
                "Remove the file (or the data directory) to start with an empty service.",
            ) from exc

    def save(self, name: str, document: Any) -> None:
        path = self.path(name)
        if path is None:
            return
        text = json.dumps(document, indent=1, sort_keys=True) + "\n"
        with self._lock:
            atomic_write_text(path, text)
