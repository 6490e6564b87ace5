"""The values of the lower layers that commands name: the options they build and the results
and progress they render. ``cli/`` takes them from here (the forbidden contract keeps it off
``engine``, ``plan``, ``state`` and ``providers``), so a command knows the words, not the
floors they live on."""

from __future__ import annotations

from vidspec.engine import EngineOptions
from vidspec.engine.progress import ApplyReporter, Progress
from vidspec.engine.results import ActionResult, ApplyResults, Outcome
from vidspec.plan import Plan

__all__ = [
    "ActionResult",
    "ApplyReporter",
    "ApplyResults",
    "EngineOptions",
    "Outcome",
    "Plan",
    "Progress",
]
