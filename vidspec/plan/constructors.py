"""Constructors of actions with their costs (the request model: ``vidspec.plan.cost``). Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from vidspec.plan import cost as costs
from vidspec.plan.actions import ActionCost, Create, Delete, FieldChange, Regenerate, Rename
from vidspec.plan.diff import all_fields
from vidspec.project.model import DesiredVideo, spec_hash
from vidspec.providers.base import Capabilities
from vidspec.state.model import VideoRecord


def minutes_of(spec: Mapping[str, Any], caps: Capabilities) -> float:
    return round(costs.estimate_minutes(spec, caps), 3)


def create_action(want: DesiredVideo, reason: str, caps: Capabilities) -> Create:
    return Create(
        address=want.address,
        reason=reason,
        changes=all_fields(want.spec),
        cost=ActionCost(
            generation_requests=1,
            api_requests=costs.generation_requests(download=want.download is not None),
            minutes=minutes_of(want.spec, caps),
        ),
        spec=want.spec,
        spec_hash=want.spec_hash,
        download=want.download,
    )


def regenerate_action(
    want: DesiredVideo,
    record: VideoRecord,
    reason: str,
    rows: Sequence[FieldChange],
    unchanged: int,
    caps: Capabilities,
    *,
    renewal: bool = False,
) -> Regenerate:
    """``renewal``: the only reason is the coming expiry (see ``Regenerate``)."""
    requests = costs.generation_requests(download=want.download is not None)
    if caps.can_delete:
        requests += costs.REQUESTS_PER_DELETE
    return Regenerate(
        address=want.address,
        reason=reason,
        changes=tuple(rows),
        cost=ActionCost(1, requests, minutes_of(want.spec, caps)),
        unchanged=unchanged,
        video_id=record.id,
        spec=want.spec,
        spec_hash=want.spec_hash,
        download=want.download,
        create_before_destroy=want.lifecycle.create_before_destroy,
        delete_old=caps.can_delete,
        renewal=renewal,
    )


def rename_action(
    address: str,
    record: VideoRecord,
    row: FieldChange,
    reason: str,
    unchanged: int,
    caps: Capabilities,
) -> Rename:
    """A rename; its ``spec`` is the applied body with the new name (what state records)."""
    applied = dict(record.spec)
    _set_path(applied, caps.name_field, row.after)
    return Rename(
        address=address,
        reason=reason,
        changes=(row,),
        cost=ActionCost(api_requests=costs.REQUESTS_PER_RENAME),
        unchanged=unchanged,
        video_id=record.id,
        name=str(row.after),
        spec=applied,
        spec_hash=spec_hash(applied),
    )


def delete_action(
    address: str,
    video_id: str,
    reason: str,
    caps: Capabilities,
    *,
    in_flight: bool = False,
    superseded: bool = False,
    spec: Mapping[str, Any] | None = None,
) -> Delete:
    requests = costs.REQUESTS_PER_DELETE
    if in_flight and caps.can_cancel:
        requests += costs.REQUESTS_PER_CANCEL
    return Delete(
        address=address,
        reason=reason,
        changes=all_fields(spec, removed=True) if spec is not None else (),
        cost=ActionCost(api_requests=requests),
        video_id=video_id,
        in_flight=in_flight,
        superseded=superseded,
    )


def _set_path(spec: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    current = spec
    for part in parts[:-1]:
        child = current.get(part)
        child = dict(child) if isinstance(child, Mapping) else {}
        current[part] = child
        current = child
    current[parts[-1]] = value
