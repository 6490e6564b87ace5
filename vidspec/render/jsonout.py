"""The plan (or a saved plan) as its versioned JSON document, for machines and CI.

The document's shape is described in ``vidspec.plan.model`` and fixed by
``vidspec/schemas/plan.schema.json`` (a contract test validates real output against it).

``iter_json`` yields the document in pieces, one action at a time, so ``plan --json`` of
100,000 creates never holds the whole document (dicts and text) in memory at once; the pieces
join to exactly ``json.dumps(plan.to_json(), indent=2, sort_keys=True)``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from vidspec.plan.model import Plan


def render_json(plan: Plan) -> str:
    """``plan --json``: sorted keys, 2-space indent, trailing newline."""
    return "".join(iter_json(plan))


def iter_json(plan: Plan, *, full: bool = False) -> Iterator[str]:
    """``render_json`` in pieces (each action's text on its own)."""
    head = plan.to_json(full=full, actions=False)
    yield '{\n  "actions": ['
    for index, action in enumerate(plan.actions):
        text = json.dumps(action.to_json(full=full), indent=2, sort_keys=True, ensure_ascii=False)
        yield ("\n    " if index == 0 else ",\n    ") + text.replace("\n", "\n    ")
    yield "\n  ]" if plan.actions else "]"
    rest = dump(head)  # the other keys, all after "actions" in sorted order
    yield ",\n" + rest[2:] if len(head) else "\n}\n"


def dump(document: Any) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
