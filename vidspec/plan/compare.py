"""One managed video the manifests still want: its record and listing against the manifest."""

from __future__ import annotations

from datetime import datetime

from vidspec.core.times import humanize_delta
from vidspec.core.videos import RemoteVideo, TaskState
from vidspec.plan.actions import Action, FieldChange
from vidspec.plan.constructors import create_action, regenerate_action, rename_action
from vidspec.plan.diff import diff_flat, flatten, with_defaults
from vidspec.plan.downloads import download_action
from vidspec.plan.drift import content_drift, name_change
from vidspec.plan.inputs import Findings, PlanInputs
from vidspec.plan.model import PendingTask
from vidspec.plan.normalize import canonical_paths, canonical_spec, respelled
from vidspec.plan.pending import REASON_RETRY
from vidspec.project.model import DesiredVideo
from vidspec.state.model import VideoRecord

REASON_CHANGED_OUTSIDE = "changed outside vidspec"
REASON_REPLACE = "replacement requested"


def compare(run: PlanInputs, want: DesiredVideo, record: VideoRecord, retry: bool) -> Findings:
    """What ``want`` needs done to its managed video: nothing, a create (gone or failed), a
    regenerate, a rename or a download; or it is shown as generating."""
    seen = run.remote_by_id.get(record.id)
    finished_badly = record.status in (TaskState.FAILED, TaskState.CANCELED)
    if run.remote is not None and seen is None and not finished_badly:
        if record.status.in_flight and _young(run, record.created_at):
            return _show_in_flight(want, record, record.status)
        reason = REASON_RETRY if retry else run.gone_reason(record)
        return Findings(actions=(create_action(want, reason, run.caps),))
    status = seen.state if seen is not None else record.status
    if status.in_flight:
        return _show_in_flight(want, record, status)
    if status is not TaskState.DONE:
        message = (seen.message if seen is not None else None) or "no reason given"
        reason = "task canceled" if status is TaskState.CANCELED else f"task failed: {message}"
        return Findings(actions=(create_action(want, reason, run.caps),))
    return _compare_done(run, want, record, seen)


def _compare_done(
    run: PlanInputs, want: DesiredVideo, record: VideoRecord, seen: RemoteVideo | None
) -> Findings:
    """A finished video: its fields (as applied, as listed) against the manifest's."""
    # Both bodies in one spelling (an alias such as CDNvideo's older ``circle:`` as the
    # documented fields): the listing reports only that one, and the spellings are equal.
    aliases = run.caps.spec_aliases
    ignored = canonical_paths(want.lifecycle.ignore_changes, aliases)
    flat_applied = flatten(canonical_spec(record.spec, aliases))
    flat_wanted = flatten(canonical_spec(want.spec, aliases))
    changes, unchanged = diff_flat(
        flat_applied, flat_wanted, defaults=run.defaults, ignored=ignored
    )
    generation = [c for c in changes if c.path != run.caps.name_field]
    drift = []
    if seen is not None and seen.spec:
        drift = content_drift(
            with_defaults(flat_applied, run.defaults),
            flatten(seen.spec),
            flat_wanted,
            fields=run.drift_fields,
            defaults=run.defaults,
            ignored=ignored,
            skip={c.path for c in generation},
        )
    if aliases:
        specs = (want.spec, record.spec)
        generation = [respelled(c, specs, aliases) for c in generation]
        drift = [respelled(c, specs, aliases) for c in drift]
    named = name_change(record.spec, seen, want.spec, run.caps, ignored)
    return _decide(run, want, record, generation, drift, named, unchanged)


def _decide(
    run: PlanInputs,
    want: DesiredVideo,
    record: VideoRecord,
    generation: list[FieldChange],
    drift: list[FieldChange],
    named: tuple[FieldChange, str] | None,
    unchanged: int,
) -> Findings:
    """Regenerate (fields changed, changed outside, replacement, expiry, no rename), rename,
    or download; or nothing."""
    reasons = [f"{', '.join(c.path for c in generation)} changed"] if generation else []
    if drift:
        reasons.append(REASON_CHANGED_OUTSIDE)
    if want.address in run.options.replace:
        reasons.append(REASON_REPLACE)
    # Only an expiry: the old video would vanish anyway (prevent_destroy allows this).
    renewal = not reasons
    expiry = _expiry_reason(run, want, record)
    if expiry:
        reasons.append(expiry)
    rows = sorted([*generation, *drift, *([named[0]] if named else [])], key=_by_path)
    if reasons:  # the new video is saved when it is done
        return _regenerate(run, want, record, "; ".join(reasons), rows, unchanged, renewal=renewal)
    if named is not None and not run.caps.can_rename:
        reason = f"{run.caps.display_name} cannot rename"
        return _regenerate(run, want, record, reason, [named[0]], unchanged)
    actions: list[Action] = []
    if named is not None:
        row, reason = named
        actions.append(rename_action(want.address, record, row, reason, unchanged, run.caps))
    download = download_action(want, record, run.files)
    if download is not None:
        actions.append(download)
    return Findings(actions=tuple(actions))


def _expiry_reason(run: PlanInputs, want: DesiredVideo, record: VideoRecord) -> str | None:
    before = want.lifecycle.regenerate_before_expiry
    if before is None:
        return None
    left = run.expires_at(record) - run.now
    return f"expires in {humanize_delta(left)}" if left <= before else None


def _show_in_flight(want: DesiredVideo, record: VideoRecord, status: TaskState) -> Findings:
    note = "generating; not created again"
    task = PendingTask(want.address, record.id, status.value, record.created_at, note)
    warnings: tuple[str, ...] = ()
    if want.spec_hash != record.spec_hash:
        warnings = (
            f"{want.address}: the manifest changed while its video is still generating; "
            f"plan again once it is done.",
        )
    return Findings(pending=(task,), warnings=warnings)


def _regenerate(
    run: PlanInputs,
    want: DesiredVideo,
    record: VideoRecord,
    reason: str,
    rows: list[FieldChange],
    unchanged: int,
    *,
    renewal: bool = False,
) -> Findings:
    warnings = () if run.caps.can_delete else (run.stays_warning(want.address, record),)
    action = regenerate_action(want, record, reason, rows, unchanged, run.caps, renewal=renewal)
    return Findings(actions=(action,), warnings=warnings)


def _young(run: PlanInputs, since: datetime) -> bool:
    return run.now - since < run.options.pending_grace


def _by_path(change: FieldChange) -> str:
    return change.path
