"""One planning run's values: its inputs (``PlanInputs``) and what a part of it found
(``Findings``), both immutable. Each part of the planner is a function from inputs to findings;
the planner joins them in address order."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from vidspec.core.times import format_time, humanize_delta
from vidspec.core.videos import RemoteVideo
from vidspec.plan.actions import Action
from vidspec.plan.diff import flatten
from vidspec.plan.downloads import LocalFiles
from vidspec.plan.model import PendingTask
from vidspec.project.model import Desired
from vidspec.providers.base import Capabilities, Catalog
from vidspec.state.model import State, VideoRecord

REASON_DELETED = "deleted outside vidspec"


@dataclass(frozen=True)
class PlanOptions:
    """What the command line asks of the planner, plus this month's request count.

    ``targets``: only actions on these addresses (``--target``). ``replace``: regenerate these
    even if unchanged (``--replace``). ``destroy``: plan the deletion of every managed video
    (``vidspec destroy``). ``requests_used``: API requests counted this month, including the
    ones this run made. ``pending_grace``: how long an unresolved create (or a task the listing
    does not show yet) is waited for before it counts as lost. ``clock_skew``: tolerance when
    comparing our clock with the service's creation times.
    """

    targets: tuple[str, ...] = ()
    replace: tuple[str, ...] = ()
    destroy: bool = False
    requests_used: int = 0
    pending_grace: timedelta = timedelta(minutes=30)
    clock_skew: timedelta = timedelta(minutes=2)


@dataclass(frozen=True)
class PlanInputs:
    """What one planning run reads (the state after the manifests' moves), and the helpers its
    parts share. ``remote`` ``None``: not refreshed."""

    desired: Desired
    state: State
    remote: Sequence[RemoteVideo] | None
    catalog: Catalog | None
    caps: Capabilities
    now: datetime
    options: PlanOptions
    files: LocalFiles

    @cached_property
    def remote_by_id(self) -> Mapping[str, RemoteVideo]:
        return {v.id: v for v in self.remote} if self.remote is not None else {}

    @cached_property
    def defaults(self) -> dict[str, Any]:
        return flatten(self.caps.spec_defaults)

    @cached_property
    def drift_fields(self) -> tuple[str, ...]:
        caps = self.caps
        return tuple(sorted(f for f in caps.listing_fields if f != caps.name_field))

    def expires_at(self, record: VideoRecord) -> datetime:
        return record.expires_at or record.created_at + self.caps.retention

    def gone_reason(self, record: VideoRecord) -> str:
        if self.expires_at(record) <= self.now:
            return f"expired after {humanize_delta(self.caps.retention)}"
        return REASON_DELETED

    def stays_warning(self, address: str, record: VideoRecord) -> str:
        return self.stays(address, record.id, self.expires_at(record))

    def stays(self, address: str, video_id: str, until: datetime | None) -> str:
        """A video the provider cannot delete: it stays until it expires (``until``, when its
        creation time is known), and vidspec stops managing it."""
        kept = f"{humanize_delta(self.caps.retention)} after it was made"
        when = f"{format_time(until)}, {kept}" if until is not None else kept
        return (
            f"{address}: {self.caps.display_name} cannot delete videos; {video_id} stays in "
            f"the account until it expires ({when}), and vidspec stops managing it."
        )


@dataclass(frozen=True)
class Findings:
    """What one part of a planning run found: actions, tasks shown as pending, warnings."""

    actions: tuple[Action, ...] = ()
    pending: tuple[PendingTask, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    @staticmethod
    def join(parts: Iterable[Findings]) -> Findings:
        """All of ``parts``, in their order."""
        actions: list[Action] = []
        pending: list[PendingTask] = []
        warnings: list[str] = []
        for part in parts:
            actions += part.actions
            pending += part.pending
            warnings += part.warnings
        return Findings(tuple(actions), tuple(pending), tuple(warnings))
