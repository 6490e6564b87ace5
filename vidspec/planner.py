"""``plan()``: manifests + state + listing + catalog -> ``Plan``. Pure.

No file, network, clock or environment access here (a test parses this module's imports):
every input is a value, ``now`` included. What each action means is in
``vidspec.plan.actions``; the reasons it gives:

- create: ``new``; ``deleted outside vidspec``; ``expired after 30 days``; ``task failed: …``;
  ``task canceled``; ``previous create's outcome unknown; not found in listing``
- rename: ``video_name changed``; ``renamed outside vidspec``
- regenerate: ``<fields> changed``; ``changed outside vidspec``; ``expires in 2 days``;
  ``replacement requested``; ``<Provider> cannot rename``
- delete: ``not in any manifest``; ``destroy requested``; ``superseded by a regenerate``
- forget: ``<Provider> cannot delete``; ``already gone: …``
- move: ``moved from <old address>``
- adopt: ``previous create's outcome was unknown; found in listing``
- download: ``not saved yet``; ``download: changed from <path>``; ``file missing``;
  ``file changed`` (see ``vidspec.plan.downloads``)

A pending (write-ahead) record of a create whose answer was lost blocks a new create of its
address: if the listing holds a video with the same name and settings created after the
record, the plan *adopts* it (``Adopt``, free); if not, the address waits (shown as pending)
until ``PlanOptions.pending_grace`` (``safety.pending_grace`` of vidspec.yaml, 30 minutes by
default) has passed since the record, and is then created again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from vidspec.errors import ManifestError, Problem, UsageError
from vidspec.manifest.model import Desired, DesiredVideo
from vidspec.plan.actions import Action, Create, FieldChange, Forget, Move, Regenerate
from vidspec.plan.build import create_action, delete_action, regenerate_action, rename_action
from vidspec.plan.checks import catalog_problems, check_prevent_destroy, plan_cost
from vidspec.plan.diff import diff_flat, flatten, with_defaults
from vidspec.plan.downloads import LocalFiles, download_action
from vidspec.plan.drift import content_drift, name_change
from vidspec.plan.model import PendingTask, Plan, UnmanagedVideo
from vidspec.plan.normalize import canonical_paths, canonical_spec, respelled
from vidspec.plan.pending import REASON_ADOPT, REASON_RETRY, resolve_pending
from vidspec.providers.base import Capabilities, Catalog, RemoteVideo, TaskState
from vidspec.state.model import State, VideoRecord
from vidspec.state.times import format_time, humanize_delta

REASON_NEW = "new"
REASON_DELETED = "deleted outside vidspec"
REASON_CHANGED_OUTSIDE = "changed outside vidspec"
REASON_NOT_IN_MANIFEST = "not in any manifest"
REASON_DESTROY = "destroy requested"
REASON_REPLACE = "replacement requested"
REASON_SUPERSEDED = "superseded by a regenerate"
__all__ = ["REASON_ADOPT", "REASON_RETRY", "PlanOptions", "plan"]


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


def plan(
    desired: Desired,
    state: State,
    remote: Sequence[RemoteVideo] | None,
    catalog: Catalog | None,
    capabilities: Capabilities,
    now: datetime,
    options: PlanOptions | None = None,
    *,
    files: LocalFiles | None = None,
) -> Plan:
    """Compare what the manifests want with what exists, and say what to do about it.

    ``remote`` is the whole listing (``None``: not refreshed, plan against state alone);
    ``catalog`` ``None`` skips the catalog checks; ``files``: what is on disk at the
    ``download:`` paths the state records (``None``: not looked at, the state is trusted).
    Raises ``ManifestError`` (catalog problems at the manifest line, a ``moved`` onto a
    managed address), ``PreventDestroy``, and ``UsageError`` (``--replace`` of an unmanaged
    address).
    """
    planner = _Planner(
        desired, state, remote, catalog, capabilities, now, options or PlanOptions(), files or {}
    )
    return planner.run()


class _Planner:
    """One planning run; collects actions, pending tasks and warnings, then builds the Plan."""

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
        self._apply_moves()
        self.claimed = set(self.state.managed_ids())  # ids managed or adopted in this run

    def run(self) -> Plan:
        self._check_options()
        wanted = {} if self.options.destroy else dict(self.desired.videos)
        videos = self.state.videos
        addresses = sorted(set(wanted) | set(videos) | {p.address for p in self.state.pending})
        for address in addresses:
            self._plan_address(address, wanted.get(address), videos.get(address))
        self._targeting()
        if self.catalog is not None:
            problems = catalog_problems(self.actions, self.desired, self.catalog)
            if problems:
                raise ManifestError(problems)
        check_prevent_destroy(self.actions, self.desired)
        self._notes()
        return Plan(
            actions=tuple(self.actions),
            cost=plan_cost(
                self.actions,
                listing_size=len(self.remote) if self.remote is not None else len(videos),
                catalog=self.catalog,
                caps=self.caps,
                requests_used=self.options.requests_used,
            ),
            pending=tuple(self.pending),
            unmanaged=tuple(
                UnmanagedVideo(v.id, v.name) for v in self.remote or () if v.id not in self.claimed
            ),
            warnings=tuple(dict.fromkeys(self.warnings)),
            refreshed=self.remote is not None,
        )

    def _plan_address(
        self, address: str, want: DesiredVideo | None, record: VideoRecord | None
    ) -> None:
        retry = False
        records = self.state.pending_for(address)
        if records:
            outcome = resolve_pending(
                address,
                records,
                record,
                want,
                self.remote,
                self.claimed,
                self.caps,
                self.now,
                grace=self.options.pending_grace,
                clock_skew=self.options.clock_skew,
            )
            self.warnings += outcome.warnings
            if outcome.adopt is not None:
                self.claimed.add(outcome.adopt.video_id)
                self.actions.append(outcome.adopt)
            if outcome.task is not None:
                self.pending.append(outcome.task)
            if outcome.kind != "retry":
                return
            retry = True
        if record is not None:
            self._previous_ids(address, record, removing=want is None)
        if want is None:
            if record is not None:
                self._remove(address, record)
        elif record is None:
            self.actions.append(
                create_action(want, REASON_RETRY if retry else REASON_NEW, self.caps)
            )
        else:
            self._compare(want, record, retry)

    def _apply_moves(self) -> None:
        problems: list[Problem] = []
        for move in self.desired.moves:
            old, new = move.from_address, move.to_address
            if old not in self.state.videos:
                continue  # moved already (or never managed): nothing to do
            if new in self.state.videos:
                problems.append(
                    Problem(
                        move.location,
                        f"moved: {old} -> {new}, but {new} is already in the state",
                        f"remove the moved block, or drop {new} from the state first "
                        f"(vidspec state rm {new})",
                    )
                )
                continue
            moved = self.state.videos[old]
            self.state = self.state.moved(old, new)
            self.actions.append(
                Move(
                    address=new,
                    from_address=old,
                    reason=f"moved from {old}",
                    video_id=moved.id,
                    unchanged=len(flatten(moved.spec)),
                )
            )
        if problems:
            raise ManifestError(problems)

    def _check_options(self) -> None:
        for address in self.options.replace:
            if address not in self.state.videos or address not in self.desired.videos:
                raise UsageError(
                    f"--replace {address}: no managed video has this address",
                    "Name a video that is both in the manifests and in the state "
                    "(vidspec show lists them).",
                )
        known = set(self.desired.videos) | set(self.state.videos)
        known |= {m.from_address for m in self.desired.moves}
        for address in self.options.targets:
            if address not in known:
                self.warnings.append(
                    f"--target {address}: no video with this address in the manifests or the state."
                )

    # --- one managed video that is wanted ------------------------------------------------------

    def _compare(self, want: DesiredVideo, record: VideoRecord, retry: bool) -> None:
        seen = self.remote_by_id.get(record.id)
        finished_badly = record.status in (TaskState.FAILED, TaskState.CANCELED)
        if self.remote is not None and seen is None and not finished_badly:
            if record.status.in_flight and self._young(record.created_at):
                self._show_in_flight(want, record, record.status)
            else:
                reason = REASON_RETRY if retry else self._gone_reason(record)
                self.actions.append(create_action(want, reason, self.caps))
            return
        status = seen.state if seen is not None else record.status
        if status.in_flight:
            self._show_in_flight(want, record, status)
            return
        if status is not TaskState.DONE:
            message = (seen.message if seen is not None else None) or "no reason given"
            reason = "task canceled" if status is TaskState.CANCELED else f"task failed: {message}"
            self.actions.append(create_action(want, reason, self.caps))
            return

        # Both bodies in one spelling (an alias such as CDNvideo's older ``circle:`` as the
        # documented fields): the listing reports only that one, and the spellings are equal.
        aliases = self.caps.spec_aliases
        ignored = canonical_paths(want.lifecycle.ignore_changes, aliases)
        flat_applied = flatten(canonical_spec(record.spec, aliases))
        flat_wanted = flatten(canonical_spec(want.spec, aliases))
        changes, unchanged = diff_flat(
            flat_applied, flat_wanted, defaults=self.defaults, ignored=ignored
        )
        generation = [c for c in changes if c.path != self.caps.name_field]
        drift = []
        if seen is not None and seen.spec:
            drift = content_drift(
                with_defaults(flat_applied, self.defaults),
                flatten(seen.spec),
                flat_wanted,
                fields=self.drift_fields,
                defaults=self.defaults,
                ignored=ignored,
                skip={c.path for c in generation},
            )
        if aliases:
            specs = (want.spec, record.spec)
            generation = [respelled(c, specs, aliases) for c in generation]
            drift = [respelled(c, specs, aliases) for c in drift]
        reasons = [f"{', '.join(c.path for c in generation)} changed"] if generation else []
        if drift:
            reasons.append(REASON_CHANGED_OUTSIDE)
        if want.address in self.options.replace:
            reasons.append(REASON_REPLACE)
        # Only an expiry: the old video would vanish anyway (prevent_destroy allows this).
        renewal = not reasons
        expiry = self._expiry_reason(want, record)
        if expiry:
            reasons.append(expiry)
        named = name_change(record.spec, seen, want.spec, self.caps, ignored)
        rows = sorted([*generation, *drift, *([named[0]] if named else [])], key=_by_path)
        if reasons:
            self._regenerate(want, record, "; ".join(reasons), rows, unchanged, renewal=renewal)
            return  # the new video is saved when it is done
        if named is not None and not self.caps.can_rename:
            reason = f"{self.caps.display_name} cannot rename"
            self._regenerate(want, record, reason, [named[0]], unchanged)
            return
        if named is not None:
            row, reason = named
            self.actions.append(
                rename_action(want.address, record, row, reason, unchanged, self.caps)
            )
        download = download_action(want, record, self.files)
        if download is not None:
            self.actions.append(download)

    def _expiry_reason(self, want: DesiredVideo, record: VideoRecord) -> str | None:
        before = want.lifecycle.regenerate_before_expiry
        if before is None:
            return None
        left = self._expires_at(record) - self.now
        return f"expires in {humanize_delta(left)}" if left <= before else None

    def _show_in_flight(self, want: DesiredVideo, record: VideoRecord, status: TaskState) -> None:
        note = "generating; not created again"
        self.pending.append(
            PendingTask(want.address, record.id, status.value, record.created_at, note)
        )
        if want.spec_hash != record.spec_hash:
            self.warnings.append(
                f"{want.address}: the manifest changed while its video is still generating; "
                f"plan again once it is done."
            )

    def _regenerate(
        self,
        want: DesiredVideo,
        record: VideoRecord,
        reason: str,
        rows: list[FieldChange],
        unchanged: int,
        *,
        renewal: bool = False,
    ) -> None:
        if not self.caps.can_delete:
            self.warnings.append(self._stays_warning(want.address, record))
        self.actions.append(
            regenerate_action(want, record, reason, rows, unchanged, self.caps, renewal=renewal)
        )

    # --- managed videos no manifest wants ------------------------------------------------------

    def _remove(self, address: str, record: VideoRecord) -> None:
        seen = self.remote_by_id.get(record.id)
        if self.remote is not None and seen is None:
            gone = "already gone: " + self._gone_reason(record)
            self.actions.append(Forget(address=address, reason=gone, video_id=record.id))
        elif not self.caps.can_delete:
            self.warnings.append(self._stays_warning(address, record))
            reason = f"{self.caps.display_name} cannot delete"
            self.actions.append(Forget(address=address, reason=reason, video_id=record.id))
        else:
            status = seen.state if seen is not None else record.status
            reason = REASON_DESTROY if self.options.destroy else REASON_NOT_IN_MANIFEST
            self.actions.append(
                delete_action(
                    address,
                    record.id,
                    reason,
                    self.caps,
                    in_flight=status.in_flight,
                    spec=record.spec,
                )
            )

    def _previous_ids(self, address: str, record: VideoRecord, *, removing: bool) -> None:
        """Old videos a regenerate superseded: delete them once the new one is done, or with
        the address when it goes (its record, and with it their ids, leaves the state)."""
        if not record.previous:
            return
        seen = self.remote_by_id.get(record.id)
        status = seen.state if seen is not None else record.status
        replacement_done = status is TaskState.DONE and (self.remote is None or seen is not None)
        if not replacement_done and not self.options.destroy and not removing:
            return
        for old in record.previous:
            if self.remote is not None and old not in self.remote_by_id:
                reason = "superseded video already gone"
                self.actions.append(
                    Forget(address=address, reason=reason, video_id=old, superseded=True)
                )
            elif self.caps.can_delete:
                self.actions.append(
                    delete_action(address, old, REASON_SUPERSEDED, self.caps, superseded=True)
                )
            else:
                reason = f"{self.caps.display_name} cannot delete the superseded video"
                listed = self.remote_by_id.get(old)
                until = listed.created_at + self.caps.retention if listed is not None else None
                self.warnings.append(self._stays(address, old, until))
                self.actions.append(
                    Forget(address=address, reason=reason, video_id=old, superseded=True)
                )

    # --- the whole plan ------------------------------------------------------------------------

    def _targeting(self) -> None:
        targets = set(self.options.targets)
        if not targets:
            return
        self.actions = [
            a
            for a in self.actions
            if a.address in targets or (isinstance(a, Move) and a.from_address in targets)
        ]
        self.pending = [p for p in self.pending if p.address in targets]
        self.warnings.append(
            "Targeting is in effect (--target): this plan may be incomplete; other changes "
            "wait for a plan without --target."
        )

    def _notes(self) -> None:
        generates = any(isinstance(a, (Create, Regenerate)) for a in self.actions)
        if self.catalog is None and generates:
            self.warnings.append(
                "The catalog was not read (--no-refresh): voices, actors and sizes of new "
                "videos were not checked."
            )
        if self.remote is None:
            self.warnings.insert(
                0,
                "Not refreshed (--no-refresh): this plan compares the manifests with the state "
                "only; videos changed, deleted or expired outside vidspec are not seen.",
            )
        elif not self.caps.listing_fields and self.state.videos:
            self.warnings.append(
                f"{self.caps.display_name}'s listing reports no video settings: changes made "
                f"outside vidspec are seen in names only; the plan compares with the state."
            )

    def _expires_at(self, record: VideoRecord) -> datetime:
        return record.expires_at or record.created_at + self.caps.retention

    def _gone_reason(self, record: VideoRecord) -> str:
        if self._expires_at(record) <= self.now:
            return f"expired after {humanize_delta(self.caps.retention)}"
        return REASON_DELETED

    def _young(self, since: datetime) -> bool:
        return self.now - since < self.options.pending_grace

    def _stays_warning(self, address: str, record: VideoRecord) -> str:
        return self._stays(address, record.id, self._expires_at(record))

    def _stays(self, address: str, video_id: str, until: datetime | None) -> str:
        """A video the provider cannot delete: it stays until it expires (``until``, when its
        creation time is known), and vidspec stops managing it."""
        kept = f"{humanize_delta(self.caps.retention)} after it was made"
        when = f"{format_time(until)}, {kept}" if until is not None else kept
        return (
            f"{address}: {self.caps.display_name} cannot delete videos; {video_id} stays in "
            f"the account until it expires ({when}), and vidspec stops managing it."
        )


def _by_path(change: FieldChange) -> str:
    return change.path
