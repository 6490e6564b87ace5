"""Synthesia's answers read into values, checked as they are read: the video object, a page of
a listing, a template; and the ids and callback ids vidspec sends.

What a server sends is untrusted: an id that is not a UUID, a missing ``id`` or ``status``, a
page that is no list are errors naming the call; anything a user will see is escaped where it
is shown (``ProviderError`` escapes what it carries).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from vidspec.core.errors import ProviderError
from vidspec.core.videos import RemoteVideo, TaskState
from vidspec.providers.synthesia.api import API

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_DURATION = re.compile(r"(\d+):([0-5]?\d):([0-5]?\d(?:\.\d+)?)")
_KEY = re.compile(API.callback_key_chars + "+")


@dataclass(frozen=True)
class Video:
    """One video object [doc VID], the fields vidspec reads."""

    id: str
    status: str
    state: TaskState
    title: str | None
    description: str | None
    visibility: str | None
    aspect_ratio: str | None
    callback_id: str | None
    test: bool
    created_at: datetime
    download: str | None
    duration: float | None

    @property
    def managed(self) -> bool:
        """Made by vidspec: its ``callbackId`` carries vidspec's prefix."""
        return self.callback_id is not None and self.callback_id.startswith(API.callback_prefix)

    def remote(self) -> RemoteVideo:
        """The provider-neutral value; ``spec`` holds the request fields the object reports."""
        reported = {
            "title": self.title,
            "description": self.description,
            "visibility": self.visibility,
            "aspectRatio": self.aspect_ratio,
        }
        message = "rejected by moderation" if self.status == API.rejected_status else None
        return RemoteVideo(
            id=self.id,
            name=self.title,
            state=self.state,
            created_at=self.created_at,
            duration=self.duration,
            url=self.download,
            spec={k: v for k, v in reported.items() if v is not None},
            message=message if self.state is TaskState.FAILED else None,
            key=self.callback_id[len(API.callback_prefix) :]
            if self.callback_id is not None and self.managed
            else None,
        )


@dataclass(frozen=True)
class Variable:
    """A template's variable [doc TPL]: its name (``id``), type and default ``value``."""

    name: str
    type: str
    default: Any


@dataclass(frozen=True)
class Template:
    """A template [doc TPL; SW]: what ``POST /v2/videos/fromTemplate`` takes."""

    id: str
    title: str
    description: str
    variables: tuple[Variable, ...]

    def variable(self, name: str) -> Variable | None:
        return next((v for v in self.variables if v.name == name), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "variables": [
                {"id": v.name, "type": v.type, "value": v.default} for v in self.variables
            ],
        }


def is_uuid(value: object) -> bool:
    return isinstance(value, str) and _UUID.fullmatch(value) is not None


def check_id(value: object, *, what: str, method: str, path: str) -> str:
    """``value`` when it is a UUID (every Synthesia id is [doc SW ``format: uuid``]), else an
    error naming the call: a path built from it could go anywhere."""
    if is_uuid(value):
        return str(value)
    raise ProviderError(
        f"the service answered a {what} id that is not a UUID: {str(value)[:80]!r}",
        method=method,
        path=path,
    )


def callback_id(key: str) -> str:
    """The ``callbackId`` vidspec sends for a caller's key (``vs:<key>``); ``ValueError`` for
    a key that is empty, too long, or holds other characters than an address's or a hash's."""
    if not 0 < len(key) <= API.callback_key_max or _KEY.fullmatch(key) is None:
        raise ValueError(
            f"a callback key is 1 to {API.callback_key_max} of letters, digits and . _ : - [ ],"
            f" not {key[:80]!r}"
        )
    return API.callback_prefix + key


def read_video(doc: Any, *, method: str, path: str) -> Video:
    """A video object, checked; ``ProviderError`` when it is no object or lacks its id."""
    if not isinstance(doc, Mapping):
        raise ProviderError(
            "the service answered a video that is not an object", method=method, path=path
        )
    video_id = check_id(doc.get("id"), what="video", method=method, path=path)
    status = doc.get("status")
    if not isinstance(status, str) or not status:
        raise ProviderError(
            f"the service answered video {video_id} without a status", method=method, path=path
        )
    created = _time(doc.get("createdAt"))
    if created is None:
        raise ProviderError(
            f"the service answered video {video_id} without a createdAt time",
            method=method,
            path=path,
        )
    return Video(
        id=video_id,
        status=status,
        state=API.task_states.get(status, API.running_state),
        title=_text(doc.get("title")),
        description=_text(doc.get("description")),
        visibility=_text(doc.get("visibility")),
        aspect_ratio=_text(doc.get("aspectRatio")),
        callback_id=_text(doc.get("callbackId")),
        test=doc.get("test") is True,
        created_at=created,
        download=_text(doc.get("download")),
        duration=parse_duration(doc.get("duration")),
    )


def read_page(body: Any, key: str, *, path: str) -> tuple[list[Any], int | None]:
    """A listing's items under ``key`` and its ``nextOffset`` (``None``: the last page)."""
    items = body.get(key) if isinstance(body, Mapping) else None
    if not isinstance(items, list):
        raise ProviderError(f"the service's listing has no {key!r} list", method="GET", path=path)
    following = body.get("nextOffset")
    if isinstance(following, bool) or not isinstance(following, int):
        following = None
    return items, following


def read_template(doc: Any, *, path: str) -> Template:
    if not isinstance(doc, Mapping):
        raise ProviderError(
            "the service answered a template that is not an object", method="GET", path=path
        )
    variables = []
    for raw in doc.get("variables") or []:
        if isinstance(raw, Mapping) and isinstance(raw.get("id"), str) and raw["id"]:
            variables.append(
                Variable(raw["id"], str(raw.get("type") or "string"), raw.get("value"))
            )
    return Template(
        id=check_id(doc.get("id"), what="template", method="GET", path=path),
        title=_text(doc.get("title")) or "",
        description=_text(doc.get("description")) or "",
        variables=tuple(variables),
    )


def parse_duration(value: object) -> float | None:
    """Seconds of ``"0:00:59.000000"`` [doc VID], or ``None`` when absent or unreadable."""
    match = _DURATION.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    return int(match.group(1)) * 3600 + int(match.group(2)) * 60 + float(match.group(3))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _time(value: object) -> datetime | None:
    """Unix seconds [doc: "Timestamps are unix seconds"] as a UTC time."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
