"""``GET /videos``: the query (window, paging, sort, fields, id) and the items it answers.

Choices where the vendor page is silent (documented here, relied on by tests):

- ``start``/``end`` must be ``YYYY-MM-DDTHH:MM:00+00`` exactly (UTC, seconds 00); any other
  form, a ``+`` decoded to a space included, is ``400 bad date format …``. Start inclusive,
  end exclusive, on the creation time.
- ``limit`` defaults to 100, at most 1000; ``offset`` defaults to 0.
- ``sort`` is ``[+-]field`` over the item fields (``date`` by default descending, ``-date``, as
  the page's example lists the newest first); ties are broken by ``id`` ascending so paging
  is stable.
- ``fields`` is a comma list of the documented extras; an unknown name is a 400.
- By default only processed videos are listed. With ``list_in_progress`` on, tasks
  ``in_queue``/``processing`` are listed too, each with an extra ``"status"`` key (processed
  items have none, as documented); their ``video_url`` is ``null``. Canceled tasks are never
  listed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from vidspec.emulator.cdnvideo import catalog
from vidspec.emulator.cdnvideo.rules import ApiError
from vidspec.emulator.cdnvideo.world import (
    IN_QUEUE,
    PROCESSED,
    PROCESSING,
    CdnVideoWorld,
    VideoRecord,
)
from vidspec.emulator.common.server import Request

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
DEFAULT_SORT = "-date"
EXTRA_FIELDS = (
    "background",
    "shot",
    "script",
    "voice_name",
    "actor_name",
    "model_version",
    "video_name",
    "emotion",
    "orientation",
    "crop",
    "shift",
    "scale",
    "circle",
)
BASE_FIELDS = ("id", "video_url", "duration", "resolution", "date")
SORTABLE = tuple(f for f in BASE_FIELDS + EXTRA_FIELDS if f not in ("circle", "video_url"))
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):00\+00")


@dataclass(frozen=True)
class ListQuery:
    start: datetime | None
    end: datetime | None
    offset: int
    limit: int
    sort_field: str
    descending: bool
    fields: tuple[str, ...]
    id: str | None


def parse_query(request: Request) -> ListQuery:
    """Read the listing's query string, or raise ``ApiError(400, …)``."""
    sort = request.param("sort") or DEFAULT_SORT
    descending = sort.startswith("-")
    sort_field = sort[1:] if sort[:1] in "+-" else sort
    if sort_field not in SORTABLE:
        raise ApiError(
            400, f"bad sort: {sort!r}, expected [+-]field with field one of " + ", ".join(SORTABLE)
        )
    fields: list[str] = []
    for name in (request.param("fields") or "").split(","):
        name = name.strip()
        if not name:
            continue
        if name not in EXTRA_FIELDS:
            raise ApiError(400, f"unknown field: {name}")
        if name not in fields:
            fields.append(name)
    return ListQuery(
        start=_date(request, "start"),
        end=_date(request, "end"),
        offset=_integer(request, "offset", 0, 0, None),
        limit=_integer(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
        sort_field=sort_field,
        descending=descending,
        fields=tuple(fields),
        id=request.param("id") or None,
    )


def list_items(
    world: CdnVideoWorld,
    query: ListQuery,
    now: datetime,
    *,
    in_progress: bool,
    url_for: Callable[[VideoRecord], str],
) -> list[dict[str, Any]]:
    """The page of items the query asks for. Sorted by date (the default), it walks the
    world's created order from the window's edge and builds only the page's items; other
    sorts build and sort every record in the window."""
    shown = {PROCESSED, IN_QUEUE, PROCESSING} if in_progress else {PROCESSED}
    start = None if query.start is None else (query.start, "")
    end = None if query.end is None else (query.end, "")
    if query.id is not None:
        found = world.find(query.id)
        keys = [] if found is None else [(found.created_at, found.id)]
        keys = [k for k in keys if (start is None or k >= start) and (end is None or k < end)]
    else:
        keys = world.in_created_order(start, end)
    if query.sort_field == "date" and not _any_hidden(world, keys, shown, now, start, end):
        rows = [(_values(r, now, url_for), r) for r in _date_page(world, keys, query)]
    elif query.sort_field == "date":
        ordered = _newest_first(keys) if query.descending else iter(keys)
        page: list[VideoRecord] = []
        skip = query.offset
        for _, video_id in ordered:
            record = world.find(video_id)
            if record is None or record.status(now) not in shown:
                continue
            if skip:
                skip -= 1
                continue
            page.append(record)
            if len(page) == query.limit:
                break
        rows = [(_values(r, now, url_for), r) for r in page]
    else:
        chosen = [world.find(video_id) for _, video_id in keys]
        rows = [(_values(r, now, url_for), r) for r in chosen if r and r.status(now) in shown]
        rows.sort(key=lambda row: row[1].id)
        rows.sort(key=lambda row: _sort_key(row, query.sort_field), reverse=query.descending)
        rows = rows[query.offset : query.offset + query.limit]
    return [_project(values, record.status(now), query.fields) for values, record in rows]


def _any_hidden(
    world: CdnVideoWorld,
    keys: list[tuple[datetime, str]],
    shown: set[str],
    now: datetime,
    start: tuple[datetime, str] | None,
    end: tuple[datetime, str] | None,
) -> bool:
    """Whether a record of ``keys`` is not listed (the few unfinished ones are checked)."""
    if len(keys) <= 1:
        return True  # the walk is as cheap, and an id query lands here
    for record in world.unfinished():
        key = (record.created_at, record.id)
        inside = (start is None or key >= start) and (end is None or key < end)
        if inside and record.status(now) not in shown:
            return True
    return False


def _date_page(
    world: CdnVideoWorld, keys: list[tuple[datetime, str]], query: ListQuery
) -> list[VideoRecord]:
    """The page of a date order where every key is listed: a slice, widened to whole groups
    of one instant so that ties keep their order (by id, ascending, both ways)."""
    count = len(keys)
    if not query.descending:
        chosen = keys[query.offset : query.offset + query.limit]
    else:
        high = count - query.offset  # raw (oldest first) bounds of the page
        low = max(0, high - query.limit)
        if high <= 0:
            return []
        while low > 0 and keys[low - 1][0] == keys[low][0]:
            low -= 1
        while high < count and keys[high][0] == keys[high - 1][0]:
            high += 1
        window = list(_newest_first(keys[low:high]))
        skip = query.offset - (count - high)
        chosen = window[skip : skip + query.limit]
    found = (world.find(video_id) for _, video_id in chosen)
    return [record for record in found if record is not None]


def _newest_first(keys: list[tuple[datetime, str]]) -> Iterator[tuple[datetime, str]]:
    """Newest first, ties (the same instant) by id ascending, as a stable sort gives them."""
    index = len(keys) - 1
    while index >= 0:
        moment = keys[index][0]
        first = index
        while first > 0 and keys[first - 1][0] == moment:
            first -= 1
        yield from keys[first : index + 1]
        index = first - 1


def format_date(moment: datetime) -> str:
    """``2026-11-02T09:00:00Z`` (isoformat, cut: several times faster than strftime)."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")[:19] + "Z"


def _values(
    record: VideoRecord, now: datetime, url_for: Callable[[VideoRecord], str]
) -> dict[str, Any]:
    gen = record.generation
    no_circle = {"location": None, "border_color": None, "background_color": None}
    return {
        "id": record.id,
        "video_url": url_for(record) if record.status(now) == PROCESSED else None,
        "duration": gen.duration,
        "resolution": gen.size,
        "date": format_date(record.created_at),
        "background": gen.background,
        "shot": gen.shot,
        "script": gen.script,
        "voice_name": gen.voice_name,
        "actor_name": gen.actor_name,
        "model_version": gen.model_version,
        "video_name": gen.video_name,
        "emotion": gen.emotion,
        "orientation": gen.orientation,
        "crop": gen.crop,
        "shift": gen.shift,
        "scale": gen.scale,
        "circle": dict(gen.circle) if gen.circle else no_circle,
    }


def _project(values: dict[str, Any], status: str, fields: tuple[str, ...]) -> dict[str, Any]:
    if len(fields) == len(EXTRA_FIELDS):  # every field (the client's query): all of them
        item = values
    else:
        item = {name: values[name] for name in BASE_FIELDS}
        for name in fields:
            item[name] = values[name]
    if status != PROCESSED:
        item["status"] = status
    return item


def _sort_key(row: tuple[dict[str, Any], VideoRecord], field: str) -> tuple[int, Any]:
    if field == "date":  # the exact creation time, not its rendering to the second
        return (1, row[1].created_at)
    if field == "model_version":
        return (1, catalog.version_key(row[1].generation.model_version))
    value = row[0][field]
    return (0, "") if value is None else (1, value)


def _date(request: Request, name: str) -> datetime | None:
    raw = request.param(name)
    if raw is None or raw == "":
        return None
    match = _DATE.fullmatch(raw)
    if match is None:
        raise ApiError(
            400,
            f"bad date format for {name}: {raw!r}, expected YYYY-MM-DDTHH:MM:00+00 "
            "(UTC, seconds 00; send + as %2B)",
        )
    try:
        year, month, day, hour, minute = (int(x) for x in match.groups())
        return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)
    except ValueError as exc:
        raise ApiError(400, f"bad date format for {name}: {raw!r} ({exc})") from exc


def _integer(request: Request, name: str, default: int, low: int, high: int | None) -> int:
    raw = request.param(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < low or (high is not None and value > high):
        bounds = f"{low}..{high}" if high is not None else f">= {low}"
        raise ApiError(400, f"bad {name}: {raw!r}, expected an integer {bounds}")
    return value
