"""The engine's options (``--no-wait``, ``--fail-fast`` and the waiting policy)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from vidspec.engine.waiting import WaitPolicy


@dataclass(frozen=True)
class EngineOptions:
    """``wait``: poll until generations finish (``--no-wait``: False). ``fail_fast``: start
    nothing new after the first failure. ``rate_limited_retries``: 429s on one create before
    it counts as failed. ``clock_skew``: tolerance when matching a lost create's video by its
    creation time (as the planner does)."""

    wait: bool = True
    fail_fast: bool = False
    policy: WaitPolicy = field(default_factory=WaitPolicy)
    rate_limited_retries: int = 20
    clock_skew: timedelta = timedelta(minutes=2)
