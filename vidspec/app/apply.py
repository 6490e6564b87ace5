"""One apply, from the lock to the last state write: the steps the CLI calls, in order.

``apply_session`` takes the project lock for the whole run. Inside it, ``ApplySession``:

- ``plan(request)`` plans through ``vidspec.app.workflow.make_plan`` (reading the state through
  the held lock), or ``load(path)`` reads a saved plan and refuses it as stale when the
  state's lineage or serial, or the listing's fingerprint, moved since it was made;
- ``check(work, force)``: the plan's quota and safety checks (``--force`` lifts safety caps);
- ``execute(work, ...)`` runs the engine.

The session opens ONE provider (on first use) and plans, checks a saved plan and applies
with it: one login, one pacing, one sandbox. When the session ends, every request its
provider made is added to the month's count (``.vidspec/usage.json``), also after an error
or Ctrl-C. ``apply_project`` is the whole
non-interactive sequence (``--auto-approve``), for library use and tests.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from vidspec.app.backend_switch import remember_state_place
from vidspec.app.providers import open_provider
from vidspec.app.workflow import PlanRequest, ProviderUse, make_plan, refresh
from vidspec.core.clock import Clock
from vidspec.core.errors import PlanError, VidspecError
from vidspec.engine.engine import ApplyInput, Engine
from vidspec.engine.progress import ApplyReporter
from vidspec.engine.results import ApplyResults
from vidspec.engine.waiting import EngineOptions
from vidspec.plan import foreign_ids, load_saved_plan
from vidspec.plan.planner import NOTE_LISTING_SETTINGS, PlanOptions, listing_note
from vidspec.plan.stale import check_listing, check_origin, check_state
from vidspec.project.config import Project
from vidspec.project.loader import load_desired
from vidspec.providers.base import Provider
from vidspec.state import StateStore, backend_name, open_state_store, provider_ref
from vidspec.state.observed import Observed, load_observed, save_observed

ProviderFactory = Callable[[Project, Mapping[str, str], Clock], Provider]
"""Opens the provider apply drives (default: ``open_provider``). Tests and benchmarks pass
their own, e.g. a client with shrunk limits."""


def default_provider(project: Project, environ: Mapping[str, str], clock: Clock) -> Provider:
    return open_provider(project, environ=environ, clock=clock)


@dataclass(frozen=True)
class ApplyRequest:
    """What ``vidspec apply`` (or ``destroy``) was asked to do."""

    plan_file: Path | None = None
    targets: tuple[str, ...] = ()
    replace: tuple[str, ...] = ()
    destroy: bool = False
    force: bool = False
    lock_timeout: float = 0.0
    command: str = "vidspec apply"
    engine: EngineOptions = field(default_factory=EngineOptions)
    planning: PlanOptions | None = None  # tolerances; None: safety.pending_grace of vidspec.yaml


class ApplySession:
    """The steps of one apply, under a lock held by ``apply_session``."""

    def __init__(
        self,
        project: Project,
        store: StateStore,
        clock: Clock,
        environ: Mapping[str, str],
        provider_factory: ProviderFactory,
    ) -> None:
        self.project = project
        self.store = store
        self.clock = clock
        self.environ = environ
        self._factory = provider_factory
        self._use: ProviderUse | None = None

    @property
    def provider(self) -> Provider:
        """The session's one provider, opened on first use."""
        return self._opened().provider

    def _opened(self) -> ProviderUse:
        if self._use is None:
            provider = self._factory(self.project, self.environ, self.clock)
            self._use = ProviderUse(self.project, provider, self.clock, self.store.usage())
        return self._use

    def plan(self, request: ApplyRequest) -> ApplyInput:
        """Plan now (listing, catalog, manifests, state), for the engine."""
        result = make_plan(
            self.project,
            PlanRequest(
                targets=request.targets,
                replace=request.replace,
                destroy=request.destroy,
                lock_timeout=request.lock_timeout,
                command=request.command,
                options=request.planning,
            ),
            self.clock,
            environ=self.environ,
            store=self.store,
            use=self._opened(),
        )
        return ApplyInput(
            plan=result.plan,
            state=result.state,
            desired=result.desired,
            remote=result.remote,
            destroy=request.destroy,
        )

    def load(self, path: Path, shown: str | None = None) -> ApplyInput:
        """A saved plan (``vidspec plan -o``), if it still matches the state and the listing;
        ``StalePlan`` otherwise."""
        shown = shown or str(path)
        saved = load_saved_plan(path)
        check_origin(saved, provider_ref(self.project), backend_name(self.project), shown=shown)
        state = self.store.load()
        check_state(saved, state, shown=shown, location=self.store.location)
        desired = load_desired(self.project)
        _, remote = refresh(self.provider, state)
        save_observed(self.project.observed_path, Observed.from_listing(remote, self.clock.now()))
        check_listing(saved, remote, shown=shown)
        foreign = foreign_ids(saved.plan, state, {video.id for video in remote})
        if foreign:
            raise PlanError(
                f"{shown} names videos the state does not manage at those addresses:\n  "
                + "\n  ".join(foreign),
                "A plan file is applied as `vidspec plan -o` wrote it; make a new plan "
                f"(vidspec plan -o {shown}), review it, and apply that file.",
            )
        return ApplyInput(
            plan=saved.plan,
            state=state,
            desired=desired,
            remote=tuple(remote),
            forced=saved.forced,
            destroy=saved.destroy,
        )

    def check(self, work: ApplyInput, *, force: bool) -> None:
        """The plan's quota checks, and its safety caps unless ``force`` (or the saved plan was
        made with ``--force``)."""
        work.plan.check(self.project.safety, force=force or work.forced)

    def execute(
        self,
        work: ApplyInput,
        *,
        options: EngineOptions | None = None,
        reporter: ApplyReporter | None = None,
        stop: threading.Event | None = None,
    ) -> ApplyResults:
        engine = Engine(
            provider=self.provider,
            store=self.store,
            root=self.project.root,
            clock=self.clock,
            reporter=reporter,
            options=options,
            stop=stop,
        )
        results = engine.run(work)
        self._observed(results)
        if results.state_error is None:  # a state that cannot be written is not written again
            self._note_shown(work)
            remember_state_place(self.project, self.store)  # the first videos of a new backend
        return results

    def _observed(self, results: ApplyResults) -> None:
        """Keep the links of the videos apply saw finish (the listing it polls carries them),
        so ``vidspec output`` and ``state show`` have them as soon as apply ends (issue 19)."""
        if results.seen:
            path = self.project.observed_path
            save_observed(path, load_observed(path).with_videos(results.seen.values()))

    def _note_shown(self, work: ApplyInput) -> None:
        """The user has seen the once-per-project note this plan carried: record it, so the
        next plans do not repeat it."""
        if listing_note(self.provider.capabilities) not in work.plan.warnings:
            return
        state = self.store.load()
        if NOTE_LISTING_SETTINGS not in state.notes_shown:
            self.store.save(state.with_note_shown(NOTE_LISTING_SETTINGS))

    def close(self) -> None:
        """Close the provider and count its requests (always, also after an error)."""
        use, self._use = self._use, None
        if use is not None:
            use.close()


