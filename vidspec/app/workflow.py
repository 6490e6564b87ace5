"""The application layer the CLI calls: the side effects around the pure planner, in order.

``make_plan`` loads the manifests, reads the state (under the lock, briefly: ``plan`` never
writes it), asks the provider for its catalog and listing, looks at the ``download:`` files the
state recorded (``vidspec.engine.localfiles``), plans, and adds the requests it spent to the month's
count in ``.vidspec/usage.json``. ``apply`` (and ``destroy``) build on
the same ``PlanResult``; ``save_plan`` writes it for ``apply FILE``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from vidspec.app.backend_switch import refuse_stranded_state, remember_state_place
from vidspec.app.catalog_cache import keep_catalog, reusable_catalog
from vidspec.app.providers import open_provider, usage_listener
from vidspec.core.clock import Clock
from vidspec.core.errors import VidspecError
from vidspec.core.videos import RemoteVideo
from vidspec.engine.localfiles import local_files
from vidspec.plan import Plan, SavedPlan, listing_fingerprint, load_saved_plan, write_saved_plan
from vidspec.plan.planner import PlanOptions, plan
from vidspec.project.config import Project
from vidspec.project.loader import load_desired
from vidspec.project.model import Desired
from vidspec.providers.base import Capabilities, Catalog, Provider
from vidspec.providers.refresh import read_remote
from vidspec.state import (
    ProviderRef,
    State,
    StateStore,
    UsageCounter,
    backend_name,
    open_state_store,
    provider_ref,
)
from vidspec.state.observed import Observed, save_observed

__all__ = [
    "PlanRequest",
    "PlanResult",
    "ProviderUse",
    "make_plan",
    "read_saved_plan",
    "refresh",
    "save_plan",
]


@dataclass(frozen=True)
class PlanRequest:
    """What the command line asks for (``plan``, and ``apply``/``destroy`` planning first).

    ``command`` names the holder in the lock note; ``lock_timeout`` is in seconds. ``options``
    (library and tests only) replaces the planner's tolerances (``pending_grace``,
    ``clock_skew``); ``None`` takes ``safety.pending_grace`` of vidspec.yaml.
    """

    targets: tuple[str, ...] = ()
    replace: tuple[str, ...] = ()
    refresh: bool = True
    refresh_catalog: bool = False  # read the catalog even when a kept one may be reused
    destroy: bool = False
    lock_timeout: float = 0.0
    command: str = "vidspec plan"
    options: PlanOptions | None = None


@dataclass(frozen=True)
class PlanResult:
    """A plan and everything it was made from (apply executes it against the same values)."""

    plan: Plan
    desired: Desired
    state: State
    remote: tuple[RemoteVideo, ...] | None
    catalog: Catalog | None
    capabilities: Capabilities
    provider: ProviderRef
    requests: int  # API requests this run made (already added to usage.json)
    created_at: datetime
    request: PlanRequest
    backend: str = "local"  # where the state lives (``backend_name``), recorded in saved plans

    @property
    def remote_fingerprint(self) -> str | None:
        return None if self.remote is None else listing_fingerprint(self.remote)

    def saved(self, *, forced: bool = False) -> SavedPlan:
        return SavedPlan(
            plan=self.plan,
            # A state never written has a lineage made up on reading: record none.
            lineage=self.state.lineage if self.state.serial > 0 else None,
            serial=self.state.serial,
            provider=self.provider,
            remote_fingerprint=self.remote_fingerprint,
            created_at=self.created_at,
            forced=forced,
            targets=self.request.targets,
            replace=self.request.replace,
            backend=self.backend,
            destroy=self.request.destroy,
        )


def make_plan(
    project: Project,
    request: PlanRequest,
    clock: Clock,
    *,
    environ: Mapping[str, str] | None = None,
    store: StateStore | None = None,
    use: ProviderUse | None = None,
) -> PlanResult:
    """Plan the project: manifests, state (read only), listing and catalog -> ``PlanResult``.

    Writes nothing but the month's request count, the catalog it read
    (``.vidspec/catalog.json``, ``vidspec.app.catalog_cache``) and where the state was found
    (``.vidspec/backend.json``); refuses (``StateError``) when the configured state is empty
    and this project's state is still at another place (``vidspec.app.backend_switch``).
    Raises the ``VidspecError`` of whatever went wrong (manifest, state, lock, provider,
    planner). The state is read under the lock, taken briefly here; a caller that holds the
    lock already (apply, for its whole run) passes its ``store`` and the state is read through
    it, and its provider (``use``), which it goes on using: one provider, one state store and
    one lock per command.
    """
    desired = load_desired(project)
    store, state = _read_state(project, request, clock, store)
    if use is None:
        with counted_provider(project, clock, environ=environ, usage=store.usage()) as provider:
            catalog, remote = _refresh(project, provider, state, request, clock)
    else:
        provider = use.provider
        try:
            catalog, remote = _refresh(project, provider, state, request, clock)
        finally:
            # the month's count includes the refresh before the plan reads it (written with
            # the rest of the command's requests, at its end)
            use.count(durable=False)
    if remote is not None:
        save_observed(project.observed_path, Observed.from_listing(remote, clock.now()))
    spent = provider.ledger.total
    now = clock.now()
    options = _planner_options(project, request, store.usage().used(now))
    files = local_files(
        desired, state, project.root, targets=request.targets, destroy=request.destroy
    )
    result = plan(desired, state, remote, catalog, provider.capabilities, now, options, files=files)
    return PlanResult(
        plan=result,
        desired=desired,
        state=state,
        remote=None if remote is None else tuple(remote),
        catalog=catalog,
        capabilities=provider.capabilities,
        provider=provider_ref(project),
        requests=spent,
        created_at=now,
        request=request,
        backend=backend_name(project),
    )


def _read_state(
    project: Project, request: PlanRequest, clock: Clock, store: StateStore | None
) -> tuple[StateStore, State]:
    """The state, through ``store`` when it holds the lock already, else under the lock taken
    briefly; refused when it is empty only because it never moved to this backend."""
    if store is not None and store.holds_lock:
        state = store.load()
    else:
        store = store or open_state_store(project, clock=clock)
        with store.lock(f"{request.command} (reading the state)", timeout=request.lock_timeout):
            state = store.load()
    refuse_stranded_state(project, store, state)
    remember_state_place(project, store, state)
    return store, state


def _planner_options(project: Project, request: PlanRequest, used: int) -> PlanOptions:
    tolerances = request.options or PlanOptions(pending_grace=project.safety.pending_grace)
    return PlanOptions(
        targets=request.targets,
        replace=request.replace,
        destroy=request.destroy,
        requests_used=used,
        pending_grace=tolerances.pending_grace,
        clock_skew=tolerances.clock_skew,
    )


def _refresh(
    project: Project, provider: Provider, state: State, request: PlanRequest, clock: Clock
) -> tuple[Catalog | None, list[RemoteVideo] | None]:
    """``refresh`` as the request asks, reusing the kept catalog when it may
    (``app.catalog_cache``) and keeping the one it read."""
    if not request.refresh:
        return None, None
    kept = reusable_catalog(project, clock.now(), refresh=request.refresh_catalog)
    catalog, remote = refresh(provider, state, catalog=kept)
    if kept is None:
        keep_catalog(project, catalog, clock.now())
    return catalog, remote


def refresh(
    provider: Provider, state: State, *, catalog: Catalog | None = None
) -> tuple[Catalog, list[RemoteVideo]]:
    """``providers.refresh.read_remote`` for ``state``'s managed tasks in flight."""
    in_flight = [r.id for r in state.videos.values() if r.status.in_flight]
    return read_remote(provider, in_flight, catalog=catalog)


