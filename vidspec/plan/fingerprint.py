"""A plan's fingerprint: what a reviewer approved, as 64 hex characters. Pure.

The sha256 of the plan's canonical actions (address, kind, remote id, the desired spec's hash,
where a move comes from, a download's path, a saved file removed or moved, and every changed
field before -> after), plus the abandoned in-flight records apply would drop. Nothing that
varies between two runs over the same manifests, state and remote goes in: no time, no state
serial, no cost (the month's request count moves on every run), no file order (actions are
sorted by the ``Plan``).
``apply --expect-fingerprint`` compares it; the sticky PR comment carries it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from vidspec.plan.actions import Action

SHORT = 12  # characters shown in the text plan; the shortest prefix --expect-fingerprint takes


def plan_fingerprint(actions: Iterable[Action], abandoned: Iterable[tuple[str, str | None]]) -> str:
    """The fingerprint of sorted ``actions`` and the (address, remote id) of abandoned
    in-flight records: 64 lowercase hex characters. ``Plan.fingerprint`` calls it."""
    rows: list[Any] = [_action_row(a) for a in actions]
    rows += [["abandoned", address, remote_id] for address, remote_id in abandoned]
    text = json.dumps(rows, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def short_fingerprint(fingerprint: str) -> str:
    return fingerprint[:SHORT]


def _action_row(action: Action) -> list[Any]:
    files = [getattr(action, n, None) for n in ("remove_file", "file_from", "file_to")]
    return [
        action.address,
        action.kind,
        action.remote_id,
        getattr(action, "spec_hash", None),
        getattr(action, "from_address", None),
        getattr(action, "download", None),
        [[c.path, c.before, c.after] for c in action.changes],
        *([files] if any(files) else []),  # a saved file removed or moved (absent: as before)
    ]
