"""What apply did, per action: the rows of the end table and the counts of the final line.

Every action of the plan gets exactly one ``ActionResult``: ``done``, ``failed`` (with the
reason; also a call that was sent but whose outcome could not be recorded because a state
write failed), ``skipped`` (not run because an earlier action on the same video failed),
``not attempted`` (``--fail-fast``, Ctrl-C, a refusal that stops all generation, a state that
could not be written) or ``submitted`` (generating, not waited for: ``--no-wait``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from vidspec.core.errors import StateError
from vidspec.core.videos import RemoteVideo
from vidspec.plan.actions import Action


class Outcome(str, Enum):
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"
    NOT_ATTEMPTED = "not attempted"
    SUBMITTED = "submitted"


# Past participles of the final line, in its order; those after ALWAYS_COUNTED only when
# non-zero ("download": a finished video saved without generating anything).
VERBS: dict[str, str] = {
    "create": "created",
    "rename": "renamed",
    "regenerate": "regenerated",
    "delete": "deleted",
    "forget": "forgotten",
    "move": "moved",
    "adopt": "adopted",
    "download": "saved",
}
ALWAYS_COUNTED = ("create", "rename", "regenerate", "delete")


@dataclass(frozen=True)
class Made:
    """The video a finished action left: its id, the service's link and when it expires (as
    the state records it), the file apply saved (relative to the project), its length. The event
    stream (``apply --json``) and the PR comment show these as values, not as words."""

    video_id: str
    url: str | None = None
    expires_at: datetime | None = None
    file: str | None = None
    duration: float | None = None  # the video's length in seconds, as the service reports it


@dataclass(frozen=True)
class ActionResult:
    """One row of the end table. ``detail``: the new id, the saved file, or why it failed;
    ``made``: the finished video, when the action generated or saved one."""

    address: str
    kind: str
    outcome: Outcome
    detail: str = ""
    remote_id: str | None = None
    made: Made | None = None


@dataclass
class ApplyStats:
    """The requests apply made, for the benchmark and tests (excluding the plan's refresh)."""

    generation_posts: int = 0
    rate_limited: int = 0
    listing_calls: int = 0
    status_calls: int = 0
    poll_times: list[float] = field(default_factory=list)  # seconds since the run started


@dataclass
class ApplyResults:
    """The results of one apply, in the order of the plan's actions."""

    rows: list[ActionResult] = field(default_factory=list)
    interrupted: bool = False
    stats: ApplyStats = field(default_factory=ApplyStats)
    destroy: bool = False
    # The videos polling saw finish, by id, as the listing reported them (status, link): what
    # ``vidspec output`` shows right after apply (``.vidspec/observed.json``, kept by app).
    seen: dict[str, RemoteVideo] = field(default_factory=dict)
    # A state write that failed: the run stopped there (the rows say what was sent); the
    # command reports it after the table.
    state_error: StateError | None = None

    def count(self, outcome: Outcome, kind: str | None = None) -> int:
        return sum(
            1 for r in self.rows if r.outcome is outcome and (kind is None or r.kind == kind)
        )

    @property
    def failed(self) -> list[ActionResult]:
        return [r for r in self.rows if r.outcome is Outcome.FAILED]

    @property
    def ok(self) -> bool:
        """Nothing failed, nothing was left out by an interruption, and every state write
        landed."""
        return not self.failed and not self.interrupted and self.state_error is None

    def done_counts(self) -> dict[str, int]:
        """Done actions by kind, every kind present (0 when none)."""
        return {kind: self.count(Outcome.DONE, kind) for kind in VERBS}


def result_of(
    action: Action, outcome: Outcome, detail: str = "", made: Made | None = None
) -> ActionResult:
    return ActionResult(action.address, action.kind, outcome, detail, action.remote_id, made)