class ProviderUse:
    """The command's one provider, and its requests in the month's count
    (``.vidspec/usage.json``, or beside the S3 state): ``usage`` (the command's one store's)
    counts each request as it is sent, and ``count()`` writes it (S3 keeps the
    count in memory between writes) with those no listener took (sent before it was set)."""

    def __init__(
        self,
        project: Project,
        provider: Provider,
        clock: Clock,
        usage: UsageCounter,
    ) -> None:
        self.project = project
        self.provider = provider
        self.usage = usage
        provider.ledger.listener = usage_listener(self.usage, clock)
        self._clock = clock
        self._counted = 0

    def count(self, *, durable: bool = True) -> int:
        """Add every request made so far to the month's count, written now (``durable``) or
        when the count is next written; returns the month's total."""
        left = self.provider.ledger.unpersisted - self._counted
        month = self.usage.add(left, self._clock.now(), durable=durable)
        self._counted += left
        return month

    def close(self) -> None:
        """Close the provider and count its requests (always, also after an error: failed
        calls count against the monthly cap too)."""
        try:
            self.provider.close()
        finally:
            self.count()


@contextlib.contextmanager
def counted_provider(
    project: Project,
    clock: Clock,
    *,
    usage: UsageCounter,
    environ: Mapping[str, str] | None = None,
) -> Iterator[Provider]:
    """The project's provider, closed on leaving and its requests added to the month's count
    (``usage``: the command's one store's, ``store.usage()``), also when the work failed:
    failed calls count against the monthly cap too."""
    provider = open_provider(
        project, environ=os.environ if environ is None else environ, clock=clock, usage=usage
    )
    use = ProviderUse(project, provider, clock, usage)
    try:
        yield provider
    except BaseException:
        with contextlib.suppress(VidspecError):  # the first error is the one to show
            use.close()
        raise
    use.close()


def save_plan(path: Path, result: PlanResult, *, forced: bool = False) -> SavedPlan:
    """Write ``result`` as a plan file for ``apply FILE``."""
    saved = result.saved(forced=forced)
    write_saved_plan(path, saved)
    return saved


def read_saved_plan(path: Path) -> SavedPlan:
    """The plan file at ``path`` (``show PLANFILE``)."""
    return load_saved_plan(path)
