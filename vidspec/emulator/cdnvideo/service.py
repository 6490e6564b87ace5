"""The CDNvideo Talking Head API, emulated: routing, auth, limits and the answers' shapes.

Paths (``{api}`` is ``/app/th-api/v1/accounts/<account>``)::

    GET    {api}/configurations          catalog and quota
    POST   {api}/generate                202 {"status":"ok","id":…}
    GET    {api}/tasks/<id>              {"status":"ok","task":{id,attempts,status,message}}
    DELETE {api}/tasks/<id>              cancel while not processed
    GET    {api}/videos                  listing (see listing.py)
    GET    {api}/videos/<id>/download    {"status":"ok","url":…} -> GET /files/<id>.mp4?sig=…
    PATCH  {api}/videos/<id>             {"video_name": …}
    DELETE {api}/videos/<id>
    POST   /app/oauth/v1/token/          form username, password -> a cdn2_ token

Choices where the vendor page is silent:

- Order of checks on an API call: route (unknown path: 404, empty body), ``CDN-AUTH-TOKEN``
  and account (403 ``invalid account``), the monthly cap, the POST window, then the body.
- Every authenticated API call counts towards ``monthly_requests`` (calendar month of the
  emulator's clock), refused ones included; an unauthenticated call, a gateway fault, a
  login and a file download do not. Over the cap the answer is **403** ``monthly request
  limit exceeded: N requests per month`` (403 is a documented status; a 429 with a
  Retry-After of weeks would stall a client that honours it).
- A create the quota cannot pay for (its minutes, plus those of tasks still in flight, over
  ``quota.left``) is **403** ``not enough quota: …``.
- Only ``POST /generate`` counts towards ``post_limit``, every attempt that passes auth
  (invalid bodies included); refused ones answer 429 ``too many requests`` with an
  integer ``Retry-After``.
- Download, while not processed: 400 ``wrong task status: IN_QUEUE`` (or ``PROCESSING``,
  ``CANCELED``), the same form as a refused cancel. Deleting works in any state.
- The download link is valid 6 hours on the emulator's clock and only from the asking IP
  (403 otherwise); the file is a small deterministic fake MP4.
- Login: 20 calls a minute (429), wrong credentials 401 ``invalid username or password``,
  7 wrong in a row block the username for 3 hours (403). Issued tokens live 6 hours on the
  clock and are kept in memory only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

from vidspec.core.rate import Rate
from vidspec.emulator.cdnvideo import catalog, listing
from vidspec.emulator.cdnvideo.rules import ApiError, parse_generation
from vidspec.emulator.cdnvideo.world import (
    CANCELED,
    MESSAGES,
    PROCESSED,
    CdnVideoWorld,
    VideoRecord,
)
from vidspec.emulator.common.limits import SlidingWindow
from vidspec.emulator.common.media import fake_mp4
from vidspec.emulator.common.server import Reply, Request, Runtime

API_PREFIX = "/app/th-api/v1"
LOGIN_PATH = "/app/oauth/v1/token/"
FILES_PREFIX = "/files/"
LOGIN_RATE = Rate(20, 60.0)
TOKEN_LIFETIME = timedelta(hours=6)
LINK_LIFETIME = timedelta(hours=6)


def _expiry(now: datetime) -> int:
    """When a link made ``now`` stops working (Unix seconds)."""
    return int((now + LINK_LIFETIME).timestamp())


FAILED_LOGINS_BEFORE_BAN = 7
BAN_TIME = timedelta(hours=3)
PERSON_ID = 100042

_ACCOUNT = re.compile(r"/accounts/([^/]+)(/.*)?")
_FILE = re.compile(r"/files/([0-9A-Za-z-]+)\.mp4")

Handler = Callable[[Request, str], Reply]


class CdnVideoService:
    """The emulated API in front of a ``CdnVideoWorld``."""

    base_path = API_PREFIX

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._world = CdnVideoWorld(runtime)
        self._posts = SlidingWindow(runtime.settings.post_limit, runtime.clock)
        self._logins = SlidingWindow(LOGIN_RATE, runtime.clock)
        self._lock = threading.Lock()
        self._tokens: dict[str, datetime] = {}
        self._failed_logins: dict[str, int] = {}
        self._banned_until: dict[str, datetime] = {}
        # signs download links; copied for each link (the key's HMAC state made once)
        self._link_mac = hmac.new(secrets.token_bytes(32), digestmod=hashlib.sha256)
        self._routes: dict[tuple[str, str], Handler] = {
            ("GET", "configurations"): self._configurations,
            ("POST", "generate"): self._generate,
            ("GET", "tasks/*"): self._task,
            ("DELETE", "tasks/*"): self._cancel,
            ("GET", "videos"): self._list,
            ("GET", "videos/*/download"): self._download,
            ("PATCH", "videos/*"): self._rename,
            ("DELETE", "videos/*"): self._delete,
        }

    @property
    def world(self) -> CdnVideoWorld:
        return self._world

    def is_api(self, request: Request) -> bool:
        return request.path.startswith("/app/")

    def handle(self, request: Request) -> Reply:
        try:
            if request.path.startswith(API_PREFIX + "/"):
                return self._api(request)
            if request.path.rstrip("/") == LOGIN_PATH.rstrip("/"):
                return self._login(request)
            if request.path.startswith(FILES_PREFIX):
                return self._file(request)
            return Reply(404, b"", "text/plain")
        except ApiError as exc:
            return _error(exc.status, exc.message, exc.headers)

    # -- the API ---------------------------------------------------------------------------

    def _api(self, request: Request) -> Reply:
        match = _ACCOUNT.fullmatch(request.path[len(API_PREFIX) :])
        if match is None:
            return Reply(404, b"", "text/plain")
        account, rest = match.group(1), (match.group(2) or "/").strip("/")
        parts = rest.split("/")
        pattern = "/".join("*" if i == 1 and len(parts) > 1 else p for i, p in enumerate(parts))
        handler = self._routes.get((request.method, pattern))
        if handler is None:
            if any(key[1] == pattern for key in self._routes):
                return _error(405, f"method {request.method} not allowed")
            return Reply(404, b"", "text/plain")
        settings = self._runtime.settings
        if not self._authorized(request.header("cdn-auth-token")) or (
            settings.account is not None and account != settings.account
        ):
            return _error(403, "invalid account")
        if self._world.count_request() > settings.monthly_requests:
            return _error(
                403,
                f"monthly request limit exceeded: {settings.monthly_requests} requests per month",
            )
        return handler(request, parts[1] if len(parts) > 1 else "")

    def _authorized(self, token: str | None) -> bool:
        if not token:
            return False
        if hmac.compare_digest(token.encode(), self._runtime.settings.token.encode()):
            return True
        with self._lock:
            expires = self._tokens.get(token)
        return expires is not None and self._runtime.clock.now() < expires

    def _configurations(self, request: Request, _: str) -> Reply:
        settings = self._runtime.settings
        return Reply.json(200, catalog.configurations(settings.quota_limit, self._world.quota_left))

    def _generate(self, request: Request, _: str) -> Reply:
        self._posts.set_rate(self._runtime.settings.post_limit)
        wait = self._posts.acquire()
        if wait is not None:
            raise ApiError(429, "too many requests", (("Retry-After", str(wait)),))
        record = self._world.create(parse_generation(_json_body(request)))
        return Reply.json(202, {"status": "ok", "id": record.id}, losable=True)

    def _task(self, request: Request, video_id: str) -> Reply:
        record = self._world.get(video_id)
        return Reply.json(200, {"status": "ok", "task": self._task_body(record)})

    def _cancel(self, request: Request, video_id: str) -> Reply:
        self._world.cancel(video_id)
        return Reply.json(200, {"status": "ok"})

    def _task_body(self, record: VideoRecord) -> dict[str, Any]:
        now = self._runtime.clock.now()
        status = record.status(now)
        return {
            "id": record.id,
            "attempts": record.attempts(now),
            "status": status,
            "message": MESSAGES[status],
        }

    def _list(self, request: Request, _: str) -> Reply:
        query = listing.parse_query(request)
        now = self._runtime.clock.now()
        expires = _expiry(now)  # one expiry for the page's links
        items = listing.list_items(
            self._world,
            query,
            now,
            in_progress=self._runtime.settings.list_in_progress,
            url_for=lambda record: self._link(request, record, expires),
        )
        return Reply.json(200, items)

    def _download(self, request: Request, video_id: str) -> Reply:
        record = self._world.get(video_id)
        status = record.status(self._runtime.clock.now())
        if status != PROCESSED:
            raise ApiError(400, f"wrong task status: {status.upper()}")
        return Reply.json(200, {"status": "ok", "url": self._link(request, record)})

    def _rename(self, request: Request, video_id: str) -> Reply:
        body = _json_body(request)
        if not isinstance(body, dict):
            raise ApiError(400, "request body must be a JSON object")
        extra = sorted(k for k in body if k != "video_name")
        if extra:
            raise ApiError(422, "unknown parameter: " + ", ".join(extra))
        self._world.get(video_id)
        if "video_name" in body:
            name = body["video_name"]
            if name is not None and not isinstance(name, str):
                raise ApiError(400, "field video_name must be a string")
            self._world.rename(video_id, name)
        return Reply.json(200, {"status": "ok", "message": "success"})

    def _delete(self, request: Request, video_id: str) -> Reply:
        self._world.delete(video_id)
        return Reply.json(200, {"status": "ok", "message": "success"})

    # -- download links and files ----------------------------------------------------------

    def _link(self, request: Request, record: VideoRecord, expires: int | None = None) -> str:
        """A signed link to the file; ``expires``: a whole page's (else from the clock)."""
        if expires is None:
            expires = _expiry(self._runtime.clock.now())
        return f"{request.root_url}/files/{record.id}.mp4?sig={expires}-" + self._signature(
            record.id, expires, request.client_ip
        )

    def _signature(self, video_id: str, expires: int, client_ip: str) -> str:
        # a copy of the key's HMAC state: a page of 1000 links took ~40 ms through hmac.new
        mac = self._link_mac.copy()
        mac.update(f"{video_id}:{expires}:{client_ip}".encode())
        return mac.hexdigest()[:32]

    def _file(self, request: Request) -> Reply:
        match = _FILE.fullmatch(request.path)
        if request.method != "GET" or match is None:
            return Reply(404, b"", "text/plain")
        video_id = match.group(1)
        expires_text, _, signature = (request.param("sig") or "").partition("-")
        valid = expires_text.isdigit() and hmac.compare_digest(
            signature, self._signature(video_id, int(expires_text), request.client_ip)
        )
        if not valid or self._runtime.clock.now().timestamp() >= int(expires_text):
            return Reply(403, b"link expired or not valid from this address\n", "text/plain")
        try:
            record = self._world.get(video_id)
        except ApiError:
            return Reply(404, b"no such file\n", "text/plain")
        if record.status(self._runtime.clock.now()) != PROCESSED:
            return Reply(404, b"no such file\n", "text/plain")
        return Reply(200, fake_mp4(record.id), "video/mp4")

    # -- login -----------------------------------------------------------------------------

    def _login(self, request: Request) -> Reply:
        if request.method != "POST":
            return _error(405, f"method {request.method} not allowed")
        wait = self._logins.acquire()
        if wait is not None:
            raise ApiError(429, "too many requests", (("Retry-After", str(wait)),))
        form = parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
        username = (form.get("username") or [""])[0]
        password = (form.get("password") or [""])[0]
        for name, value in (("username", username), ("password", password)):
            if not value:
                raise ApiError(400, f"missing required field: {name}")
        settings = self._runtime.settings
        now = self._runtime.clock.now()
        with self._lock:
            banned = self._banned_until.get(username)
            if banned is not None and now < banned:
                raise ApiError(403, "too many failed logins: the account is blocked for 3 hours")
            ok = hmac.compare_digest(username.encode(), settings.username.encode()) and (
                hmac.compare_digest(password.encode(), settings.password.encode())
            )
            if not ok:
                failed = self._failed_logins.get(username, 0) + 1
                self._failed_logins[username] = failed
                if failed >= FAILED_LOGINS_BEFORE_BAN:
                    self._banned_until[username] = now + BAN_TIME
                    self._failed_logins[username] = 0
                raise ApiError(401, "invalid username or password")
            self._failed_logins.pop(username, None)
            token = "cdn2_" + secrets.token_hex(24)
            self._tokens[token] = now + TOKEN_LIFETIME
        lifetime = int(TOKEN_LIFETIME.total_seconds() * 1000)
        return Reply.json(
            200, {"status": 200, "person_id": PERSON_ID, "token": token, "lifetime": lifetime}
        )


def create_service(runtime: Runtime) -> CdnVideoService:
    return CdnVideoService(runtime)


def _error(status: int, message: str, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    return Reply.json(status, {"status": "ERROR", "message": message}, headers=headers)


def _json_body(request: Request) -> Any:
    try:
        return json.loads(request.body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"invalid JSON: {exc.reason}") from exc
    except json.JSONDecodeError as exc:
        raise ApiError(
            400, f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc


__all__ = ["CANCELED", "CdnVideoService", "create_service"]