@contextlib.contextmanager
def apply_session(
    project: Project,
    *,
    command: str,
    lock_timeout: float,
    clock: Clock,
    environ: Mapping[str, str] | None = None,
    provider_factory: ProviderFactory | None = None,
) -> Iterator[ApplySession]:
    """Hold the project lock (``LockHeld`` naming the holder, after ``lock_timeout`` seconds)
    for one apply, and count its requests when it ends."""
    store = open_state_store(project, clock=clock)
    with store.lock(command, timeout=lock_timeout):
        session = ApplySession(
            project,
            store,
            clock,
            os.environ if environ is None else environ,
            provider_factory or default_provider,
        )
        try:
            yield session
        finally:
            with contextlib.suppress(VidspecError):
                session.close()


@dataclass(frozen=True)
class ApplyOutcome:
    """What ``apply_project`` planned (or loaded) and what it did (``None``: no changes)."""

    work: ApplyInput
    results: ApplyResults | None


def apply_project(
    project: Project,
    request: ApplyRequest,
    clock: Clock,
    *,
    environ: Mapping[str, str] | None = None,
    provider_factory: ProviderFactory | None = None,
    reporter: ApplyReporter | None = None,
    stop: threading.Event | None = None,
) -> ApplyOutcome:
    """Plan (or load ``request.plan_file``), check, and apply without asking: ``apply
    --auto-approve`` as a function."""
    with apply_session(
        project,
        command=request.command,
        lock_timeout=request.lock_timeout,
        clock=clock,
        environ=environ,
        provider_factory=provider_factory,
    ) as session:
        if request.plan_file is not None:
            work = session.load(request.plan_file)
        else:
            work = session.plan(request)
        if not work.has_work:
            return ApplyOutcome(work, None)
        session.check(work, force=request.force)
        results = session.execute(work, options=request.engine, reporter=reporter, stop=stop)
        return ApplyOutcome(work, results)


__all__ = [
    "ApplyOutcome",
    "ApplyRequest",
    "ApplySession",
    "ProviderFactory",
    "apply_project",
    "apply_session",
    "default_provider",
]
