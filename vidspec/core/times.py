"""Times as vidspec writes them in state and plan files: UTC, ISO 8601, ``Z`` suffix."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


def format_time(value: datetime) -> str:
    """``2026-11-02T09:00:00Z``: whole seconds everywhere (state, plans, output), as a person
    reads them; the fraction of a second is dropped, as nothing vidspec decides needs it."""
    utc = value.astimezone(timezone.utc).replace(microsecond=0)
    return utc.isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_time(text: str) -> datetime:
    """The inverse of ``format_time``; raises ``ValueError`` on anything else."""
    if not isinstance(text, str):
        raise ValueError(f"expected a time string, got {type(text).__name__}")
    value = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    if value.tzinfo is None:
        raise ValueError(f"time {text!r} has no timezone")
    return value.astimezone(timezone.utc)


def humanize_delta(delta: timedelta) -> str:
    """``2 days``, ``5 hours``, ``12 minutes``: the largest whole unit, for plan reasons."""
    seconds = max(0, int(delta.total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return "less than a minute"
