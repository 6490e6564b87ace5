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
from vidspec.core.videos import RemoteVideo
from vidspec.plan.actions import Action, Create, Move, Regenerate
from vidspec.plan.checks import check_prevent_destroy, plan_cost, sent_problems
from vidspec.plan.compare import compare
from vidspec.plan.constructors import create_action
from vidspec.plan.diff import flatten
from vidspec.plan.downloads import LocalFiles, saved_file_intact
from vidspec.plan.duration import apply_time
from vidspec.plan.hints import import_hints, moved_hints
from vidspec.plan.inputs import Findings, PlanInputs, PlanOptions
from vidspec.plan.model import Plan, UnmanagedVideo
from vidspec.plan.pending import REASON_ADOPT, REASON_RETRY, resolve_pending
from vidspec.plan.remove import forget_removed, previous_ids, remove
from vidspec.project.model import Desired, DesiredVideo, MovedBlock
from vidspec.providers.base import Capabilities, Catalog
from vidspec.state.model import State, VideoRecord

REASON_NEW = "new"
# A once-per-project note: shown by plans until an apply that showed it records it in the
# state (``State.notes_shown``).
NOTE_LISTING_SETTINGS = "listing_settings"
__all__ = [
    "NOTE_LISTING_SETTINGS",
    "REASON_ADOPT",
    "REASON_RETRY",
    "PlanOptions",
    "listing_note",
    "plan",
]


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
    Raises ``ManifestError`` (a placeholder nothing filled and catalog problems, at the
    manifest line; a ``moved`` onto a managed address), ``PreventDestroy``, and
    ``UsageError`` (``--replace`` of an unmanaged address).

    The moves come first, then each address's pending creates, its comparison
    (``plan.compare``) or removal (``plan.remove``), then the targeting, the checks, the notes.
    Each part returns its ``Findings`` (immutable); they are joined in that order.
    """
    options = _replacing(options or PlanOptions(), desired, state)
    state, moves = _apply_moves(desired, state, files or {})
    run = PlanInputs(desired, state, remote, catalog, capabilities, now, options, files or {})
    parts = [Findings(actions=moves), Findings(warnings=_check_options(run))]
    wanted = {} if options.destroy else dict(desired.videos)
    videos = state.videos
    claimed = set(state.managed_ids())  # ids managed or adopted in this run
    addresses = sorted(
        set(wanted) | set(videos) | {p.address for p in state.pending}, key=natural_key
    )
    for address in addresses:
        parts += _plan_address(run, address, wanted.get(address), videos.get(address), claimed)
    found = _targeting(Findings.join(parts), options.targets)
    problems = sent_problems(found.actions, desired, catalog, capabilities)
    if problems:
        raise ManifestError(problems)
    check_prevent_destroy(found.actions, desired)
    cost = plan_cost(
        found.actions,
        listing_size=len(remote) if remote is not None else len(videos),
        catalog=catalog,
        caps=capabilities,
        requests_used=options.requests_used,
    )
    return Plan(
        actions=found.actions,
        cost=cost,
        apply_time=apply_time(
            cost.generation_requests, cost.api_requests, capabilities, cost.requests_cap
        ),
        pending=found.pending,
        unmanaged=tuple(UnmanagedVideo(v.id, v.name) for v in remote or () if v.id not in claimed),
        warnings=tuple(dict.fromkeys([*desired.warnings, *_notes(run, found, claimed)])),
        refreshed=remote is not None,
    )


def _plan_address(
    run: PlanInputs,
    address: str,
    want: DesiredVideo | None,
    record: VideoRecord | None,
    claimed: set[str],
) -> list[Findings]:
    """What one address needs: its pending creates resolved, then its superseded videos, its
    comparison, creation or removal. An adopted video's id joins ``claimed``."""
    parts: list[Findings] = []
    retry = False
    records = run.state.pending_for(address)
    if records:
        outcome = resolve_pending(
            address,
            records,
            record,
            want,
            run.remote,
            claimed,
            run.caps,
            run.now,
            grace=run.options.pending_grace,
            clock_skew=run.options.clock_skew,
        )
        adopted: tuple[Action, ...] = ()
        if outcome.adopt is not None:
            claimed.add(outcome.adopt.video_id)
            adopted = (outcome.adopt,)
        task = (outcome.task,) if outcome.task is not None else ()
        parts.append(Findings(adopted, task, tuple(outcome.warnings)))
        if outcome.kind != "retry":
            return parts
        retry = True
    if want is None and record is not None and _kept(run.desired, address):
        return [*parts, forget_removed(address, record)]
    if record is not None:
        parts.append(previous_ids(run, address, record, removing=want is None))
    if want is None:
        if record is not None:
            parts.append(remove(run, address, record))
    elif record is None:
        reason = REASON_RETRY if retry else REASON_NEW
        parts.append(Findings(actions=(create_action(want, reason, run.caps),)))
    else:
        parts.append(compare(run, want, record, retry))
    return parts


