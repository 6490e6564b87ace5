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
from dataclasses import replace
from datetime import datetime

from vidspec.core.addresses import natural_key, select, split_address
from vidspec.core.errors import ManifestError, Problem, UsageError
from vidspec.plan.actions import Create, Move, Regenerate
from vidspec.plan.build import create_action
from vidspec.plan.checks import catalog_problems, check_prevent_destroy, plan_cost
from vidspec.plan.compare import compare
from vidspec.plan.diff import flatten
from vidspec.plan.downloads import LocalFiles
from vidspec.plan.model import Plan, UnmanagedVideo
from vidspec.plan.pending import REASON_ADOPT, REASON_RETRY, resolve_pending
from vidspec.plan.remove import previous_ids, remove
from vidspec.plan.run import PlanOptions, PlanRun
from vidspec.project.model import Desired, DesiredVideo, MovedBlock
from vidspec.providers.base import Capabilities, Catalog, RemoteVideo
from vidspec.state.model import State, VideoRecord

REASON_NEW = "new"
__all__ = ["REASON_ADOPT", "REASON_RETRY", "PlanOptions", "plan"]


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


class _Planner(PlanRun):
    """One planning run, driven address by address: the moves first, then each address's
    pending creates, its comparison (``plan.compare``) or removal (``plan.remove``), then the
    targeting, the checks and the notes, and the Plan."""

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
        # --replace promo: every instance of a for_each definition
        managed = set(state.videos) & set(desired.videos)
        chosen = select(options.replace, managed)
        named = {split_address(a)[0] for a in chosen} | chosen
        unknown = tuple(a for a in options.replace if a not in named)
        options = replace(options, replace=tuple(sorted(chosen, key=natural_key)) + unknown)
        super().__init__(desired, state, remote, catalog, caps, now, options, files)
        self._apply_moves()
        self.claimed = set(self.state.managed_ids())

    def run(self) -> Plan:
        self._check_options()
        wanted = {} if self.options.destroy else dict(self.desired.videos)
        videos = self.state.videos
        addresses = sorted(
            set(wanted) | set(videos) | {p.address for p in self.state.pending}, key=natural_key
        )
        for address in addresses:
            self._plan_address(address, wanted.get(address), videos.get(address))
        self._targeting()
        if self.catalog is not None:
            problems = catalog_problems(self.actions, self.desired, self.catalog)
            if problems:
                raise ManifestError(problems)
        check_prevent_destroy(self.actions, self.desired)
        self._notes()
        self.warnings = list(self.desired.warnings) + self.warnings
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
            previous_ids(self, address, record, removing=want is None)
        if want is None:
            if record is not None:
                remove(self, address, record)
        elif record is None:
            self.actions.append(
                create_action(want, REASON_RETRY if retry else REASON_NEW, self.caps)
            )
        else:
            compare(self, want, record, retry)

    def _apply_moves(self) -> None:
        problems: list[Problem] = []
        for move, old, new in self._each_move():
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

    def _each_move(self) -> list[tuple[MovedBlock, str, str]]:
        """Each moved block's address pairs: ``{from: promo, to: offer}`` moves every instance
        ``promo[KEY]`` in the state to ``offer[KEY]`` (and ``promo`` itself, if managed)."""
        pairs = []
        for move in self.desired.moves:
            old, new = move.from_address, move.to_address
            pairs.append((move, old, new))
            if "[" in old or "[" in new:
                continue
            for address in sorted(self.state.videos, key=natural_key):
                name, key = split_address(address)
                if name == old and key is not None:
                    pairs.append((move, address, f"{new}[{key}]"))
        return pairs

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
        known |= {split_address(a)[0] for a in known}
        for address in self.options.targets:
            if address not in known:
                self.warnings.append(
                    f"--target {address}: no video with this address in the manifests or the state."
                )

    # --- the whole plan ------------------------------------------------------------------------

    def _targeting(self) -> None:
        targets = self.options.targets
        if not targets:
            return
        addresses = {a.address for a in self.actions} | {p.address for p in self.pending}
        moved_from = {a.from_address for a in self.actions if isinstance(a, Move)}
        chosen = select(targets, addresses | moved_from)
        self.actions = [
            a
            for a in self.actions
            if a.address in chosen or (isinstance(a, Move) and a.from_address in chosen)
        ]
        self.pending = [p for p in self.pending if p.address in chosen]
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
