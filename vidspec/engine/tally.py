"""The results of a run as they come: one row per action, and what stops further work.

``Tally.set`` gives an action its row once (later calls for it are ignored) and tells the
reporter. A failure blocks the later actions of its address; ``--fail-fast`` halts all new
work; a refusal every generation would meet (credentials, quota) halts generations only.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import TypeVar

from vidspec.core.clock import Clock
from vidspec.core.errors import AuthError, ProviderError, QuotaExhausted, StateError
from vidspec.engine.flights import LOST, Flights
from vidspec.engine.progress import ApplyReporter, Progress
from vidspec.engine.results import ActionResult, ApplyResults, Made, Outcome, result_of
from vidspec.engine.waiting import EngineOptions
from vidspec.plan.actions import Action, Create, Regenerate
from vidspec.plan.duration import time_left
from vidspec.providers.base import Capabilities

_INTERRUPTED = "interrupted (Ctrl-C)"
UNRECORDED = "its outcome could not be recorded (state write failed): the next plan resolves it"

A = TypeVar("A", bound=Action)


class Tally:
    """Rows of ``actions`` (in plan order) into ``results``, reported as they are set."""

    def __init__(
        self,
        actions: Sequence[Action],
        results: ApplyResults,
        flights: Flights,
        reporter: ApplyReporter,
        options: EngineOptions,
        clock: Clock,
        started: float,
        caps: Capabilities,
    ) -> None:
        self._actions = list(actions)
        self._caps = caps
        self._generations = sum(isinstance(a, (Create, Regenerate)) for a in self._actions)
        self._index = {id(a): i for i, a in enumerate(self._actions)}
        self._rows: dict[int, ActionResult] = {}
        self._begun: dict[int, str] = {}  # actions under way ("sent"...) whose row is not set
        self._failed_addresses: set[str] = set()
        self._results = results
        self._flights = flights
        self._reporter = reporter
        self._options = options
        self._clock = clock
        self._started = started
        self.halt_generations: str | None = None
        self.halt_all: str | None = None

    def position(self, action: Action) -> int:
        """Where ``action`` stands in the plan."""
        return self._index[id(action)]

    def set(
        self, action: Action, outcome: Outcome, detail: str = "", made: Made | None = None
    ) -> None:
        key = self._index[id(action)]
        if key in self._rows:
            return
        result = result_of(action, outcome, detail, made)
        self._rows[key] = result
        if outcome is Outcome.FAILED:
            self._failed_addresses.add(action.address)
            if self._options.fail_fast and self.halt_all is None:
                self.halt_all = "--fail-fast: an earlier action failed"
        self._reporter.finished(result, self.progress())

    def begun(self, action: Action, what: str = "sent") -> None:
        """``action``'s call is about to go out (a POST, PATCH, DELETE, a file; or an adopted
        video is watched): if its row is never set (a state write failed first), the row says
        ``what`` happened, not "not attempted"."""
        self._begun[self._index[id(action)]] = what

    def state_failed(self, exc: StateError) -> None:
        """A state write failed: the run stops; ``finish`` says what was sent."""
        if self._results.state_error is None:
            self._results.state_error = exc

    def halt(self, exc: ProviderError) -> None:
        """A refusal that every other generation would meet too: start no more of them."""
        if isinstance(exc, (AuthError, QuotaExhausted)) and self.halt_generations is None:
            self.halt_generations = f"not sent: an earlier create was refused ({exc.message})"

    def may_start(self) -> bool:
        return self.halt_all is None and self.halt_generations is None

    def blocked(self, action: Action) -> bool:
        """True (and the row set) when an earlier action on the same video failed."""
        if action.address in self._failed_addresses:
            self.set(action, Outcome.SKIPPED, "an earlier action on this video failed")
            return True
        return False

    def not_attempted(self, queue: deque[A], why: str) -> None:
        while queue:
            self.set(queue.popleft(), Outcome.NOT_ATTEMPTED, why)

    def progress(self) -> Progress:
        """Where the run stands; the time left is the plan's model (``plan.duration``) for
        the generations not sent yet and the newest one in flight, on the engine's clock."""
        now = self._clock.monotonic()
        flights = self._flights
        unsent = max(0, self._generations - flights.generations_sent)
        newest = flights.last_sent if flights else None
        done, total = len(self._rows), len(self._actions)
        left = None
        if done < total:
            left = time_left(unsent, None if newest is None else now - newest, self._caps)
        generating = len(flights.known_ids())
        return Progress(done, total, now - self._started, left, generating)

    def finish(self) -> None:
        """Every action gets its row: what is still in flight, and what never started."""
        interrupted = self._results.interrupted
        for flight in self._flights:
            if flight.video_id is None:
                self.set(flight.action, Outcome.FAILED, LOST)
            else:
                why = _INTERRUPTED + "; " if interrupted else ""
                self.set(
                    flight.action,
                    Outcome.SUBMITTED,
                    f"id {flight.video_id}, {why}still generating; the next plan shows it",
                )
        self._flights.clear()
        failed_write = self._results.state_error
        if interrupted:
            why = _INTERRUPTED
        elif failed_write is not None:
            why = f"not started: the state could not be written ({failed_write.message})"
        else:
            why = self.halt_all or self.halt_generations or "not reached"
        for index, action in enumerate(self._actions):
            if failed_write is not None and index in self._begun:
                self.set(action, Outcome.FAILED, f"{self._begun[index]}; {UNRECORDED}")
            else:
                self.set(action, Outcome.NOT_ATTEMPTED, why)
        self._results.rows = [self._rows[i] for i in sorted(self._rows)]