def _apply_moves(
    desired: Desired, state: State, files: LocalFiles
) -> tuple[State, tuple[Move, ...]]:
    """The state with the manifests' ``moved:`` blocks applied, and their ``Move`` actions; a
    saved file moves with its video when the new address downloads elsewhere (``_file_move``)."""
    problems: list[Problem] = []
    moves: list[Move] = []
    for move, old, new in _each_move(desired, state):
        if old not in state.videos:
            continue  # moved already (or never managed): nothing to do
        if new in state.videos:
            problems.append(
                Problem(
                    move.location,
                    f"moved: {old} -> {new}, but {new} is already in the state",
                    f"remove the moved block, or drop {new} from the state first "
                    f"(vidspec state rm {new})",
                )
            )
            continue
        moved = state.videos[old]
        state = state.moved(old, new)
        action = Move(
            address=new,
            from_address=old,
            reason=f"moved from {old}",
            video_id=moved.id,
            unchanged=len(flatten(moved.spec)),
        )
        target = _file_move(moved, desired.videos.get(new), files)
        if target is not None and moved.download is not None:
            state = state.with_video(
                new, replace(moved, download=replace(moved.download, path=target))
            )
            action = replace(action, file_from=moved.download.path, file_to=target)
        moves.append(action)
    if problems:
        raise ManifestError(problems)
    return state, tuple(moves)


def _kept(desired: Desired, address: str) -> bool:
    """A ``removed`` block with ``destroy: false`` covers ``address``: forget, never delete."""
    return any(not block.destroy and block.covers(address) for block in desired.removed)


def _file_move(record: VideoRecord, want: DesiredVideo | None, files: LocalFiles) -> str | None:
    """Where the file vidspec saved for a moved video goes: the new address's ``download:``
    when it names another path and the file is still what was saved (else ``None``: a changed
    file stays, and the new path gets a download of its own)."""
    saved = record.download
    if saved is None or want is None or want.download in (None, saved.path):
        return None
    return want.download if saved_file_intact(saved, files) else None


def _replacing(options: PlanOptions, desired: Desired, state: State) -> PlanOptions:
    """``--replace promo``: every managed instance of a for_each definition."""
    managed = set(state.videos) & set(desired.videos)
    chosen = select(options.replace, managed)
    named = {split_address(a)[0] for a in chosen} | chosen
    unknown = tuple(a for a in options.replace if a not in named)
    return replace(options, replace=tuple(sorted(chosen, key=natural_key)) + unknown)


def _each_move(desired: Desired, state: State) -> list[tuple[MovedBlock, str, str]]:
    """Each moved block's address pairs: ``{from: promo, to: offer}`` moves every instance
    ``promo[KEY]`` in the state to ``offer[KEY]`` (and ``promo`` itself, if managed)."""
    pairs = []
    for move in desired.moves:
        old, new = move.from_address, move.to_address
        pairs.append((move, old, new))
        if "[" in old or "[" in new:
            continue
        for address in sorted(state.videos, key=natural_key):
            name, key = split_address(address)
            if name == old and key is not None:
                pairs.append((move, address, f"{new}[{key}]"))
    return pairs


def _check_options(run: PlanInputs) -> tuple[str, ...]:
    """``UsageError`` for a ``--replace`` of no managed video; a warning per unknown target."""
    desired, state = run.desired, run.state
    for address in run.options.replace:
        if address not in state.videos or address not in desired.videos:
            raise UsageError(
                f"--replace {address}: no managed video has this address",
                "Name a video that is both in the manifests and in the state "
                "(vidspec show lists them).",
            )
    known = set(desired.videos) | set(state.videos)
    known |= {m.from_address for m in desired.moves}
    known |= {split_address(a)[0] for a in known}
    return tuple(
        f"--target {address}: no video with this address in the manifests or the state."
        for address in run.options.targets
        if address not in known
    )


# --- the whole plan ------------------------------------------------------------------------


def _targeting(found: Findings, targets: Sequence[str]) -> Findings:
    if not targets:
        return found
    addresses = {a.address for a in found.actions} | {p.address for p in found.pending}
    moved_from = {a.from_address for a in found.actions if isinstance(a, Move)}
    wanted = select(targets, addresses | moved_from)
    return Findings(
        actions=tuple(
            a
            for a in found.actions
            if a.address in wanted or (isinstance(a, Move) and a.from_address in wanted)
        ),
        pending=tuple(p for p in found.pending if p.address in wanted),
        warnings=(
            *found.warnings,
            "Targeting is in effect (--target): this plan may be incomplete; other changes "
            "wait for a plan without --target.",
        ),
    )


def _notes(run: PlanInputs, found: Findings, claimed: set[str]) -> list[str]:
    """The plan's warnings, with the hints that save a paid video (``plan.hints``) and the
    notes on what this run could not see."""
    warnings = list(found.warnings)
    warnings += moved_hints(found.actions, run.state, can_delete=run.caps.can_delete)
    warnings += import_hints(found.actions, run.remote, claimed, run.caps)
    generates = any(isinstance(a, (Create, Regenerate)) for a in found.actions)
    if run.catalog is None and generates:
        warnings.append(
            "The catalog was not read (--no-refresh): voices, actors and sizes of new "
            "videos were not checked."
        )
    if run.remote is None:
        warnings.insert(
            0,
            "Not refreshed (--no-refresh): this plan compares the manifests with the state "
            "only; videos changed, deleted or expired outside vidspec are not seen.",
        )
    elif (
        not run.caps.listing_fields
        and run.state.videos
        and NOTE_LISTING_SETTINGS not in run.state.notes_shown
    ):
        warnings.append(listing_note(run.caps))
    return warnings


def listing_note(caps: Capabilities) -> str:
    """The note of a provider whose listing reports no settings (``NOTE_LISTING_SETTINGS``)."""
    return (
        f"{caps.display_name}'s listing reports no video settings: changes made outside "
        f"vidspec are seen in names only; the plan compares with the state."
    )
