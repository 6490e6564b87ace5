"""The HeyGen API v3, emulated: routing, auth, request limits, idempotency, the catalog calls.

Paths, on the root URL (``server.base_url`` is ``http://127.0.0.1:PORT``, as the real base is
``https://api.heygen.com``), each answered as HeyGen documents it::

    POST   /v3/videos                  create (type: avatar)        -> videos, rules
    GET    /v3/videos?limit&token&folder_id&title                   -> videos, paging
    GET    /v3/videos/statuses?video_ids=a,b&batch_ids=             -> videos
    GET    /v3/videos/{id}             one video, fresh file links
    DELETE /v3/videos/{id}             -> {"data": {"id", "deleted": true}}
    GET    /v3/templates, /v3/templates/{id}; POST /v3/templates/{id}  (templating)
    GET    /v3/avatars, /v3/avatars/looks, /v3/voices, /v3/users/me     (catalog)
    GET    /files/<kind>/<id>.<ext>?Expires=&Signature=                 (files; no key)

Auth is the header ``x-api-key`` [doc QS]; ``Authorization: Bearer`` (an OAuth app's) is read
the same way [vidspec: the emulator has one key]. Missing or wrong: 401 ``unauthorized``; the
``heygen_readonly_token`` key is valid but every write (POST, DELETE) is 403 ``forbidden``
[vidspec]. Every API answer carries ``X-Request-Id`` [doc CLI: error answers do; vidspec:
all]. Choices where the docs are silent [vidspec]:

- order of checks: route (unknown path 404 ``not_found``, wrong method 405), auth, the request
  windows, the read-only key, the ``Idempotency-Key`` (replay or 409), then the call;
- request windows: HeyGen says every endpoint is rate limited and publishes no number [doc
  ENT], so there are none by default; ``heygen_read_limits`` (GET) and
  ``heygen_write_limits`` (POST, DELETE) take any number of windows (60 a minute *and* 1,000 a
  day); over one: 429 ``rate_limit_exceeded`` with ``Retry-After`` (seconds), not counted;
- a lost answer (``lose_response_rate``) loses only a create that did its work (a first
  answer, never a replay); the video is made and its replay kept.

There is no test mode in v3 [doc]: a ``test`` field is an unknown field, ignored, and the
video is billed. Not emulated: batches, webhooks (``callback_url`` is accepted, never called),
``image`` / ``cinematic_avatar`` / ``studio`` videos.
"""

from __future__ import annotations

import hmac
import json
import re
import threading
from collections.abc import Callable
from typing import Any

from vidspec.emulator.common.limits import SlidingWindows
from vidspec.emulator.common.server import Reply, Request, Runtime
from vidspec.emulator.heygen import catalog, paging
from vidspec.emulator.heygen.answers import listed, ok
from vidspec.emulator.heygen.errors import (
    FORBIDDEN,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    TOO_MANY,
    UNAUTHORIZED,
    HeygenError,
    invalid,
)
from vidspec.emulator.heygen.files import Links
from vidspec.emulator.heygen.idempotency import HEADER, Replays
from vidspec.emulator.heygen.videos import Videos
from vidspec.emulator.heygen.world import HeygenWorld

Handler = Callable[[Request, str], Reply]
WRITES = ("POST", "DELETE", "PATCH", "PUT")

_BEARER = re.compile(r"\s*bearer\s+(\S+)\s*", re.IGNORECASE)
_ID = r"([A-Za-z0-9_.:-]+)"


