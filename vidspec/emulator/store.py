"""Persistence of an emulated service: named JSON documents in a data directory.

Each document is written whole and atomically (``vidspec.atomic``) after every change, so a
sandbox killed mid-command keeps either the old or the new world, never half of one.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from vidspec.atomic import atomic_write_text
from vidspec.errors import VidspecError


class StoreError(VidspecError):
    """A data file exists but cannot be read as the emulator wrote it."""


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
