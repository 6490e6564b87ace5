"""The flow of ``vidspec output``: the state and what the last refresh saw, or (``refresh``)
the listing read now and kept as the last refresh (``.vidspec/observed.json``)."""

from __future__ import annotations

from dataclasses import dataclass

from vidspec.app.state_edits import view_state
from vidspec.app.workflow import counted_provider, refresh
from vidspec.core.clock import Clock
from vidspec.core.errors import UsageError
from vidspec.project.config import Project
from vidspec.state import State, open_state_store
from vidspec.state.observed import Observed, save_observed


@dataclass(frozen=True)
class Outputs:
    """The managed videos (``state``) and the statuses and links last seen (``observed``)."""

    state: State
    observed: Observed


def read_outputs(project: Project, address: str | None, *, refresh_: bool, clock: Clock) -> Outputs:
    """The state (``UsageError`` when there is none, or ``address`` is not managed) and, with
    ``refresh_``, the listing read now through the command's one provider and store."""
    store = open_state_store(project)
    view = view_state(project, store=store)
    state = view.existing()
    if address is not None and address not in state.videos:
        raise UsageError(
            f"{address} is not a managed video", "vidspec output (no ADDR) lists every one."
        )
    if not refresh_:
        return Outputs(state, view.observed)
    with counted_provider(project, clock, usage=store.usage()) as provider:
        _, remote = refresh(provider, state)
    observed = Observed.from_listing(remote, clock.now())
    save_observed(project.observed_path, observed)
    return Outputs(state, observed)