class HeygenService:
    """The emulated API in front of a ``HeygenWorld``."""

    base_path = ""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._world = HeygenWorld(runtime)
        self._links = Links(runtime)
        self._videos = Videos(runtime, self._world, self._links)
        self._replays = Replays(runtime)
        self._idempotent = threading.Lock()  # one keyed create at a time: replay or make
        settings = runtime.settings
        self._reads = SlidingWindows(settings.heygen_read_limits, runtime.clock)
        self._writes = SlidingWindows(settings.heygen_write_limits, runtime.clock)
        v = self._videos
        self._routes: list[tuple[re.Pattern[str], dict[str, Handler]]] = [
            (
                re.compile(r"/v3/videos"),
                {"GET": _plain(v.list), "POST": self._keyed(_plain(v.create))},
            ),
            (re.compile(r"/v3/videos/statuses"), {"GET": _plain(v.statuses)}),
            (re.compile(rf"/v3/videos/{_ID}"), {"GET": v.get, "DELETE": v.delete}),
            (re.compile(r"/v3/templates"), {"GET": _plain(self._templates)}),
            (
                re.compile(rf"/v3/templates/{_ID}"),
                {"GET": self._template, "POST": self._keyed(v.generate)},
            ),
            (re.compile(r"/v3/avatars"), {"GET": _plain(self._groups)}),
            (re.compile(r"/v3/avatars/looks"), {"GET": _plain(self._looks)}),
            (re.compile(r"/v3/voices"), {"GET": _plain(self._voices)}),
            (re.compile(r"/v3/users/me"), {"GET": _plain(self._me)}),
        ]

    @property
    def world(self) -> HeygenWorld:
        return self._world

    def is_api(self, request: Request) -> bool:
        return request.path.startswith("/v3/")

    def handle(self, request: Request) -> Reply:
        if request.path.startswith("/files/"):
            return self._links.serve(request, self._world)
        try:
            handler, arg = self._route(request)
            self._authorize(request)
            self._limit(request)
            return handler(request, arg)
        except HeygenError as exc:
            return exc.reply()

    def _route(self, request: Request) -> tuple[Handler, str]:
        path = request.path.rstrip("/")
        for pattern, methods in self._routes:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            handler = methods.get(request.method)
            if handler is None:
                raise HeygenError(
                    METHOD_NOT_ALLOWED,
                    "method_not_allowed",
                    f"{request.method} is not allowed on {path}",
                )
            return handler, match.group(1) if pattern.groups else ""
        raise HeygenError(NOT_FOUND, "not_found", f"no such endpoint: {path}")

    def _authorize(self, request: Request) -> None:
        sent = request.header("x-api-key")
        if sent is None:
            bearer = _BEARER.fullmatch(request.header("authorization") or "")
            sent = bearer.group(1) if bearer else None
        settings = self._runtime.settings
        if sent is not None and _same(sent, settings.token):
            return
        readonly = settings.heygen_readonly_token
        if sent is not None and readonly is not None and _same(sent, readonly):
            if request.method in WRITES:
                raise HeygenError(
                    FORBIDDEN, "forbidden", "this API key may not create or delete anything"
                )
            return
        raise HeygenError(UNAUTHORIZED, "unauthorized", "the API key is missing or invalid")

    def _limit(self, request: Request) -> None:
        settings = self._runtime.settings
        writes = request.method in WRITES
        windows = self._writes if writes else self._reads
        windows.set_rates(settings.heygen_write_limits if writes else settings.heygen_read_limits)
        wait = windows.acquire()
        if wait is not None:
            raise HeygenError(
                TOO_MANY,
                "rate_limit_exceeded",
                f"too many {'write' if writes else 'read'} requests; retry after {wait} s",
                retry_after=wait,
            )

    def _keyed(self, handler: Handler) -> Handler:
        """``handler`` behind ``Idempotency-Key``: a known key replays (or 409s), a new one
        keeps a successful answer for the next retry."""

        def keyed(request: Request, arg: str) -> Reply:
            key = Replays.key_of(request.header(HEADER))
            if key is None:
                return handler(request, arg)
            scope = f"{request.method} {request.path.rstrip('/')}"
            with self._idempotent:
                replay = self._replays.replay(scope, key)
                if replay is not None:
                    return replay
                reply = handler(request, arg)
                if 200 <= reply.status < 300:
                    self._replays.remember(scope, key, json.loads(reply.body))
                return reply

        return keyed

    # -- the catalog calls -----------------------------------------------------------------

    def _page(self, request: Request, items: list[Any], default: int, high: int) -> Reply:
        limit = paging.limit_of(request.param("limit"), default=default, high=high)
        page, following = paging.offset_page(items, limit, request.param("token"))
        return listed(page, following)

    def _groups(self, request: Request) -> Reply:
        items = catalog.group_items(request.root_url, _choice(request, "ownership", _OWNERSHIP))
        return self._page(request, items, 20, 50)

    def _looks(self, request: Request) -> Reply:
        items = catalog.look_items(
            request.root_url,
            request.param("group_id") or None,
            _choice(request, "avatar_type", _AVATAR_TYPES),
            _choice(request, "ownership", _OWNERSHIP),
        )
        return self._page(request, items, 20, 50)

    def _voices(self, request: Request) -> Reply:
        items = catalog.voice_items(
            request.root_url,
            _choice(request, "type", _OWNERSHIP) or "public",
            request.param("language") or None,
            request.param("gender") or None,
        )
        return self._page(request, items, 20, 100)

    def _templates(self, request: Request) -> Reply:
        return self._page(request, catalog.template_items(request.root_url), 10, 100)

    def _template(self, request: Request, template_id: str) -> Reply:
        template = catalog.TEMPLATES_BY_ID.get(template_id)
        if template is None:
            raise HeygenError(NOT_FOUND, "not_found", f"template {template_id!r} not found")
        return ok(catalog.template_detail(request.root_url, template))

    def _me(self, request: Request) -> Reply:
        return ok(
            {
                "username": "vidspec-emulator",
                "email": "emulator@example.com",
                "first_name": "Vidspec",
                "last_name": "Emulator",
                "billing_type": "wallet",
                "wallet": {
                    "currency": "usd",
                    "remaining_balance": self._world.wallet_usd,
                    "auto_reload": {"enabled": False, "amount_usd": None, "threshold_usd": None},
                },
                "subscription": None,
                "usage_based": None,
            }
        )


_OWNERSHIP = ("public", "private")
_AVATAR_TYPES = ("studio_avatar", "digital_twin", "photo_avatar")


def _plain(call: Callable[[Request], Reply]) -> Handler:
    return lambda request, _: call(request)


def _choice(request: Request, name: str, allowed: tuple[str, ...]) -> str | None:
    value = request.param(name) or None
    if value is not None and value not in allowed:
        raise invalid(name, f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _same(sent: str, expected: str) -> bool:
    return hmac.compare_digest(sent.encode(), expected.encode())


def create_service(runtime: Runtime) -> HeygenService:
    return HeygenService(runtime)


__all__ = ["HeygenService", "create_service"]
