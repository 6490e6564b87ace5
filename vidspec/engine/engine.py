"""The apply engine: runs a ``Plan`` through a provider, in order, paced, recorded as it goes.

Order: moves, adopts, renames, then deletes and forgets (a regenerate's superseded videos
first), then downloads of finished videos, all state-only or one call each; then creates and
regenerates, one generation POST at a time inside ``capabilities.generation_rate``, polling
for what is in flight between them.

One thread, one loop, one injected clock: the loop submits the next generation when the
token bucket allows, runs a polling round when one is due, and otherwise sleeps until the
earlier of the two. Every result is written to the state at once (``vidspec.engine.records``
says how), so a crash at any moment leaves a state the next plan can finish from.

The engine is a few collaborators, each with its dependencies given to its constructor:
``Gate`` (pacing waits, sleeping, Ctrl-C), ``Calls`` (the provider's calls), ``Recorder``
(the state, written after every step), ``Tally`` (one row per action, halts), ``Steps`` (the
actions that are not generations), ``Submitter`` (sending generations), ``Poller`` (polling
rounds) and ``Finisher`` (finished generations), which hands finished videos' files to a
``DownloadPool`` (a few threads beside the loop; not where every call is paced) and records
them as they land. ``Engine`` composes them for one run and drives the loop.

Failures stay local: an action that fails is reported and its address's later actions are
skipped; other videos go on (``fail_fast`` stops starting new work instead). A refusal that
would fail every generation (credentials, quota) stops generations only. Ctrl-C (the ``stop``
event, or a ``KeyboardInterrupt``) stops starting calls; what was sent is recorded.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from vidspec.core.clock import Clock
from vidspec.core.errors import StateError
from vidspec.core.videos import RemoteVideo
from vidspec.engine.calls import Calls
from vidspec.engine.context import RunContext
from vidspec.engine.fetching import DownloadPool
from vidspec.engine.finisher import Finisher
from vidspec.engine.flights import LOST, Flight, Flights
from vidspec.engine.gate import Gate
from vidspec.engine.poller import Poller
from vidspec.engine.progress import ApplyReporter, NullReporter
from vidspec.engine.records import Recorder
from vidspec.engine.results import ApplyResults, Outcome
from vidspec.engine.steps import Steps
from vidspec.engine.submitter import Submitter
from vidspec.engine.tally import Tally
from vidspec.engine.waiting import EngineOptions, PollSchedule, Watcher
from vidspec.plan.actions import Action, Create, Delete, Forget, Regenerate
from vidspec.plan.model import Plan
from vidspec.project.model import Desired
from vidspec.project.protect import ProtectedPaths
from vidspec.providers.base import Provider
from vidspec.state import State, StateStore, humanize_delta


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


def _pool(
    provider: Provider, root: Path, protected: ProtectedPaths | None
) -> DownloadPool[tuple[Flight, RemoteVideo]] | None:
    """Files fetched beside the loop; none where every call is paced (Vidnoz): there a file
    waits its turn in the loop like any other call."""
    if provider.pacing.requests is not None:
        return None
    return DownloadPool(provider, root, protected)


class Engine:
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
        self._provider = provider
        self._store = store
        self._root = root
        self._clock = clock
        self._reporter: ApplyReporter = reporter or NullReporter()
        self._options = options or EngineOptions()
        self._stop = stop or threading.Event()
        self._started = clock.monotonic()

    def run(self, work: ApplyInput) -> ApplyResults:
        """Execute ``work.plan``; returns one result per action (also when interrupted, and
        when a state write failed: the run stops there, ``results.state_error`` holds the
        error, and an action whose call went out says so rather than "not attempted")."""
        run = _Run(self, work)
        return run.execute(work.plan)


class _Run:
    """The collaborators of one run, wired together, and the loop that drives them."""

    def __init__(self, engine: Engine, work: ApplyInput) -> None:
        provider, clock, options = engine._provider, engine._clock, engine._options
        reporter = engine._reporter
        remote_by_id = {v.id: v for v in work.remote} if work.remote is not None else {}
        self.options = options
        self.results = ApplyResults(destroy=work.destroy)
        self.flights = Flights()
        self.tally = Tally(
            work.plan.actions,
            self.results,
            self.flights,
            reporter,
            options,
            clock,
            engine._started,
            provider.capabilities,
        )
        self.gate = Gate(
            provider.pacing,
            clock,
            engine._stop,
            reporter,
            self.tally.progress,
            self.results,
            generating=self.flights.count,
        )
        self.recorder = Recorder(engine._store, work.state, engine._stop)
        self.schedule = PollSchedule(
            options.policy,
            clock,
            provider.capabilities.generation_seconds,
            lambda: [flight.sent_at for flight in self.flights],
        )
        self.reporter = reporter
        self._wire(engine, work, remote_by_id)

    def _wire(self, engine: Engine, work: ApplyInput, remote_by_id: dict[str, RemoteVideo]) -> None:
        """The collaborators that send, poll and finish, each given what it works with."""
        provider, clock, options = engine._provider, engine._clock, engine._options
        caps, reporter = provider.capabilities, engine._reporter
        watcher = Watcher(options.policy)
        protected = work.desired.protected if work.desired is not None else None
        calls = Calls(provider, self.gate, engine._root, protected)
        ctx = RunContext(
            calls=calls,
            gate=self.gate,
            recorder=self.recorder,
            tally=self.tally,
            flights=self.flights,
            caps=caps,
            clock=clock,
            options=options,
            reporter=reporter,
            stats=self.results.stats,
        )
        finisher = self.finisher = Finisher(
            ctx, watcher=watcher, pool=_pool(provider, engine._root, protected)
        )
        self.steps = Steps(ctx, finisher=finisher, desired=work.desired, remote_by_id=remote_by_id)
        self.submitter = Submitter(
            ctx, remote_ids=set(remote_by_id) if work.remote is not None else None
        )
        self.poller = Poller(
            ctx,
            finisher=finisher,
            watcher=watcher,
            schedule=self.schedule,
            desired=work.desired,
            started=engine._started,
            seen=self.results.seen,
        )

    def execute(self, plan: Plan) -> ApplyResults:
        self.reporter.started(self.tally.progress())
        ordered = sorted(plan.actions, key=lambda a: (_phase(a), self.tally.position(a)))
        generations: deque[Create | Regenerate] = deque(
            a for a in ordered if isinstance(a, (Create, Regenerate))
        )
        try:
            self._drop_abandoned(plan)
            for action in ordered:
                if isinstance(action, (Create, Regenerate)):
                    break
                self.steps.run(action)
            self._loop(generations)
        except KeyboardInterrupt:
            self.results.interrupted = True
        except StateError as exc:  # nothing more may be done that could not be recorded
            self.tally.state_failed(exc)
        finally:
            try:
                self.finisher.close()  # the files fetched are recorded, also on Ctrl-C
            except StateError as exc:
                self.tally.state_failed(exc)
            finally:
                self.tally.finish()
                self.reporter.closed(self.tally.progress())
        return self.results

    def _drop_abandoned(self, plan: Plan) -> None:
        """Write-ahead records of creates that never showed up: nothing to adopt, ever. A
        retried create (planned beside them) writes a record of its own."""
        dead = {p.address for p in plan.pending if p.state == "abandoned"}
        if dead:
            state = self.recorder.state
            for address in sorted(dead):
                state = state.without_pending(address)
            self.recorder.save(state)

    def _loop(self, queue: deque[Create | Regenerate]) -> None:
        while not self.gate.stopping():
            self.finisher.collect()
            wait, why, pacing = float("inf"), "", True
            if queue and self.tally.may_start():
                wait, why = self.gate.generation_wait()
                if wait <= 0:
                    self._send(queue)
                    continue
            elif queue and self.tally.halt_all is None:
                self.tally.not_attempted(queue, self.tally.halt_generations or "")
            if self.flights and self.options.wait:
                self.schedule.start()
                if self._given_up():
                    return
                poll_wait = self.schedule.wait_time()
                if poll_wait <= 0:
                    self.poller.poll()
                    continue
                if poll_wait < wait:
                    # a generation held back by the cap on videos at once waits for these
                    held = f", for {why}" if wait == float("inf") and why else ""
                    wait, why, pacing = poll_wait, self.flights.text() + held, False
            elif self.flights:
                self._leave_flights()
            if wait == float("inf"):
                if self.finisher.fetching():
                    self.finisher.collect(block=True)  # the last files: nothing else to do
                    continue
                return
            self.gate.sleep(wait, why, pacing=pacing)

    def _send(self, queue: deque[Create | Regenerate]) -> None:
        action = queue.popleft()
        if self.tally.blocked(action):
            return
        if not self.submitter.submit(action):
            queue.appendleft(action)  # 429: it waits its turn again

    def _given_up(self) -> bool:
        policy = self.options.policy
        if self.schedule.waited() < policy.max_wait:
            return False
        waited = humanize_delta(timedelta(seconds=policy.max_wait))
        for flight in self.flights:
            detail = (
                f"id {flight.video_id}: still generating after waiting {waited}; the next "
                f"plan shows it in flight"
                if flight.video_id
                else LOST
            )
            self.tally.set(flight.action, Outcome.FAILED, detail)
        self.flights.clear()
        return True

    def _leave_flights(self) -> None:
        """``--no-wait``: what was sent is recorded; nothing is waited for."""
        for flight in self.flights:
            if flight.video_id is None:
                self.tally.set(flight.action, Outcome.FAILED, LOST)
            else:
                detail = f"id {flight.video_id}, generating; not waited for (--no-wait)"
                if flight.download:
                    detail += f", so {flight.download} is not saved"
                self.tally.set(flight.action, Outcome.SUBMITTED, detail)
        self.flights.clear()


__all__ = ["ApplyInput", "Engine", "EngineOptions"]
