"""The Vidnoz API v2, emulated: routing, auth, the one-request-a-second limit, the envelope.

Paths, on the root URL (``server.base_url`` is ``http://127.0.0.1:PORT``, as the real base is
``https://devapi.vidnoz.com``)::

    POST /v2/task/avatar-to-video  multipart form (vidnoz_form, vidnoz_rules) -> data {task_id}
    POST /v2/task/detail           form field id -> data {id, status, message, additional_data}
    GET  /v2/video/list            ?limit=1..10000&end_cursor=… -> data {total, end_cursor, videos}
    GET  /v2/avatar/list           data {total, avatars}   (vidnoz_catalog)
    GET  /v2/voice/list            data {total, voices}
    GET  /files/<hex id>_<720p|1080p>.mp4?expires=…&sig=…   the video file, no auth

Every API answer is the envelope ``{"code", "message", "data"}``; ``code`` 200 with ``ok`` is
success. Choices where the vendor is silent:

- Every envelope, errors included, comes with **HTTP 200**: 400 (a parameter, an unknown task
  id ``task not found: <id>``, ``insufficient credits: …``), 401 (missing or wrong
  ``Authorization: Bearer``), 803 (more than ``request_limit`` calls, by default 1 a second,
  counted over every authenticated call; a refused call is not counted). An unknown path is
  HTTP 404 and a wrong method HTTP 405 (with an envelope); gateway faults are bare 5xx.
- Order of checks: route, auth, the 803 limit, then the call itself.
- The list is newest first (creation time, then id), all statuses included; ``limit``
  defaults to 10; ``end_cursor`` is opaque (a key of the last item given: a task created
  while paging does not shift later pages) and ``""`` on the last page; ``total`` counts
  every task kept. ``file_720p``/``file_1080p`` are ``null`` until the video is generated.
- A file link (list, detail) stays valid until the video expires (``X-Amz-Expires=604800``
  on the vendor's links is 7 days), from any address; the file is a small fake MP4.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from vidspec.emulator.common.limits import SlidingWindow
from vidspec.emulator.common.media import fake_mp4
from vidspec.emulator.common.server import Reply, Request, Runtime
from vidspec.emulator.vidnoz import catalog
from vidspec.emulator.vidnoz.form import read_form
from vidspec.emulator.vidnoz.rules import (
    BAD_REQUEST,
    OK,
    TOO_FREQUENT,
    UNAUTHORIZED,
    VidnozError,
    parse_generation,
)
from vidspec.emulator.vidnoz.world import GENERATED, VideoRecord, VidnozWorld

DEFAULT_LIMIT = 10
MAX_LIMIT = 10000
QUALITIES = ("720p", "1080p")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

_FILE = re.compile(r"/files/([0-9a-f]+)_(720p|1080p)\.mp4")
_BEARER = re.compile(r"\s*bearer\s+(\S+)\s*", re.IGNORECASE)

Handler = Callable[[Request], Reply]


class VidnozService:
    """The emulated API in front of a ``VidnozWorld``."""

    base_path = ""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._world = VidnozWorld(runtime)
        self._calls = SlidingWindow(runtime.settings.request_limit, runtime.clock)
        self._link_key = secrets.token_bytes(32)
        self.too_frequent = 0  # calls answered 803 (HTTP 200): what a test counts as refused
        self._routes: dict[tuple[str, str], Handler] = {
            ("POST", "/v2/task/avatar-to-video"): self._create,
            ("POST", "/v2/task/detail"): self._detail,
            ("GET", "/v2/video/list"): self._list,
            ("GET", "/v2/avatar/list"): lambda _: _ok(catalog.avatar_list()),
            ("GET", "/v2/voice/list"): lambda _: _ok(catalog.voice_list()),
        }

    @property
    def world(self) -> VidnozWorld:
        return self._world

    def is_api(self, request: Request) -> bool:
        return request.path.startswith("/v2/")

    def handle(self, request: Request) -> Reply:
        if request.path.startswith("/files/"):
            return self._file(request)
        path = request.path.rstrip("/")
        handler = self._routes.get((request.method, path))
        if handler is None:
            if any(route == path for _, route in self._routes):
                return Reply.json(405, _envelope(405, f"method {request.method} not allowed"))
            return Reply.json(404, _envelope(404, "not found"))
        try:
            self._authorize(request)
            self._calls.set_rate(self._runtime.settings.request_limit)
            if self._calls.acquire() is not None:
                self.too_frequent += 1
                limit = self._runtime.settings.request_limit
                raise VidnozError(
                    TOO_FREQUENT,
                    f"requests too frequent: at most {limit.count} per {limit.seconds:g} s",
                )
            return handler(request)
        except VidnozError as exc:
            return Reply.json(200, _envelope(exc.code, exc.message))

    def _authorize(self, request: Request) -> None:
        match = _BEARER.fullmatch(request.header("authorization") or "")
        key = self._runtime.settings.token.encode()
        if match is None or not hmac.compare_digest(match.group(1).encode(), key):
            raise VidnozError(
                UNAUTHORIZED, "Unauthorized: the API key is missing, wrong or expired"
            )

    # -- the calls -------------------------------------------------------------------------

    def _create(self, request: Request) -> Reply:
        generation = parse_generation(read_form(request.header("content-type"), request.body))
        record = self._world.create(generation)
        return Reply.json(200, _envelope(OK, "ok", {"task_id": record.id}), losable=True)

    def _detail(self, request: Request) -> Reply:
        form = read_form(request.header("content-type"), request.body)
        task_id = form.get("id")
        if not isinstance(task_id, str) or not task_id.strip():
            raise VidnozError(BAD_REQUEST, "missing required field: id")
        record = self._world.get(task_id.strip())
        now = self._runtime.clock.now()
        status = record.status(now)
        extra: dict[str, Any] = {}
        if status == GENERATED:
            files = {q: self._file_info(request, record, q) for q in QUALITIES}
            extra = {
                "video_720p": files["720p"],
                "video_1080p": files["1080p"],
                "url": files["1080p"]["url"],
                "video_duration": record.generation.duration,
            }
        data = {
            "id": record.id,
            "status": status,
            "message": record.message(now),
            "additional_data": extra,
        }
        return _ok(data)

    def _list(self, request: Request) -> Reply:
        limit = _limit(request.param("limit"))
        after = _read_cursor(request.param("end_cursor") or "")
        now = self._runtime.clock.now()
        # The world keeps its records in created order: a page is a slice, not a sort.
        end = None if after is None else _cursor_key(after)
        older = self._world.in_created_order(None, end)
        page = [r for _, i in older[: -limit - 1 : -1] if (r := self._world.find(i)) is not None]
        more = len(older) > limit
        data = {
            "total": self._world.count(),
            "end_cursor": _cursor(page[-1]) if more and page else "",
            "videos": [self._item(request, record, now) for record in page],
        }
        return _ok(data)

    def _item(self, request: Request, record: VideoRecord, now: datetime) -> dict[str, Any]:
        status = record.status(now)
        generated = status == GENERATED
        return {
            "id": record.id,
            "name": record.name,
            "status": status,
            "create_at": record.created_at.astimezone(timezone.utc).strftime(TIME_FORMAT),
            "file_720p": self._file_info(request, record, "720p") if generated else None,
            "file_1080p": self._file_info(request, record, "1080p") if generated else None,
        }

    # -- files -----------------------------------------------------------------------------

    def _expires(self, record: VideoRecord) -> int:
        keep = timedelta(days=self._runtime.settings.file_retention_days)
        return int((record.created_at + keep).timestamp())

    def _signature(self, task_id: str, quality: str, expires: int) -> str:
        message = f"{task_id}:{quality}:{expires}".encode()
        return hmac.new(self._link_key, message, hashlib.sha256).hexdigest()[:32]

    def _file_info(self, request: Request, record: VideoRecord, quality: str) -> dict[str, Any]:
        expires = self._expires(record)
        url = (
            f"{request.root_url}/files/{record.id.encode().hex()}_{quality}.mp4"
            f"?expires={expires}&sig={self._signature(record.id, quality, expires)}"
        )
        size = len(video_bytes(record.id, quality))
        return {"url": url, "size": size, "duration": record.generation.duration}

    def _file(self, request: Request) -> Reply:
        match = _FILE.fullmatch(request.path)
        if request.method != "GET" or match is None:
            return Reply(404, b"", "text/plain")
        try:
            task_id = bytes.fromhex(match.group(1)).decode()
        except (ValueError, UnicodeDecodeError):
            return Reply(404, b"", "text/plain")
        quality = match.group(2)
        expires = request.param("expires") or ""
        valid = expires.isdigit() and hmac.compare_digest(
            request.param("sig") or "", self._signature(task_id, quality, int(expires))
        )
        if not valid or self._runtime.clock.now().timestamp() >= int(expires):
            return Reply(403, b"link expired or not valid\n", "text/plain")
        try:
            record = self._world.get(task_id)
        except VidnozError:
            return Reply(404, b"no such file\n", "text/plain")
        if record.status(self._runtime.clock.now()) != GENERATED:
            return Reply(404, b"no such file\n", "text/plain")
        return Reply(200, video_bytes(task_id, quality), "video/mp4")


def create_service(runtime: Runtime) -> VidnozService:
    return VidnozService(runtime)


def video_bytes(task_id: str, quality: str) -> bytes:
    """The file a link serves: a small deterministic fake MP4 per task and quality."""
    return fake_mp4(f"{task_id}/{quality}")


def _envelope(code: int, message: str, data: Any = None) -> dict[str, Any]:
    return {"code": code, "message": message, "data": data}


def _ok(data: Any) -> Reply:
    return Reply.json(200, _envelope(OK, "ok", data))


def _limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    value = int(raw) if re.fullmatch(r"\d+", raw.strip()) else None
    if value is None or not 1 <= value <= MAX_LIMIT:
        raise VidnozError(
            BAD_REQUEST, f"limit must be an integer from 1 to {MAX_LIMIT}, not {raw!r}"
        )
    return value


def _order(record: VideoRecord) -> tuple[str, str]:
    return (record.created_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f"), record.id)


def _cursor_key(after: tuple[str, str]) -> tuple[datetime, str]:
    """A cursor's ``_order`` as the world's (created_at, id) key: the first record after it."""
    moment = datetime.strptime(after[0], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=timezone.utc)
    return (moment, after[1])


def _cursor(record: VideoRecord) -> str:
    raw = json.dumps(list(_order(record))).encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _read_cursor(text: str) -> tuple[str, str] | None:
    if not text:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        value = json.loads(raw)
    except (binascii.Error, ValueError) as exc:
        raise VidnozError(BAD_REQUEST, f"bad end_cursor {text!r}: pass back the one given") from exc
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
        raise VidnozError(BAD_REQUEST, f"bad end_cursor {text!r}: pass back the one given")
    return (value[0], value[1])


__all__ = ["VidnozService", "create_service", "video_bytes"]
