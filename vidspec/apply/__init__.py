"""Apply: execute a plan through a provider, inside its limits, recording every step.

- ``engine``: ``Engine`` (order, pacing, polling, state writes) and ``ApplyInput``.
- ``flight``: sending a generation and finishing it (download, old video).
- ``watching``: polling rounds, adopted tasks, lost answers found in the listing.
- ``records``: how each step changes the state (pure).
- ``waiting``: the polling schedule and what one round learns (``WaitPolicy``).
- ``downloads``: saving finished videos inside the project directory.
- ``progress``: the ``ApplyReporter`` interface the CLI renders.
- ``results``: the per-action outcome table model.
- ``run``: one apply from lock to last write (``apply_session``, ``apply_project``).
"""

from __future__ import annotations

from vidspec.apply.engine import ApplyInput, Engine
from vidspec.apply.options import EngineOptions
from vidspec.apply.progress import ApplyReporter, NullReporter, Progress
from vidspec.apply.results import ActionResult, ApplyResults, ApplyStats, Outcome
from vidspec.apply.run import (
    ApplyOutcome,
    ApplyRequest,
    ApplySession,
    apply_project,
    apply_session,
)
from vidspec.apply.waiting import WaitPolicy

__all__ = [
    "ActionResult",
    "ApplyInput",
    "ApplyOutcome",
    "ApplyReporter",
    "ApplyRequest",
    "ApplyResults",
    "ApplySession",
    "ApplyStats",
    "Engine",
    "EngineOptions",
    "NullReporter",
    "Outcome",
    "Progress",
    "WaitPolicy",
    "apply_project",
    "apply_session",
]
