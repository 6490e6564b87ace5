"""Reading HeyGen's answers into vidspec's values: the ``{"data": ...}`` envelope, a list page
(``has_more``, ``next_token``), a Video object, a bulk status, ids and unix-second times.

What a server sends is untrusted: an answer of the wrong shape is a ``ServerError`` naming the
call; an id that vidspec cannot use safely (``API.id_pattern``) is refused before it reaches a
path, a state file or a terminal; texts are escaped where they are shown.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from vidspec.core.errors import ServerError
from vidspec.core.escape import escape_text
from vidspec.core.videos import RemoteVideo, TaskState
from vidspec.providers.heygen.api import API


@dataclass(frozen=True)
class Page:
    """One page of a list: its items, and the token of the next one (``None``: the last)."""

    items: list[Any]
    next_token: str | None


def data_of(body: Any, *, method: str, path: str) -> Any:
    """The ``data`` of a success answer."""
    if not isinstance(body, Mapping) or "data" not in body:
        raise ServerError(
            "the service answered without the {data: ...} envelope", method=method, path=path
        )
    return body["data"]


def page_of(body: Any, *, path: str) -> Page:
    """A list answer: ``data`` a list, and a ``next_token`` while ``has_more`` is true."""
    items = data_of(body, method="GET", path=path)
    if not isinstance(items, list):
        raise ServerError("the service's list has no 'data' list", method="GET", path=path)
    more = body.get("has_more") is True
    token = body.get("next_token")
    if more and not (isinstance(token, str) and token):
        raise ServerError(
            "the service's list says has_more without a next_token", method="GET", path=path
        )
    return Page(items, token if more else None)


def check_id(value: Any, *, what: str = "video id", method: str, path: str) -> str:
    """``value`` when it is an id vidspec can use (``API.id_pattern``), else an error."""
    if isinstance(value, str) and API.id_pattern.fullmatch(value):
        return value
    shown = escape_text(value if isinstance(value, str) else repr(value))[:80]
    raise ServerError(
        f"the service answered a {what} vidspec cannot use: {shown}", method=method, path=path
    )


def unix_time(value: Any) -> datetime | None:
    """A unix-seconds timestamp [doc CLI] as a UTC time; ``None`` when absent or unreadable."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def state_of(status: Any) -> TaskState:
    if not isinstance(status, str):
        return API.unknown_state
    return API.task_states.get(status, API.unknown_state)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def video_of(item: Any, *, now: datetime, path: str) -> RemoteVideo:
    """A Video object (get, list, template generate) as a ``RemoteVideo``. A missing
    ``created_at`` (every field but ``id`` and ``status`` is nullable [doc]) reads as ``now``."""
    if not isinstance(item, Mapping):
        raise ServerError("the service answered a video that is not an object", path=path)
    state = state_of(item.get("status"))
    duration = item.get("duration")
    failure = [_text(item.get(k)) for k in ("failure_code", "failure_message")]
    return RemoteVideo(
        id=check_id(item.get("id"), method="GET", path=path),
        name=_text(item.get("title")),
        state=state,
        created_at=unix_time(item.get("created_at")) or now,
        duration=float(duration)
        if isinstance(duration, int | float) and not isinstance(duration, bool)
        else None,
        url=_text(item.get("video_url")) if state is TaskState.DONE else None,
        message=": ".join(f for f in failure if f) or None,
    )


def status_of(item: Any, *, now: datetime, path: str) -> RemoteVideo | None:
    """One entry of the bulk statuses call; ``None`` for ``not_found`` (or a batch entry). The
    call tells neither title nor creation time: ``created_at`` reads as ``now``."""
    if not isinstance(item, Mapping):
        raise ServerError("the service answered a status that is not an object", path=path)
    if item.get("status") == API.not_found_status or item.get("video_id") is None:
        return None
    error = item.get("error")
    message = None
    if isinstance(error, Mapping):
        message = ": ".join(t for t in (_text(error.get("code")), _text(error.get("message"))) if t)
    return RemoteVideo(
        id=check_id(item.get("video_id"), method="GET", path=path),
        name=None,
        state=state_of(item.get("status")),
        created_at=now,
        message=message or None,
    )


def idempotency_key(address: str, spec_hash: str, recorded_at: datetime) -> str:
    """The ``Idempotency-Key`` of one create: the same write-ahead record (address, spec hash,
    and when it was recorded) gives the same key, so a retry after a crash, in this command or
    the next, is replayed instead of made again; a new record (a later regenerate of the same
    spec) gives a new key [vidspec]."""
    text = f"{address}\n{spec_hash}\n{recorded_at.astimezone(timezone.utc).isoformat()}"
    return "vs-" + hashlib.sha256(text.encode()).hexdigest()[:32]
