"""CDNvideo's listing (``GET /videos``) and task answers as ``RemoteVideo`` values. Pure.

A listing item reports generation fields under its own names (``actor_name``, ``voice_name``,
``circle``...). ``spec_of`` puts them back in request-body shape, so they compare with what a
manifest asks for. Null values mean "not set" and are left out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from vidspec.core.errors import ProviderError
from vidspec.core.escape import escape_text
from vidspec.core.videos import RemoteVideo, TaskState
from vidspec.providers.cdnvideo.api import API


def task_state(raw: object) -> TaskState:
    """A task status, compared without case. No status at all: a generated video (done)."""
    if raw is None:
        return TaskState.DONE
    return API.task_states.get(str(raw).strip().lower(), TaskState.FAILED)


def listing_params(
    offset: int, now: datetime, since: datetime | None = None, limit: int = API.list_page_size
) -> dict[str, str | int]:
    """Query of one listing page of ``limit`` videos (the client's
    ``capabilities.list_page_size``: the largest page), oldest first, only the fields we read;
    from ``since`` (floored to its minute: ``start`` has no seconds) when given."""
    start = (now - API.list_window).astimezone(timezone.utc)
    if since is not None:
        start = max(start, since.astimezone(timezone.utc).replace(second=0, microsecond=0))
    fields = (*API.listing_fields, API.circle_field)
    return {
        "start": start.strftime(API.list_date_format),
        "offset": offset,
        "limit": limit,
        "sort": API.list_sort,
        "fields": ",".join(fields),
    }


_SHORT_OFFSET = re.compile(r"T.*[+-]\d\d$")


def parse_time(text: object) -> datetime | None:
    """``2022-06-15T21:32:53Z`` (and other ISO forms) as an aware UTC datetime."""
    if not isinstance(text, str) or not text.strip():
        return None
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    elif _SHORT_OFFSET.search(value):
        value += ":00"  # "+00" -> "+00:00": Python 3.10 reads only the long form
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _set(spec: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    node = spec
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value


def spec_of(item: Mapping[str, Any]) -> dict[str, Any] | None:
    """The request-body fields a listing item reports, or ``None`` if it reports none."""
    spec: dict[str, Any] = {}
    for name, path in API.listing_fields.items():
        value = item.get(name)
        if value is not None:
            _set(spec, path, value)
    if API.circle_field in item:
        circle = item.get(API.circle_field)
        values = (
            {k: v for k, v in circle.items() if v is not None}
            if isinstance(circle, Mapping)
            else {}
        )
        _set(spec, API.frame_style_path, "circle" if values else "rectangle")
        for key, path in API.circle_paths.items():
            if key in values:
                _set(spec, path, values[key])
    return spec or None


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def check_id(video_id: str, *, method: str, path: str) -> str:
    """``video_id`` if it is a UUID (the form of every CDNvideo id), else ``ProviderError``:
    an id is data, written into the state, URLs and manifests' comments."""
    if _UUID.fullmatch(video_id) is None:
        raise ProviderError(
            f"the service answered an id that is not a UUID: '{escape_text(video_id)}'",
            method=method,
            path=path,
            hint="CDNvideo's ids are UUIDs; vidspec does not use one in another form. "
            "Check provider.base_url points at the CDNvideo API.",
        )
    return video_id


def remote_video(item: Any, *, path: str) -> RemoteVideo:
    """One listing item as a ``RemoteVideo``. ``path`` names the call, for the error."""
    if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
        raise ProviderError(
            "the service's listing holds an item without an id", method="GET", path=path
        )
    check_id(item["id"], method="GET", path=path)
    created = parse_time(item.get("date"))
    if created is None:
        raise ProviderError(
            f"the service's listing gives video {item['id']} an unreadable date "
            f"{escape_text(str(item.get('date')))!r}",
            method="GET",
            path=path,
        )
    duration = item.get("duration")
    name = item.get("video_name")
    message = item.get("message")
    return RemoteVideo(
        id=item["id"],
        name=name if isinstance(name, str) else None,
        state=task_state(item.get("status")),
        created_at=created,
        duration=float(duration) if isinstance(duration, int | float) else None,
        resolution=item.get("resolution") if isinstance(item.get("resolution"), str) else None,
        url=item.get("video_url") or None,
        spec=spec_of(item),
        message=message if isinstance(message, str) else None,
    )


def task_video(task: Any, *, video_id: str, now: datetime, path: str) -> RemoteVideo:
    """A ``GET /tasks/<id>`` answer's ``task`` as a ``RemoteVideo``.

    The task answer has no date: ``created_at`` is the time of the check (``now``).
    """
    if not isinstance(task, Mapping):
        raise ProviderError(
            "the service's task answer has no 'task' object", method="GET", path=path
        )
    message = task.get("message")
    return RemoteVideo(
        id=check_id(str(task.get("id") or video_id), method="GET", path=path),
        name=None,
        state=task_state(task.get("status")),
        created_at=now,
        message=message if isinstance(message, str) else None,
    )
