"""Managed videos no manifest wants, and old ones a regenerate superseded: delete or forget."""

from __future__ import annotations

from vidspec.plan.actions import Forget
from vidspec.plan.build import delete_action
from vidspec.plan.run import PlanRun
from vidspec.providers.base import TaskState
from vidspec.state.model import VideoRecord

REASON_NOT_IN_MANIFEST = "not in any manifest"
REASON_DESTROY = "destroy requested"
REASON_SUPERSEDED = "superseded by a regenerate"


def remove(run: PlanRun, address: str, record: VideoRecord) -> None:
    """Delete the video of an address no manifest wants, or forget it (gone already, or the
    provider cannot delete)."""
    seen = run.remote_by_id.get(record.id)
    if run.remote is not None and seen is None:
        gone = "already gone: " + run.gone_reason(record)
        run.actions.append(Forget(address=address, reason=gone, video_id=record.id))
    elif not run.caps.can_delete:
        run.warnings.append(run.stays_warning(address, record))
        reason = f"{run.caps.display_name} cannot delete"
        run.actions.append(Forget(address=address, reason=reason, video_id=record.id))
    else:
        status = seen.state if seen is not None else record.status
        reason = REASON_DESTROY if run.options.destroy else REASON_NOT_IN_MANIFEST
        run.actions.append(
            delete_action(
                address,
                record.id,
                reason,
                run.caps,
                in_flight=status.in_flight,
                spec=record.spec,
            )
        )


def previous_ids(run: PlanRun, address: str, record: VideoRecord, *, removing: bool) -> None:
    """Old videos a regenerate superseded: delete them once the new one is done, or with
    the address when it goes (its record, and with it their ids, leaves the state)."""
    if not record.previous:
        return
    seen = run.remote_by_id.get(record.id)
    status = seen.state if seen is not None else record.status
    replacement_done = status is TaskState.DONE and (run.remote is None or seen is not None)
    if not replacement_done and not run.options.destroy and not removing:
        return
    for old in record.previous:
        if run.remote is not None and old not in run.remote_by_id:
            reason = "superseded video already gone"
            run.actions.append(
                Forget(address=address, reason=reason, video_id=old, superseded=True)
            )
        elif run.caps.can_delete:
            run.actions.append(
                delete_action(address, old, REASON_SUPERSEDED, run.caps, superseded=True)
            )
        else:
            reason = f"{run.caps.display_name} cannot delete the superseded video"
            listed = run.remote_by_id.get(old)
            until = listed.created_at + run.caps.retention if listed is not None else None
            run.warnings.append(run.stays(address, old, until))
            run.actions.append(
                Forget(address=address, reason=reason, video_id=old, superseded=True)
            )
