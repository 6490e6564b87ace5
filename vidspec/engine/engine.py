"""The apply engine: runs a ``Plan`` through a provider, in order, paced, recorded as it goes.

Order: moves, adopts, renames, then deletes and forgets (a regenerate's superseded videos
first), then downloads of finished videos, all state-only or one call each; then creates and
regenerates, one generation POST at a time inside ``capabilities.generation_rate``, polling
for what is in flight between them.

One thread, one loop, one injected clock: the loop submits the next generation when the
token bucket allows, runs a polling round when one is due, and otherwise sleeps until the
earlier of the two. Every result is written to the state at once (``vidspec.engine.records``
says how), so a crash at any moment leaves a state the next plan can finish from.

Failures stay local: an action that fails is reported and its address's later actions are
skipped; other videos go on (``fail_fast`` stops starting new work instead). A refusal that
would fail every generation (credentials, quota) stops generations only. Ctrl-C (the ``stop``
event, or a ``KeyboardInterrupt``) stops starting calls; what was sent is recorded.
"""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

from vidspec.core.clock import Clock
from vidspec.core.errors import (
    AuthError,
    DownloadWriteError,
    NotFound,
    ProviderError,
    QuotaExhausted,
    StateError,
)
from vidspec.engine import records
from vidspec.engine.downloads import DownloadPathError, save_video
from vidspec.engine.flight import LOST, Flight
from vidspec.engine.options import EngineOptions
from vidspec.engine.progress import ApplyReporter, NullReporter, Progress
from vidspec.engine.results import ActionResult, ApplyResults, Outcome, result_of
from vidspec.engine.waiting import PollSchedule, Watcher
from vidspec.engine.watching import WatchOps
from vidspec.plan.actions import (
    Action,
    Adopt,
    Create,
    Delete,
    Download,
    Forget,
    Move,
    Regenerate,
    Rename,
)
from vidspec.plan.model import Plan
from vidspec.project.model import Desired
from vidspec.providers.base import Provider, RemoteVideo
from vidspec.providers.pacing import TokenBucket
from vidspec.state import State, StateStore, humanize_delta

T = TypeVar("T")

_SLICE = 1.0  # longest single sleep, so a stop request is noticed within a second
_REPORTED_WAIT = 1.0  # waits longer than this are reported


@dataclass(frozen=True)
class ApplyInput:
    """What the engine executes: the plan, the state it was made against (as read under the
    lock), the manifests (for download paths), and the listing of the refresh (``None``: none).
    Finished videos to save are the plan's ``download`` actions, like everything else."""

    plan: Plan
    state: State
    desired: Desired | None = None
    remote: Sequence[RemoteVideo] | None = None
    destroy: bool = False
    forced: bool = False  # a saved plan made with --force

    @property
    def has_work(self) -> bool:
        return self.plan.has_changes


_PHASES = ("move", "adopt", "rename", "superseded", "delete", "download")


def _phase(action: Action) -> int:
    if isinstance(action, (Create, Regenerate)):
        return len(_PHASES)
    if isinstance(action, (Delete, Forget)):
        return _PHASES.index("superseded" if action.superseded else "delete")
    return _PHASES.index(action.kind)


