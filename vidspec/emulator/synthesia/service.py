"""The Synthesia API v2, emulated: routing, auth, the limits, the answers.

Paths, on the root URL (``server.base_url`` is ``http://127.0.0.1:PORT``, as the real base is
``https://api.synthesia.io``) [doc SW]::

    POST   /v2/videos                      200 video object (in_progress), ``input`` echoed
    POST   /v2/videos/fromTemplate         201 video object
    GET    /v2/videos?limit&offset&source  {"videos": [...], "nextOffset": n}
    GET    /v2/videos/{id}                 200 video object
    PATCH  /v2/videos/{id}                 200 video object (title, description, visibility,
                                           ctaSettings)
    DELETE /v2/videos/{id}                 204, no body
    GET    /v2/templates?limit&offset&source   {"templates": [...], "nextOffset": n}
    GET    /v2/templates/{id}              the template
    GET    /files/<id>/<name>?Expires=&Signature=   the files a video object links (no key)
    GET    /_admin/catalog, /_admin/state  the emulator's own: what a create accepts; the
                                           videos kept and the credits they used (no key)

Errors are ``{"error", "context"}`` [doc SW]: 400 (every problem of the body or the query),
403 (``Authorization`` missing or not the raw key: ``{"error": "Forbidden", "context": "Wrong
API key."}``; ``Bearer <key>`` is refused too, as SW lists only a raw-key scheme), 404 (video
or template), 429 with ``RateLimit-Limit`` and ``RateLimit-Reset`` (``limits``).

Choices where the docs are silent [vidspec]:

- Order of checks: route (unknown path 404, wrong method 405), the key, the endpoint's
  windows (a refused call is not counted; one let through counts, even when its body is then
  refused), the body, the id, and for a test video the day's test videos (counted when one is
  made; over the limit: 429 ``RateLimit-Limit: 30``).
- Each write endpoint (POST, PATCH, DELETE) counts in ``synthesia_write_limits``, each read
  endpoint (GET) in ``synthesia_read_limits``, per endpoint (``synthesia_write_scope:
  shared``: one counter for writes).
  Test videos count in their endpoint's windows too (the same endpoint).
- A path id that is not a UUID is a 400 ``video_id: Not a valid UUID.``.
- The listing is newest first, every status included; ``nextOffset`` is there only while more
  videos remain; ``source`` (``workspace``, ``my_videos``, ``shared_with_me``) is checked but
  does not filter (all videos are the key's own). Templates' ``source`` (``workspace``,
  ``synthesia``) filters; without one, both are listed.
- An in-progress video can be updated and deleted.
- A lost answer (``lose_response_rate``) happens after the video was made.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from vidspec.emulator.common.server import Reply, Request, Runtime
from vidspec.emulator.synthesia import catalog
from vidspec.emulator.synthesia.limits import Breach, Windows
from vidspec.emulator.synthesia.objects import Links, video_json
from vidspec.emulator.synthesia.rules import (
    LIST_SOURCES,
    Creation,
    page_params,
    page_sources,
    parse_create,
    parse_from_template,
    parse_update,
)
from vidspec.emulator.synthesia.schema import SynthesiaError, is_uuid, read_json
from vidspec.emulator.synthesia.world import SynthesiaWorld, VideoRecord

TEST_COUNTER = "test videos"
_ID = r"/(?!fromTemplate$)([^/]+)"

Handler = Callable[[Request, str], Reply]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    endpoint: str  # the counter of "per endpoint" limits: "POST /v2/videos"
    write: bool
    handler: Handler


class SynthesiaService:
    """The emulated API in front of a ``SynthesiaWorld``."""

    base_path = ""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._world = SynthesiaWorld(runtime)
        self._windows = Windows(runtime.clock)
        self._links = Links()
        self._routes = [
            self._route("POST", "/v2/videos", True, self._create),
            self._route("GET", "/v2/videos", False, self._list),
            self._route("POST", "/v2/videos/fromTemplate", True, self._from_template),
            self._route("GET", "/v2/videos" + _ID, False, self._get),
            self._route("PATCH", "/v2/videos" + _ID, True, self._update),
            self._route("DELETE", "/v2/videos" + _ID, True, self._delete),
            self._route("GET", "/v2/templates", False, self._templates),
            self._route("GET", "/v2/templates" + _ID, False, self._template),
        ]

    @staticmethod
    def _route(method: str, pattern: str, write: bool, handler: Handler) -> Route:
        endpoint = f"{method} {pattern.replace(_ID, '/{id}')}"
        return Route(method, re.compile(pattern), endpoint, write, handler)

    @property
    def world(self) -> SynthesiaWorld:
        return self._world

    def is_api(self, request: Request) -> bool:
        return request.path.startswith("/v2/")

    def handle(self, request: Request) -> Reply:
        if request.path.startswith("/files/"):
            return self._links.serve(request, self._world, self._runtime.clock.now())
        if request.path.startswith("/_admin/"):
            return self._admin(request)
        try:
            route, param = self._find(request.method, request.path.rstrip("/"))
            self._authorize(request)
            breach = self._admit(route)
            if breach is not None:
                return _too_many(breach, route.endpoint)
            return route.handler(request, param)
        except SynthesiaError as exc:
            return Reply.json(exc.status, exc.document())

    def _find(self, method: str, path: str) -> tuple[Route, str]:
        matches = [(r, m) for r in self._routes if (m := r.pattern.fullmatch(path))]
        for route, match in matches:
            if route.method == method:
                return route, (match.group(1) if match.groups() else "")
        if matches:
            raise SynthesiaError(405, f"{method} is not allowed on {path}.")
        raise SynthesiaError(404, f"No such endpoint: {path}.")

    def _authorize(self, request: Request) -> None:
        sent = (request.header("authorization") or "").strip().encode("utf-8", "replace")
        if not hmac.compare_digest(sent, self._runtime.settings.token.encode()):
            raise SynthesiaError(403, "Wrong API key.")

    def _admit(self, route: Route) -> Breach | None:
        settings = self._runtime.settings
        if not route.write:
            return self._windows.admit(route.endpoint, settings.synthesia_read_limits)
        shared = settings.synthesia_write_scope == "shared"
        return self._windows.admit(
            "writes" if shared else route.endpoint, settings.synthesia_write_limits
        )

    # -- videos ----------------------------------------------------------------------------

    def _create(self, request: Request, _: str) -> Reply:
        return self._make(request, parse_create(read_json(request.body)), 200, "POST /v2/videos")

    def _from_template(self, request: Request, _: str) -> Reply:
        creation = parse_from_template(read_json(request.body))
        return self._make(request, creation, 201, "POST /v2/videos/fromTemplate")

    def _make(self, request: Request, creation: Creation, status: int, endpoint: str) -> Reply:
        if creation.test:
            breach = self._windows.admit(
                TEST_COUNTER, (self._runtime.settings.synthesia_test_video_limit,)
            )
            if breach is not None:
                return _too_many(breach, endpoint, what="test videos")
        record = self._world.create(creation)
        return Reply.json(status, self._video(request, record, echo=True), losable=True)

    def _list(self, request: Request, _: str) -> Reply:
        limit, offset = page_params(request.query, LIST_SOURCES)
        page, total = self._world.newest_first(offset, limit)
        document: dict[str, Any] = {"videos": [self._video(request, r) for r in page]}
        if offset + len(page) < total:
            document["nextOffset"] = offset + len(page)
        return Reply.json(200, document)

    def _get(self, request: Request, video_id: str) -> Reply:
        return Reply.json(200, self._video(request, self._world.get(_video_id(video_id))))

    def _update(self, request: Request, video_id: str) -> Reply:
        changes = parse_update(read_json(request.body))
        record = self._world.update(_video_id(video_id), changes)
        return Reply.json(200, self._video(request, record))

    def _delete(self, request: Request, video_id: str) -> Reply:
        self._world.delete(_video_id(video_id))
        return Reply(204, b"", "application/json")

    def _video(self, request: Request, record: VideoRecord, *, echo: bool = False) -> Any:
        now = self._runtime.clock.now()
        expires = int(
            (now + timedelta(seconds=self._runtime.settings.synthesia_link_seconds)).timestamp()
        )

        def link(name: str) -> str:
            return self._links.url(request, record, name, expires)

        return video_json(record, now, link, echo=echo)

    # -- templates -------------------------------------------------------------------------

    def _templates(self, request: Request, _: str) -> Reply:
        limit, offset = page_params(request.query, catalog.TEMPLATE_SOURCES)
        sources = tuple(page_sources(request.query)) or catalog.TEMPLATE_SOURCES
        found = catalog.templates(sources)
        page = found[offset : offset + limit]
        document: dict[str, Any] = {"templates": [catalog.template_json(t) for t in page]}
        if offset + len(page) < len(found):
            document["nextOffset"] = offset + len(page)
        return Reply.json(200, document)

    def _template(self, request: Request, template_id: str) -> Reply:
        if not is_uuid(template_id):
            raise SynthesiaError(400, "template_id: Not a valid UUID.")
        found = catalog.template(template_id)
        if found is None:
            raise SynthesiaError(404, "Template not found.")
        return Reply.json(200, catalog.template_json(found))

    # -- the emulator's own ----------------------------------------------------------------

    def _admin(self, request: Request) -> Reply:
        path = request.path.rstrip("/")
        if request.method == "GET" and path == "/_admin/catalog":
            return Reply.json(200, catalog.admin_json())
        if request.method == "GET" and path == "/_admin/state":
            state = {"videos": self._world.count(), "creditsSpent": self._world.credits_spent}
            return Reply.json(200, state)
        return Reply.json(404, SynthesiaError(404, f"No such endpoint: {path}.").document())


def create_service(runtime: Runtime) -> SynthesiaService:
    return SynthesiaService(runtime)


def _video_id(raw: str) -> str:
    if not is_uuid(raw):
        raise SynthesiaError(400, "video_id: Not a valid UUID.")
    return raw


def _too_many(breach: Breach, endpoint: str, *, what: str = "requests") -> Reply:
    context = (
        f"More than {breach.rate.count} {what} in {breach.rate.seconds:g} seconds to "
        f"{endpoint}; retry in {breach.reset} seconds."
    )
    body = SynthesiaError(429, context).document()
    return Reply.json(429, body, headers=breach.headers)


__all__ = ["SynthesiaService", "create_service"]
