"""The monthly request ledger: ``MonthlyUsage`` counts the API requests this project has spent
per UTC month, in ``.vidspec/usage.json`` (local, git-ignored, so a ``plan`` in CI leaves
tracked files alone)::

    {"2026-11": 312}

Every command that talks to the provider adds each request as it is sent (``open_provider``;
a killed run's requests still count), and at its end whatever could not be added then
(``plan`` and ``apply`` alike), so the plan's cost line can say "312 of 1500 used this month"
and refuse a plan that would go over the cap. The count is what *this* project spent from this
machine; the service's own counter is the authority, this is the best local estimate.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path

import filelock

from vidspec.core.atomic import atomic_write_text
from vidspec.core.errors import StateCorrupt, StateError

__all__ = ["MonthlyUsage", "month_key"]


def month_key(now: datetime) -> str:
    """``2026-11``: the UTC month ``now`` falls in."""
    return now.astimezone(timezone.utc).strftime("%Y-%m")


class MonthlyUsage:
    """The per-month request count in ``path``. Read-modify-write under its own small lock,
    so a plan and an apply running side by side do not lose each other's counts."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # "lock.usage" beside it: matched by the `.vidspec/lock*` line `vidspec init` ignores.
        self._lock_path = path.with_name("lock.usage")

    def used(self, now: datetime) -> int:
        """Requests counted for the month of ``now`` (0 when the file does not exist)."""
        return self._read().get(month_key(now), 0)

    def add(self, count: int, now: datetime, *, durable: bool = True) -> int:
        """Add ``count`` requests to the month of ``now``; returns that month's new total.
        ``durable=False``: no fsync (a count written after each request, see ``open_provider``)."""
        if count < 0:
            raise ValueError("a request count cannot be negative")
        key = month_key(now)
        if count == 0:
            return self.used(now)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with filelock.FileLock(str(self._lock_path), timeout=30):
                counts = self._read()
                counts[key] = counts.get(key, 0) + count
                text = json.dumps(counts, indent=2, sort_keys=True) + "\n"
                atomic_write_text(self.path, text, durable=durable)
        except filelock.Timeout as exc:
            raise StateError(
                f"{self._lock_path} stayed locked for 30 seconds",
                "Another vidspec process is updating the request count; try again.",
            ) from exc
        except OSError as exc:
            raise StateError(f"cannot write {self.path}: {exc.strerror or exc}") from exc
        return counts[key]

    def counts(self) -> dict[str, int]:
        """Every month's count."""
        return self._read()

    def flush(self) -> None:
        """Nothing to do: every ``add`` writes the file."""

    def merge(self, counts: Mapping[str, int]) -> None:
        """Raise each month to at least ``counts[month]`` (``state migrate``; never lowers)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with filelock.FileLock(str(self._lock_path), timeout=30):
                current = self._read()
                for month, value in counts.items():
                    current[month] = max(current.get(month, 0), value)
                atomic_write_text(self.path, json.dumps(current, indent=2, sort_keys=True) + "\n")
        except filelock.Timeout as exc:
            raise StateError(f"{self._lock_path} stayed locked for 30 seconds") from exc
        except OSError as exc:
            raise StateError(f"cannot write {self.path}: {exc.strerror or exc}") from exc

    def _read(self) -> dict[str, int]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as exc:
            raise self._corrupt(f"cannot be read ({exc})") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise self._corrupt(f"is not valid JSON ({exc.msg}, line {exc.lineno})") from exc
        except RecursionError as exc:  # thousands of nested brackets
            raise self._corrupt("is not a map of month to count: it is nested too deeply") from exc
        if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and v >= 0
            for k, v in data.items()
        ):
            raise self._corrupt('is not a map of month to count, like {"2026-11": 312}')
        return dict(data)

    def _corrupt(self, what: str) -> StateCorrupt:
        return StateCorrupt(
            f"{self.path} {what}",
            "It only holds this machine's count of API requests per month; delete it to start "
            "counting from zero (the service's own count is not affected).",
        )
