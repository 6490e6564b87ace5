"""``vidspec drift``: what happened to the managed videos outside vidspec. Pure.

Compares the state with the service's listing only; the manifests are read for nothing but
``lifecycle.regenerate_before_expiry`` (a manifest edit is a plan, not drift). Finds videos
renamed, changed, deleted or expired outside vidspec, finished badly, expiring within their
``regenerate_before_expiry``, unknown videos that look like ours (the name of a managed
or pending video on another id), and creates whose answer was lost (``unconfirmed``: the state
does not know their video yet; a scheduled check that reported nothing would let a missing
video go unseen).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from vidspec.core.dicts import value_at
from vidspec.core.times import format_time, humanize_delta
from vidspec.core.videos import RemoteVideo, TaskState
from vidspec.plan.diff import flatten, with_defaults
from vidspec.plan.drift import content_drift
from vidspec.plan.normalize import canonical_spec
from vidspec.providers.base import Capabilities
from vidspec.state.model import State, VideoRecord

KINDS = (
    "renamed",
    "changed",
    "deleted",
    "expired",
    "failed",
    "expiring",
    "unknown",
    "unconfirmed",
)


@dataclass(frozen=True, order=True)
class DriftItem:
    """One finding: ``kind`` (one of ``KINDS``), the address, the remote id (empty: none known,
    an unconfirmed create) and what was seen."""

    address: str
    kind: str
    remote_id: str
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {
            "address": self.address or None,
            "kind": self.kind,
            "remote_id": self.remote_id or None,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class DriftReport:
    items: tuple[DriftItem, ...]
    checked: int

    @property
    def drifted(self) -> bool:
        return bool(self.items)

    def to_json(self) -> dict[str, Any]:
        counts = dict.fromkeys(KINDS, 0)
        for item in self.items:
            counts[item.kind] += 1
        return {
            "format_version": 1,
            "drift": self.drifted,
            "checked": self.checked,
            "summary": counts,
            "items": [i.to_json() for i in self.items],
        }


def detect_drift(
    state: State,
    remote: Iterable[RemoteVideo],
    caps: Capabilities,
    now: datetime,
    renew_before: Mapping[str, timedelta],
) -> DriftReport:
    """Drift of every managed video; ``renew_before`` maps an address to its
    ``regenerate_before_expiry``."""
    listed = {v.id: v for v in remote}
    items: list[DriftItem] = []
    for address, record in state.videos.items():
        items += _record_drift(address, record, listed.get(record.id), caps, now, renew_before)
    items += _lookalikes(state, listed.values())
    items += [
        DriftItem(
            p.address,
            "unconfirmed",
            "",
            f"a create sent {format_time(p.started_at)} lost its answer; its video is not "
            f"confirmed yet",
        )
        for p in state.pending
    ]
    return DriftReport(items=tuple(sorted(items)), checked=len(state.videos))


def _record_drift(
    address: str,
    record: VideoRecord,
    seen: RemoteVideo | None,
    caps: Capabilities,
    now: datetime,
    renew_before: Mapping[str, timedelta],
) -> list[DriftItem]:
    expires = record.expires_at or record.created_at + caps.retention
    if seen is None:
        if record.status.in_flight:
            return []  # a service may list a task only once it is done: not drift
        if expires <= now:
            return [DriftItem(address, "expired", record.id, f"expired {_ago(now - expires)}")]
        return [DriftItem(address, "deleted", record.id, "not in the listing")]
    if seen.state in (TaskState.FAILED, TaskState.CANCELED) and record.status is TaskState.DONE:
        return [DriftItem(address, "failed", record.id, f"the service reports {seen.state.value}")]
    items = []
    applied_name = value_at(record.spec, caps.name_field)
    if seen.name is not None and applied_name is not None and seen.name != applied_name:
        items.append(DriftItem(address, "renamed", record.id, f"{applied_name!r} -> {seen.name!r}"))
    if seen.spec:
        aliases, defaults = caps.spec_aliases, flatten(caps.spec_defaults)
        applied = flatten(canonical_spec(record.spec, aliases))
        fields = tuple(sorted(f for f in caps.listing_fields if f != caps.name_field))
        rows = content_drift(
            with_defaults(applied, defaults),
            flatten(seen.spec),
            applied,
            fields=fields,
            defaults=defaults,
        )
        if rows:
            changed = ", ".join(f"{r.path}: {r.after!r} -> {r.before!r}" for r in rows)
            items.append(DriftItem(address, "changed", record.id, changed))
    before = renew_before.get(address)
    if before is not None and seen.state is TaskState.DONE and expires - now <= before:
        left = expires - now
        items.append(
            DriftItem(address, "expiring", record.id, f"expires in {humanize_delta(left)}")
        )
    return items


def _lookalikes(state: State, listed: Iterable[RemoteVideo]) -> list[DriftItem]:
    managed = {r.id for r in state.videos.values()}
    for record in state.videos.values():
        managed.update(record.previous)
    names: dict[str, str] = {}
    for address, record in state.videos.items():
        if record.name:
            names.setdefault(record.name, address)
    for pending in state.pending:
        name = pending.spec.get("video_name") or pending.spec.get("name")
        if isinstance(name, str):
            names.setdefault(name, pending.address)
    return [
        DriftItem(
            names[video.name],
            "unknown",
            video.id,
            f"not managed, but named {video.name!r} like a managed video (vidspec import?)",
        )
        for video in listed
        if video.id not in managed and video.name in names
    ]


def _ago(delta: timedelta) -> str:
    return f"{humanize_delta(delta)} ago"
