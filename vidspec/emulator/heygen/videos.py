"""The video calls of the emulated HeyGen API v3: create, get, list, bulk statuses, delete,
and a video from a template; each answer in the shape HeyGen documents.

- ``POST /v3/videos`` answers ``{"data": {"video_id", "status": "waiting", "output_format"}}``
  with HTTP 200 [doc CLI; the status code: vidspec];
- get and list share one Video object [doc CLI]: ``id``, ``status``, ``title``, unix-second
  ``created_at`` / ``completed_at``, ``duration``, the presigned URLs (``null`` until
  ``completed``), ``folder_id``, ``video_page_url``, and ``failure_code`` /
  ``failure_message`` only when ``failed``. Neither returns ``callback_id``, the script, the
  avatar or the voice [doc]. ``completed_at`` is set for failed videos too and ``duration``
  only once completed; ``captioned_video_url`` only when captions were burned in [vidspec];
- the list is newest first [vidspec], every status included [doc, by the schema]; ``title``
  is a substring filter that ignores case, ``folder_id`` an exact one [vidspec];
- ``GET /v3/videos/statuses`` takes up to 100 comma-separated ``video_ids`` [doc CLI] (more:
  400 [vidspec]) and answers each in the statuses vocabulary: ``queued`` (= pending),
  ``processing``, ``completed``, ``failed`` (with ``error: {code, message}``), ``not_found``;
  batches are not emulated, so each ``batch_ids`` entry is ``not_found`` [vidspec].
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from vidspec.emulator.common.server import Reply, Request, Runtime
from vidspec.emulator.heygen import paging
from vidspec.emulator.heygen.answers import json_body, listed, losable, ok
from vidspec.emulator.heygen.catalog import TEMPLATES_BY_ID
from vidspec.emulator.heygen.errors import NOT_FOUND, HeygenError, invalid
from vidspec.emulator.heygen.files import Links
from vidspec.emulator.heygen.rules import parse_create
from vidspec.emulator.heygen.templating import parse_generate
from vidspec.emulator.heygen.world import (
    COMPLETED,
    FAILED,
    PENDING,
    RENDERING_FAILED,
    HeygenWorld,
    VideoRecord,
)

MAX_LIMIT = 100
DEFAULT_LIMIT = 10
MAX_STATUS_IDS = 100
_TIME_KEY = "%Y-%m-%dT%H:%M:%S.%f%z"


class Videos:
    """The video endpoints in front of a ``HeygenWorld``."""

    def __init__(self, runtime: Runtime, world: HeygenWorld, links: Links) -> None:
        self._runtime = runtime
        self._world = world
        self._links = links

    def video_json(self, record: VideoRecord, root: str, now: datetime) -> dict[str, Any]:
        """The Video object of ``record`` as get and list answer it now (fresh links)."""
        status = record.status(now)
        done = status == COMPLETED
        generation = record.generation

        def link(kind: str, wanted: bool = True) -> str | None:
            return self._links.url(root, kind, record) if done and wanted else None

        doc: dict[str, Any] = {
            "id": record.id,
            "status": status,
            "title": generation.title,
            "created_at": int(record.created_at.timestamp()),
            "completed_at": int(record.done_at.timestamp())
            if status in (COMPLETED, FAILED)
            else None,
            "duration": generation.duration if done else None,
            "video_url": link("video"),
            "thumbnail_url": link("thumbnail"),
            "gif_url": link("gif"),
            "captioned_video_url": link("captioned", generation.captioned),
            "subtitle_url": link("subtitle"),
            "folder_id": generation.folder_id,
            "video_page_url": f"{root}/app/videos/{record.id}",
        }
        if status == FAILED:
            doc["failure_code"] = RENDERING_FAILED
            doc["failure_message"] = record.failure
        return doc

    # -- the calls -------------------------------------------------------------------------

    def create(self, request: Request) -> Reply:
        record = self._world.create(parse_create(json_body(request)))
        data = {
            "video_id": record.id,
            "status": "waiting",
            "output_format": record.generation.output_format,
        }
        return losable(ok(data))

    def generate(self, request: Request, template_id: str) -> Reply:
        template = TEMPLATES_BY_ID.get(template_id)
        if template is None:
            raise HeygenError(NOT_FOUND, "not_found", f"template {template_id!r} not found")
        record = self._world.create(parse_generate(template, json_body(request)))
        return losable(ok(self.video_json(record, request.root_url, self._world.now)))

    def get(self, request: Request, video_id: str) -> Reply:
        record = self._world.get(video_id)
        return ok(self.video_json(record, request.root_url, self._world.now))

    def delete(self, request: Request, video_id: str) -> Reply:
        self._world.delete(video_id)
        return ok({"id": video_id, "deleted": True})

    def list(self, request: Request) -> Reply:
        limit = paging.limit_of(request.param("limit"), default=DEFAULT_LIMIT, high=MAX_LIMIT)
        token = request.param("token")
        end = _cursor_key(token) if token else None
        title = (request.param("title") or "").lower()
        folder_id = request.param("folder_id") or None
        page: list[VideoRecord] = []
        more = False
        for _, video_id in reversed(self._world.in_created_order(None, end)):
            record = self._world.find(video_id)
            if record is None or (title and title not in (record.title or "").lower()):
                continue
            if folder_id is not None and record.generation.folder_id != folder_id:
                continue
            if len(page) == limit:
                more = True
                break
            page.append(record)
        now = self._world.now
        items = [self.video_json(r, request.root_url, now) for r in page]
        following = _cursor(page[-1]) if more and page else None
        return listed(items, following)

    def statuses(self, request: Request) -> Reply:
        video_ids = _ids(request.param("video_ids"))
        batch_ids = _ids(request.param("batch_ids"))
        if not video_ids and not batch_ids:
            raise invalid("video_ids", "video_ids or batch_ids is required")
        if len(video_ids) + len(batch_ids) > MAX_STATUS_IDS:
            raise invalid("video_ids", f"at most {MAX_STATUS_IDS} ids in one request")
        now = self._world.now
        items = [self._status_item(video_id, now) for video_id in video_ids]
        items += [_missing(None, batch_id) for batch_id in batch_ids]
        return listed(items, None)

    def _status_item(self, video_id: str, now: datetime) -> dict[str, Any]:
        try:
            record = self._world.get(video_id)
        except HeygenError:
            return _missing(video_id, None)
        status = record.status(now)
        error = {"code": RENDERING_FAILED, "message": record.failure} if status == FAILED else None
        return {
            "video_id": video_id,
            "status": "queued" if status == PENDING else status,
            "error": error,
            "batch_id": None,
            "item_index": None,
        }


def _missing(video_id: str | None, batch_id: str | None) -> dict[str, Any]:
    return {
        "video_id": video_id,
        "status": "not_found",
        "error": None,
        "batch_id": batch_id,
        "item_index": None,
    }


def _ids(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def _cursor(record: VideoRecord) -> str:
    return paging.encode([record.created_at.strftime(_TIME_KEY), record.id])


def _cursor_key(token: str) -> tuple[datetime, str]:
    """The world's ``(created_at, id)`` key a token stands for: the next page is older."""
    value = paging.decode(token)
    try:
        moment, video_id = value
        return datetime.strptime(moment, _TIME_KEY), str(video_id)
    except (TypeError, ValueError) as exc:
        raise invalid("token", "token is not a next_token this API gave") from exc
