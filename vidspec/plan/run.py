"""One planning run: its inputs, what it has collected so far, and the helpers its parts share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from vidspec.core.times import format_time, humanize_delta
from vidspec.plan.actions import Action
from vidspec.plan.diff import flatten
from vidspec.plan.downloads import LocalFiles
from vidspec.plan.model import PendingTask
from vidspec.project.model import Desired
from vidspec.providers.base import Capabilities, Catalog, RemoteVideo
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


class PlanRun:
    """The values one planning run reads, and the actions, pending tasks and warnings it
    collects; ``vidspec.plan.planner`` drives it, ``plan.compare`` and ``plan.remove`` add to it."""

    def __init__(
        self,
        desired: Desired,
        state: State,
        remote: Sequence[RemoteVideo] | None,
        catalog: Catalog | None,
        caps: Capabilities,
        now: datetime,
        options: PlanOptions,
        files: LocalFiles,
    ) -> None:
        self.desired = desired
        self.files = files
        self.remote = remote
        self.remote_by_id = {v.id: v for v in remote} if remote is not None else {}
        self.catalog = catalog
        self.caps = caps
        self.now = now
        self.options = options
        self.actions: list[Action] = []
        self.pending: list[PendingTask] = []
        self.warnings: list[str] = []
        self.state = state
        self.defaults = flatten(caps.spec_defaults)
        self.drift_fields = tuple(sorted(f for f in caps.listing_fields if f != caps.name_field))
        self.claimed: set[str] = set()  # ids managed or adopted in this run

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
