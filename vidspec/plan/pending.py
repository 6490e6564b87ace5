"""Resolving write-ahead records of creates whose answer was lost. Pure.

A pending record blocks a new create of its address until the listing tells what happened:

- a video whose listed correlation key is the record's (``RemoteVideo.key``: Synthesia's
  ``callbackId``) is *adopted*, whatever its name; else a video with the same name and
  settings, created after the record (less ``clock_skew``) and not managed yet (the earliest
  one; others stay unmanaged, with a warning);
- nothing found, within ``grace`` of the record: the address *waits* (shown as pending), since
  a service may list a video only once it is generated;
- nothing found after ``grace``: the record is dead (shown as ``abandoned``; apply drops it)
  and, if a manifest still wants the address, the create is *retried* (reason
  ``previous create's outcome unknown; not found in listing``);
- no listing at all (``--no-refresh``): the address waits.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from vidspec.core.times import format_time
from vidspec.core.videos import RemoteVideo
from vidspec.plan import cost as costs
from vidspec.plan.actions import ActionCost, Adopt
from vidspec.plan.diff import flatten
from vidspec.plan.drift import same_video
from vidspec.plan.model import PendingTask
from vidspec.project.model import DesiredVideo
from vidspec.providers.base import Capabilities
from vidspec.state.correlation import correlation_key
from vidspec.state.model import PendingRecord, VideoRecord

REASON_ADOPT = "previous create's outcome was unknown; found in listing"
REASON_RETRY = "previous create's outcome unknown; not found in listing"


@dataclass(frozen=True)
class PendingOutcome:
    """``kind``: "adopt" (``adopt`` set), "wait" (``task`` set unless nothing is wanted) or
    "retry"."""

    kind: str
    adopt: Adopt | None = None
    task: PendingTask | None = None
    warnings: tuple[str, ...] = ()


def resolve_pending(
    address: str,
    records: Sequence[PendingRecord],
    record: VideoRecord | None,
    want: DesiredVideo | None,
    remote: Sequence[RemoteVideo] | None,
    claimed: Collection[str],
    caps: Capabilities,
    now: datetime,
    *,
    grace: timedelta,
    clock_skew: timedelta,
) -> PendingOutcome:
    """What to do about ``address``'s pending records; ``claimed``: ids already managed or
    adopted (never adopted twice)."""
    ordered = sorted(records, key=lambda p: p.started_at)
    newest = ordered[-1]
    if remote is None:
        return PendingOutcome(
            "wait",
            task=PendingTask(
                address,
                None,
                "unknown",
                newest.started_at,
                "a create was sent and its outcome is unknown; plan with refresh to resolve it "
                "from the listing",
            ),
        )
    for pending in ordered:
        key = correlation_key(pending)
        keyed = [v for v in remote if v.key == key and v.id not in claimed]
        if keyed:  # the service reports the key the create carried: this is the video
            return _adopt(address, pending, keyed[:1], record, want, caps)
        since = pending.started_at - clock_skew
        found = sorted(
            (
                v
                for v in remote
                if v.id not in claimed
                and v.created_at >= since
                and same_video(v, pending.spec, caps)
            ),
            key=lambda v: (v.created_at, v.id),
        )
        if found:
            return _adopt(address, pending, found, record, want, caps)
    return _not_listed(address, newest, want, now, grace)


def _not_listed(
    address: str,
    newest: PendingRecord,
    want: DesiredVideo | None,
    now: datetime,
    grace: timedelta,
) -> PendingOutcome:
    """No video in the listing matches: wait out the grace, then create again (or drop it)."""
    if now - newest.started_at < grace:
        until = newest.started_at + grace
        task = PendingTask(
            address,
            None,
            "unknown",
            newest.started_at,
            f"a create was sent and its outcome is unknown; not in the listing yet, waiting "
            f"until {format_time(until)} before creating it again",
            until,
        )
        return PendingOutcome("wait", task=task)
    dead = PendingTask(
        address,
        None,
        "abandoned",
        newest.started_at,
        "a create whose outcome was unknown never appeared in the listing; apply drops its record",
    )
    if want is None:
        return PendingOutcome(
            "wait",
            task=dead,
            warnings=(
                f"{address}: a create whose outcome was unknown never appeared in the listing; "
                f"nothing to do, as no manifest wants it any more.",
            ),
        )
    return PendingOutcome("retry", task=dead)


def _adopt(
    address: str,
    pending: PendingRecord,
    found: list[RemoteVideo],
    record: VideoRecord | None,
    want: DesiredVideo | None,
    caps: Capabilities,
) -> PendingOutcome:
    video = found[0]
    warnings = []
    if len(found) > 1:
        others = ", ".join(v.id for v in found[1:])
        warnings.append(
            f"{address}: more than one video matches the create whose answer was lost; "
            f"adopting {video.id} (the first); {others} stay unmanaged (vidspec import can "
            f"adopt them elsewhere)."
        )
    if want is None:
        then = "deletes" if caps.can_delete else "forgets"  # Vidnoz: it stays until it expires
        warnings.append(
            f"{address}: adopted although no manifest wants it any more; the next plan {then} it."
        )
    elif want.spec_hash != pending.spec_hash:
        warnings.append(
            f"{address}: the adopted video was made from an earlier version of the manifest; "
            f"the next plan shows the difference."
        )
    adopt = Adopt(
        address=address,
        reason=REASON_ADOPT,
        video_id=video.id,
        spec=pending.spec,
        spec_hash=pending.spec_hash,
        status=video.state.value,
        replaces=record.id if record is not None else None,
        unchanged=len(flatten(pending.spec)),
        # apply saves the adopted video's file once it is done
        cost=ActionCost(api_requests=costs.REQUESTS_PER_DOWNLOAD if want and want.download else 0),
    )
    return PendingOutcome("adopt", adopt=adopt, warnings=tuple(warnings))
