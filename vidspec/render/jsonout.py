"""The plan (or a saved plan) as its versioned JSON document, for machines and CI.

The document's shape is described in ``vidspec.plan.model`` and fixed by
``vidspec/schemas/plan.schema.json`` (a contract test validates real output against it).
"""

from __future__ import annotations

import json
from typing import Any

from vidspec.plan.model import Plan


def render_json(plan: Plan) -> str:
    """``plan --json``: sorted keys, 2-space indent, trailing newline."""
    return dump(plan.to_json())


def dump(document: Any) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
