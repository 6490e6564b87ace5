"""The apply engine: execute a plan through a provider, inside its limits, recording every step.

- ``engine``: ``Engine`` (composes the parts below for one run, drives the loop), ``ApplyInput``.
- ``gate``: pacing waits (the provider's ``Pacing``), interruptible sleeps, Ctrl-C.
- ``calls``: the provider calls the engine makes, each through the gate.
- ``context``: ``RunContext``, what the collaborators below share, given once per run.
- ``records``: how each step changes the state, and the ``Recorder`` that writes it.
- ``tally``: one row per action, and what halts further work.
- ``steps``: the actions that are not generations (move, adopt, rename, delete, forget, ...).
- ``submitter``: sending a create or regenerate (write-ahead record, what the answer proves).
- ``poller``: ``Poller``, the polling rounds and lost creates found in the listing.
- ``finisher``: finished generations (file, old video, one state write).
- ``fetching``: ``DownloadPool``, finished videos' files fetched by a few threads beside the
  loop (the loop records them).
- ``flights``: the generations in flight; ``waiting``: the polling schedule (``WaitPolicy``)
  and ``EngineOptions``.
- ``downloads``: saving finished videos inside the project directory.
- ``progress``: the ``ApplyReporter`` interface the CLI renders.
- ``results``: the per-action outcome table model.
- ``localfiles``: the download targets on disk (what is there, its sha256).

One apply from lock to last write (``apply_session``, ``apply_project``) is composed in
``vidspec.app.apply``.

May import ``plan``, the siblings (``project``, ``state``, ``providers``, ...), ``http`` and
``core``.
"""

from __future__ import annotations

from vidspec.engine.engine import ApplyInput, Engine
from vidspec.engine.progress import ApplyReporter, NullReporter, Progress
from vidspec.engine.results import ActionResult, ApplyResults, ApplyStats, Outcome
from vidspec.engine.waiting import EngineOptions, WaitPolicy

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
