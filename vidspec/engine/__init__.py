"""The apply engine: execute a plan through a provider, inside its limits, recording every step.

- ``engine``: ``Engine`` (order, pacing, polling, state writes) and ``ApplyInput``.
- ``flight``: sending a generation and finishing it (download, old video).
- ``watching``: polling rounds, adopted tasks, lost answers found in the listing.
- ``records``: how each step changes the state (pure).
- ``waiting``: the polling schedule and what one round learns (``WaitPolicy``).
- ``downloads``: saving finished videos inside the project directory.
- ``progress``: the ``ApplyReporter`` interface the CLI renders.
- ``results``: the per-action outcome table model.
- ``localfiles``: the download targets on disk (what is there, its sha256).

One apply from lock to last write (``apply_session``, ``apply_project``) is composed in
``vidspec.app.apply``.
"""

from __future__ import annotations

from vidspec.engine.engine import ApplyInput, Engine
from vidspec.engine.options import EngineOptions
from vidspec.engine.progress import ApplyReporter, NullReporter, Progress
from vidspec.engine.results import ActionResult, ApplyResults, ApplyStats, Outcome
from vidspec.engine.waiting import WaitPolicy

__all__ = [
    "ActionResult",
    "ApplyInput",
    "ApplyReporter",
    "ApplyResults",
    "ApplyStats",
    "Engine",
    "EngineOptions",
    "NullReporter",
    "Outcome",
    "Progress",
    "WaitPolicy",
]
