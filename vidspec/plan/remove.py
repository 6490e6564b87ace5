"""Managed videos no manifest wants, and old ones a regenerate superseded: delete or forget."""

from __future__ import annotations

from dataclasses import replace

from vidspec.core.videos import TaskState
from vidspec.plan.actions import Action, Forget
from vidspec.plan.constructors import delete_action
from vidspec.plan.downloads import changed_file_note, saved_file_intact
from vidspec.plan.inputs import Findings, PlanInputs
from vidspec.state.model import VideoRecord

REASON_NOT_IN_MANIFEST = "not in any manifest"
REASON_DESTROY = "destroy requested"
REASON_SUPERSEDED = "superseded by a regenerate"
REASON_REMOVED = "removed block, destroy: false: the video stays in the account"


def forget_removed(address: str, record: VideoRecord) -> Findings:
    """A ``removed`` block with ``lifecycle.destroy: false``: vidspec stops managing the video
    (and the old ones a regenerate left) without a call; its saved file stays too."""
    olds = tuple(
        Forget(address=address, reason=REASON_REMOVED, video_id=old, superseded=True)
        for old in record.previous
    )
    return Findings(
        actions=(Forget(address=address, reason=REASON_REMOVED, video_id=record.id), *olds)
    )


def remove(run: PlanInputs, address: str, record: VideoRecord) -> Findings:
    """Delete the video of an address no manifest wants, or forget it (gone already, or the
    provider cannot delete)."""
    seen = run.remote_by_id.get(record.id)
    if run.remote is not None and seen is None:
        gone = "already gone: " + run.gone_reason(record)
        return Findings(actions=(Forget(address=address, reason=gone, video_id=record.id),))
    if not run.caps.can_delete:
        reason = f"{run.caps.display_name} cannot delete"
        return Findings(
            actions=(Forget(address=address, reason=reason, video_id=record.id),),
            warnings=(run.stays_warning(address, record),),
        )
    status = seen.state if seen is not None else record.status
    reason = REASON_DESTROY if run.options.destroy else REASON_NOT_IN_MANIFEST
    delete = delete_action(
        address, record.id, reason, run.caps, in_flight=status.in_flight, spec=record.spec
    )
    saved = record.download
    intact = saved_file_intact(saved, run.files) if saved is not None else None
    if saved is not None and intact:
        delete = replace(delete, remove_file=saved.path)
    elif saved is not None and intact is False:
        return Findings((delete,), warnings=(changed_file_note(address, saved.path, "deleted"),))
    return Findings(actions=(delete,))


def previous_ids(run: PlanInputs, address: str, record: VideoRecord, *, removing: bool) -> Findings:
    """Old videos a regenerate superseded: delete them once the new one is done, or with
    the address when it goes (its record, and with it their ids, leaves the state)."""
    if not record.previous:
        return Findings()
    seen = run.remote_by_id.get(record.id)
    status = seen.state if seen is not None else record.status
    replacement_done = status is TaskState.DONE and (run.remote is None or seen is not None)
    if not replacement_done and not run.options.destroy and not removing:
        return Findings()
    actions: list[Action] = []
    warnings: list[str] = []
    for old in record.previous:
        if run.remote is not None and old not in run.remote_by_id:
            reason = "superseded video already gone"
            actions.append(Forget(address=address, reason=reason, video_id=old, superseded=True))
        elif run.caps.can_delete:
            actions.append(
                delete_action(address, old, REASON_SUPERSEDED, run.caps, superseded=True)
            )
        else:
            reason = f"{run.caps.display_name} cannot delete the superseded video"
            listed = run.remote_by_id.get(old)
            until = listed.created_at + run.caps.retention if listed is not None else None
            warnings.append(run.stays(address, old, until))
            actions.append(Forget(address=address, reason=reason, video_id=old, superseded=True))
    return Findings(actions=tuple(actions), warnings=tuple(warnings))