class Engine(WatchOps):
    """One apply run. Use once: ``Engine(...).run(work)``."""

    def __init__(
        self,
        *,
        provider: Provider,
        store: StateStore,
        root: Path,
        clock: Clock,
        reporter: ApplyReporter | None = None,
        options: EngineOptions | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.provider = provider
        self.caps = provider.capabilities
        self.store = store
        self.root = root
        self.clock = clock
        self.reporter: ApplyReporter = reporter or NullReporter()
        self.options = options or EngineOptions()
        self.stop = stop or threading.Event()
        self.generations = TokenBucket(self.caps.generation_rate, clock)
        self.requests = (
            TokenBucket(self.caps.request_rate, clock) if self.caps.request_rate else None
        )
        self.schedule = PollSchedule(self.options.policy, clock)
        self.watcher = Watcher(self.options.policy)
        self.results = ApplyResults()
        self.state: State
        self.desired: Desired | None = None
        self.remote_ids: set[str] | None = None
        self.remote_by_id: dict[str, RemoteVideo] = {}
        self.flights: list[Flight] = []
        self._actions: list[Action] = []
        self._rows: dict[int, ActionResult] = {}
        self._index: dict[int, int] = {}  # id(action) -> position in the plan
        self._failed_addresses: set[str] = set()
        self._halt_generations: str | None = None
        self._halt_all: str | None = None
        self._started = clock.monotonic()
        self._total = 0
        self._listing_failures = 0
        self._rate_limited: dict[str, int] = {}
        self._retry_after_sent = False
        self._deleted_first: set[str] = set()

    # -- the run ----------------------------------------------------------------------------

    def run(self, work: ApplyInput) -> ApplyResults:
        """Execute ``work.plan``; returns one result per action (also when interrupted).

        Raises only what must stop everything: a state that cannot be written (``StateError``).
        """
        self.state = work.state
        self.desired = work.desired
        self.results.destroy = work.destroy
        if work.remote is not None:
            self.remote_by_id = {v.id: v for v in work.remote}
            self.remote_ids = set(self.remote_by_id)
            if self.requests is not None:
                # The refresh's calls just now count against the same limit: the first call
                # here waits its turn before a create's write-ahead record, not after it (a
                # crash in that wait would leave a create pending that was never sent).
                with self.requests.call():
                    pass
        dead = {p.address for p in work.plan.pending if p.state == "abandoned"}
        if dead:
            # Write-ahead records of creates that never showed up: nothing to adopt, ever. A
            # retried create (planned beside them) writes a record of its own.
            state = self.state
            for address in sorted(dead):
                state = state.without_pending(address)
            self._save(state)
        actions = self._actions = list(work.plan.actions)
        self._total = len(actions)
        self._index = {id(a): i for i, a in enumerate(actions)}
        self.reporter.started(self._progress())
        ordered = sorted(actions, key=lambda a: (_phase(a), self._index[id(a)]))
        generations: deque[Action] = deque(
            a for a in ordered if isinstance(a, (Create, Regenerate))
        )
        try:
            for action in ordered:
                if isinstance(action, (Create, Regenerate)):
                    break
                self._run_simple(action)
            self._loop(generations)
        except KeyboardInterrupt:
            self.results.interrupted = True
        finally:
            self._finish_rows()
            self.reporter.closed(self._progress())
        return self.results

    def _loop(self, queue: deque[Action]) -> None:
        while True:
            if self._stopping():
                return
            wait = float("inf")
            why, pacing = "", True
            if queue and self._may_start():
                wait, why = self._generation_wait()
                if wait <= 0:
                    action = queue.popleft()
                    if self._blocked(action):
                        continue
                    if not self._submit(action):
                        queue.appendleft(action)  # 429: it waits its turn again
                    continue
            elif queue and self._halt_all is None:
                self._not_attempted(queue, self._halt_generations or "")
            if self.flights and self.options.wait:
                self.schedule.start()
                if self._given_up():
                    return
                if self.schedule.wait_time() <= 0:
                    self._poll()
                    continue
                if self.schedule.wait_time() < wait:
                    wait, pacing = self.schedule.wait_time(), False
                    why = self._flights_text()
            elif self.flights:
                self._leave_flights()
            if wait == float("inf"):
                return
            self._sleep(wait, why, pacing=pacing)

    # -- actions that are not generations ---------------------------------------------------

    def _run_simple(self, action: Action) -> None:
        if self._stopping() or self._blocked(action):
            return
        if not self._may_start():
            self._set(action, Outcome.NOT_ATTEMPTED, self._halt_all or "")
            return
        try:
            if isinstance(action, Move):
                self._move(action)
            elif isinstance(action, Adopt):
                self._adopt(action)
            elif isinstance(action, Rename):
                self._call(lambda: self.provider.rename(action.video_id, action.name))
                self._save(
                    records.renamed(
                        self.state, action.address, action.name, action.spec, action.spec_hash
                    )
                )
                self._set(action, Outcome.DONE, f"now {action.name!r}")
            elif isinstance(action, Delete):
                self._delete(action)
            elif isinstance(action, Forget):
                self._save(self._forgotten(action))
                self._set(action, Outcome.DONE, "dropped from the state")
            elif isinstance(action, Download):
                self._download(action)
        except (ProviderError, DownloadPathError, DownloadWriteError) as exc:
            self._set(action, Outcome.FAILED, exc.message)
        except KeyboardInterrupt:
            self._set(action, Outcome.FAILED, "interrupted before the answer came")
            raise

    def _move(self, action: Move) -> None:
        if action.from_address not in self.state.videos or action.address in self.state.videos:
            self._set(action, Outcome.FAILED, "the state changed; run vidspec plan again")
            return
        self._save(self.state.moved(action.from_address, action.address))
        self._set(action, Outcome.DONE, f"from {action.from_address}")

    def _delete(self, action: Delete) -> None:
        if action.in_flight and self.caps.can_cancel:
            # A task that finished meanwhile (or is gone) refuses the cancel: the delete settles it.
            with contextlib.suppress(ProviderError):
                self._call(lambda: self.provider.cancel(action.video_id))
        gone = self._delete_remote(action.video_id)
        if action.superseded:
            self._save(records.without_previous(self.state, action.address, action.video_id))
        else:
            self._save(records.removed(self.state, action.address))
        detail = f"id {action.video_id}" + (", was already gone" if gone else "")
        self._set(action, Outcome.DONE, detail)

    def _download(self, action: Download) -> None:
        current = self.state.videos.get(action.address)
        known = current.download if current is not None and current.id == action.video_id else None
        record, _ = self._call(
            lambda: save_video(
                self.provider, action.video_id, self.root, action.download, known, self._protected
            )
        )
        self._save(records.downloaded(self.state, action.address, action.video_id, record))
        self._set(action, Outcome.DONE, action.download)  # the row says "saved" already

    def _forgotten(self, action: Forget) -> State:
        if action.superseded:
            return records.without_previous(self.state, action.address, action.video_id)
        return records.removed(self.state, action.address)

    def _delete_remote(self, video_id: str) -> bool:
        """Delete a remote video; True when it was gone already (a retried DELETE whose first
        answer was lost also ends here)."""
        try:
            self._call(lambda: self.provider.delete(video_id))
        except NotFound:
            return True
        return False

    # -- pacing, sleeping, stopping ---------------------------------------------------------

    def _call(self, fn: Callable[[], T]) -> T:
        """One provider call inside ``capabilities.request_rate`` (when the provider has one)."""
        if self.requests is None:
            return fn()
        wait = self.requests.wait_time()
        if wait > 0:
            self._sleep(wait, f"the request rate limit ({self.requests.describe()})", pacing=True)
        with self.requests.call():
            return fn()

    def _generation_wait(self) -> tuple[float, str]:
        wait = self.generations.wait_time()
        if self.generations.held_off:
            why = "the service asked to slow down (HTTP 429" + (
                " Retry-After)" if self._retry_after_sent else ")"
            )
        else:
            why = f"the generation rate limit ({self.generations.describe()})"
        if self.requests is not None and self.requests.wait_time() > wait:
            wait = self.requests.wait_time()
            why = f"the request rate limit ({self.requests.describe()})"
        return wait, why

    def _sleep(self, seconds: float, why: str, *, pacing: bool) -> None:
        if seconds > _REPORTED_WAIT:
            self.reporter.waiting(seconds, why, self._progress(), pacing=pacing)
        end = self.clock.monotonic() + seconds
        while not self.stop.is_set():
            left = end - self.clock.monotonic()
            if left <= 0:
                return
            self.clock.sleep(min(left, _SLICE))

    def _stopping(self) -> bool:
        if self.stop.is_set():
            self.results.interrupted = True
            return True
        return False

    def _may_start(self) -> bool:
        return self._halt_all is None and self._halt_generations is None

    def _blocked(self, action: Action) -> bool:
        if action.address in self._failed_addresses:
            self._set(action, Outcome.SKIPPED, "an earlier action on this video failed")
            return True
        return False

    # -- results and progress ---------------------------------------------------------------

    def _set(self, action: Action, outcome: Outcome, detail: str = "") -> None:
        key = self._index[id(action)]
        if key in self._rows:
            return
        result = result_of(action, outcome, detail)
        self._rows[key] = result
        if outcome is Outcome.FAILED:
            self._failed_addresses.add(action.address)
            if self.options.fail_fast and self._halt_all is None:
                self._halt_all = "--fail-fast: an earlier action failed"
        self.reporter.finished(result, self._progress())

    def _halt(self, exc: ProviderError) -> None:
        """A refusal that every other generation would meet too: start no more of them."""
        if isinstance(exc, (AuthError, QuotaExhausted)) and self._halt_generations is None:
            self._halt_generations = f"not sent: an earlier create was refused ({exc.message})"

    def _not_attempted(self, queue: deque[Action], why: str) -> None:
        while queue:
            self._set(queue.popleft(), Outcome.NOT_ATTEMPTED, why)

    def _finish_rows(self) -> None:
        """Every action gets its row: what is still in flight, and what never started."""
        interrupted = "interrupted (Ctrl-C)"
        for flight in self.flights:
            if flight.video_id is None:
                self._set(flight.action, Outcome.FAILED, LOST)
            else:
                why = interrupted + "; " if self.results.interrupted else ""
                self._set(
                    flight.action,
                    Outcome.SUBMITTED,
                    f"id {flight.video_id}, {why}still generating; the next plan shows it",
                )
        self.flights.clear()
        if self.results.interrupted:
            why = interrupted
        else:
            why = self._halt_all or self._halt_generations or "not reached"
        for action in self._actions:
            self._set(action, Outcome.NOT_ATTEMPTED, why)
        self.results.rows = [self._rows[i] for i in sorted(self._rows)]

    def _progress(self) -> Progress:
        elapsed = self.clock.monotonic() - self._started
        generating = sum(1 for f in self.flights if f.video_id is not None)
        return Progress.of(len(self._rows), self._total, elapsed, generating)

    def _save(self, state: State) -> None:
        try:
            self.state = self.store.save(state)
        except StateError:
            self.stop.set()  # nothing more may be done that cannot be recorded
            raise

    def _given_up(self) -> bool:
        if self.schedule.waited() < self.options.policy.max_wait:
            return False
        waited = humanize_delta(timedelta(seconds=self.options.policy.max_wait))
        for flight in list(self.flights):
            detail = (
                f"id {flight.video_id}: still generating after waiting {waited}; the next "
                f"plan shows it in flight"
                if flight.video_id
                else LOST
            )
            self._set(flight.action, Outcome.FAILED, detail)
        self.flights.clear()
        return True


__all__ = ["ApplyInput", "Engine", "EngineOptions"]
