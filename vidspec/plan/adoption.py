"""Adoption: a remote video taken into the state at an address (``vidspec import``). Pure.

Never a duplicate: ``pending_claims`` names the unmanaged videos that may be the result of a
create still pending in the state (same name and settings, created after the record); they
are left for ``plan``/``apply`` to adopt at that record's address, and never imported
elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from vidspec.core.dicts import value_at
from vidspec.core.videos import RemoteVideo, TaskState
from vidspec.plan.drift import same_video
from vidspec.project.model import spec_hash
from vidspec.providers.base import Capabilities
from vidspec.state.model import State, VideoRecord

__all__ = ["CLOCK_SKEW", "UNFINISHED", "Adoption", "adopt", "pending_claims"]

CLOCK_SKEW = timedelta(minutes=2)  # as the planner's default: our clock against the service's
UNFINISHED = (TaskState.FAILED, TaskState.CANCELED)  # tasks, not videos: never adopted


@dataclass(frozen=True)
class Adoption:
    """One remote video taken into the state at ``address``, with its applied ``spec``."""

    address: str
    video: RemoteVideo
    spec: Mapping[str, Any]

    def record(self, caps: Capabilities) -> VideoRecord:
        name = self.video.name
        if name is None:
            found = value_at(self.spec, caps.name_field)
            name = found if isinstance(found, str) else None
        return VideoRecord(
            id=self.video.id,
            status=self.video.state,
            spec_hash=spec_hash(self.spec),
            spec=self.spec,
            name=name,
            created_at=self.video.created_at,
            expires_at=self.video.created_at + caps.retention,
        )


def adopt(state: State, adoptions: Iterable[Adoption], caps: Capabilities) -> State:
    """``state`` with every adoption recorded (and the adopted addresses' pending records,
    which the adoption answers, dropped)."""
    for item in adoptions:
        state = state.without_pending(item.address).with_video(item.address, item.record(caps))
    return state


def pending_claims(
    state: State,
    remote: Sequence[RemoteVideo],
    caps: Capabilities,
    *,
    clock_skew: timedelta = CLOCK_SKEW,
) -> dict[str, str]:
    """Unmanaged remote ids that may be the result of a pending create -> its address (the
    planner's own test: same name and settings, created after the record)."""
    if not state.pending:
        return {}
    managed = state.managed_ids()
    claims: dict[str, str] = {}
    for record in state.pending:
        since = record.started_at - clock_skew
        for video in remote:
            if video.id in managed or video.id in claims or video.created_at < since:
                continue
            if same_video(video, record.spec, caps):
                claims[video.id] = record.address
    return claims
