"""What goes over the wire to and from Vidnoz, as pure functions: the create form from a
request body, the ``{code, message, data}`` envelope, and list and detail answers as
``RemoteVideo`` values.

Flattening: ``{"voice": {"tts": {"text": "Hi"}}}`` becomes the part ``voice[tts][text]`` with
the JSON value ``"Hi"`` and ``Content-Type: application/json``, as the vendor's curl example
sends every nested field; top-level scalars (``name``, ``aspect``) go as plain text parts, as
the example sends them. ``None`` values are left out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from vidspec.core.errors import ProviderError
from vidspec.core.escape import escape_text
from vidspec.core.videos import RemoteVideo, TaskState
from vidspec.http.client import FormPart
from vidspec.providers.vidnoz.api import API


def bracketed(path: tuple[str, ...]) -> str:
    """``("voice", "tts", "text")`` -> ``voice[tts][text]``."""
    return path[0] + "".join(f"[{p}]" for p in path[1:])


def form_parts(spec: Mapping[str, Any]) -> list[FormPart]:
    """The multipart parts of a create request for the request body ``spec``."""
    body: dict[str, Any] = dict(spec)
    if body.get("background") is None:
        body["background"] = dict(API.default_background)
    parts: list[FormPart] = []
    for key, value in body.items():
        if value is None:
            continue
        if isinstance(value, Mapping):
            parts.extend(_nested((str(key),), value))
        elif isinstance(value, list | tuple):
            parts.append((str(key), (None, _json(value), API.json_part_type)))
        else:
            parts.append((str(key), (None, _text(value))))
    return parts


def _nested(path: tuple[str, ...], value: Mapping[str, Any]) -> Iterator[FormPart]:
    for key, inner in value.items():
        here = (*path, str(key))
        if inner is None:
            continue
        if isinstance(inner, Mapping):
            yield from _nested(here, inner)
        else:
            yield (bracketed(here), (None, _json(inner), API.json_part_type))


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _json(value: Any) -> str:
    return json.dumps(_plain(value), ensure_ascii=False)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return _json(value)  # numbers as JSON writes them; true/false for booleans


# -- the envelope ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Envelope:
    code: int
    message: str
    data: Any


def read_envelope(body: Any) -> Envelope | None:
    """The envelope of a decoded answer, or ``None`` when the answer is not one."""
    if not isinstance(body, Mapping):
        return None
    code = body.get("code")
    if isinstance(code, bool) or not isinstance(code, int):
        return None
    message = body.get("message")
    return Envelope(code, message.strip() if isinstance(message, str) else "", body.get("data"))


# -- answers as values -------------------------------------------------------------------------


def task_state(raw: object) -> TaskState:
    """A status number of the list or the detail; anything else is a failure."""
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, int):
        return TaskState.FAILED
    return API.task_states.get(raw, TaskState.FAILED)


def parse_time(text: object) -> datetime | None:
    """``2026-11-02 09:00:00`` (read as UTC) or an ISO time, as an aware UTC datetime."""
    if not isinstance(text, str) or not text.strip():
        return None
    value = text.strip()
    try:
        moment = datetime.strptime(value, API.list_time_format)
    except ValueError:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _file(value: Any) -> tuple[str | None, float | None]:
    if not isinstance(value, Mapping):
        return None, None
    url = value.get("url")
    return (url if isinstance(url, str) and url else None, _seconds(value.get("duration")))


def _seconds(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


_TASK_ID = re.compile(r"[A-Za-z0-9+/=_-]{1,256}")


def check_task_id(task_id: str, *, method: str, path: str) -> str:
    """``task_id`` if it has the form of a Vidnoz id (base64 text), else ``ProviderError``:
    an id is data, written into the state and into requests."""
    if _TASK_ID.fullmatch(task_id) is None:
        raise ProviderError(
            f"the service answered a task id that is not base64 text: '{escape_text(task_id)}'",
            method=method,
            path=path,
            hint="Vidnoz's task ids are base64 text; check provider.base_url points at Vidnoz.",
        )
    return task_id


def listed_video(item: Any, *, path: str) -> RemoteVideo:
    """One ``data.videos[]`` item of the list as a ``RemoteVideo`` (``spec`` is ``None``: the
    list reports no generation field but the name). ``path`` names the call, for errors."""
    if not isinstance(item, Mapping) or not isinstance(item.get("id"), str) or not item["id"]:
        raise ProviderError(
            "the service's video list holds an item without an id", method="GET", path=path
        )
    check_task_id(item["id"], method="GET", path=path)
    created = parse_time(item.get("create_at"))
    if created is None:
        raise ProviderError(
            f"the service's video list gives video {item['id']} an unreadable create_at "
            f"{item.get('create_at')!r}",
            method="GET",
            path=path,
        )
    url = duration = resolution = None
    for key in API.list_files:
        url, duration = _file(item.get(key))
        if url is not None:
            resolution = key.removeprefix("file_")
            break
    name = item.get("name")
    return RemoteVideo(
        id=item["id"],
        name=name if isinstance(name, str) and name else None,
        state=task_state(item.get("status")),
        created_at=created,
        duration=duration,
        resolution=resolution,
        url=url,
        spec=None,
    )


def task_video(data: Any, *, video_id: str, now: datetime, path: str) -> RemoteVideo:
    """A ``task/detail`` answer's ``data`` as a ``RemoteVideo``.

    The detail has no name or date: ``name`` is ``None`` and ``created_at`` the time of the
    check (``now``)."""
    if not isinstance(data, Mapping):
        raise ProviderError(
            "the service's task detail has no data object", method="POST", path=path
        )
    extra = data.get("additional_data")
    url, resolution = download_url(extra)
    duration = None
    if isinstance(extra, Mapping):
        duration = (
            _seconds(extra.get("video_duration"))
            or _file(extra.get("video_1080p"))[1]
            or _file(extra.get("video_720p"))[1]
        )
    message = data.get("message")
    return RemoteVideo(
        id=check_task_id(str(data.get("id") or video_id), method="POST", path=path),
        name=None,
        state=task_state(data.get("status")),
        created_at=now,
        duration=duration,
        resolution=resolution,
        url=url,
        message=message if isinstance(message, str) and message else None,
    )


def download_url(extra: Any) -> tuple[str | None, str | None]:
    """The best file of a detail's ``additional_data``: its URL and resolution (``1080p``)."""
    if not isinstance(extra, Mapping):
        return None, None
    for key in API.download_files:
        value = extra.get(key)
        url = value if isinstance(value, str) and value else _file(value)[0]
        if url is not None:
            return url, key.removeprefix("video_") if key.startswith("video_") else None
    return None, None
