"""Plans: action values, the ``Plan`` with its cost and safety checks, and saved plan files.

- ``actions``: ``FieldChange``, ``ActionCost`` and the action kinds (pure values).
- ``model``: ``Plan``, ``PlanCost``, ``PendingTask``, ``UnmanagedVideo``; ``Plan.check`` and
  the JSON document (pure).
- ``saved``: ``SavedPlan`` and its file (``plan -o``), ``load_saved_plan``,
  ``listing_fingerprint``.

PURE: may import the siblings' values and ``core``; no file (but the saved plan's), clock,
environment or network.
"""

from __future__ import annotations

from vidspec.plan.actions import (
    ACTION_TYPES,
    KIND_ORDER,
    Action,
    ActionCost,
    Adopt,
    Create,
    Delete,
    Download,
    FieldChange,
    Forget,
    Move,
    Regenerate,
    Rename,
)
from vidspec.plan.model import (
    PLAN_FORMAT_VERSION,
    PendingTask,
    Plan,
    PlanCost,
    UnmanagedVideo,
)
from vidspec.plan.saved import (
    SavedPlan,
    foreign_ids,
    listing_fingerprint,
    load_saved_plan,
    plan_schema,
    write_saved_plan,
)

__all__ = [
    "ACTION_TYPES",
    "KIND_ORDER",
    "PLAN_FORMAT_VERSION",
    "Action",
    "ActionCost",
    "Adopt",
    "Create",
    "Delete",
    "Download",
    "FieldChange",
    "Forget",
    "Move",
    "PendingTask",
    "Plan",
    "PlanCost",
    "Regenerate",
    "Rename",
    "SavedPlan",
    "UnmanagedVideo",
    "foreign_ids",
    "listing_fingerprint",
    "load_saved_plan",
    "plan_schema",
    "write_saved_plan",
]
