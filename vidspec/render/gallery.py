"""The videos as the team sees them: one value per video, for the gallery page and the reports
that follow an apply (issue 25). Pure: values in, a JSON-ready document out.

``app/report.py`` builds a ``Gallery`` from the state, what the last refresh saw
(``.vidspec/observed.json``) and the expanded manifests; ``render/report.py`` writes it as an
HTML page. The same ``VideoView`` can be made from an apply's results, so a PR comment, a step
summary and the page show one video the same way.

The JSON document (``gallery_json``, inlined in the page; ``format_version`` 1)::

    {"format_version": 1, "project": "acme", "provider": "sandbox",
     "generated_at": "2026-11-02T09:00:00Z", "seen_at": "…" | null, "project_href": "../",
     "videos": [{"address": "promo[sku-1]", "definition": "promo" | null,
                 "name": "…" | null, "text": "…" | null, "provider": "sandbox",
                 "status": "done", "id": "…" | null, "created_at": "…" | null,
                 "expires_at": "…" | null, "renew_at": "…" | null, "url": "https://…" | null,
                 "wanted": true, "file": {"path": "out/a.mp4", "sha256": "…", "size": 1234,
                                          "on_disk": "saved" | "missing" | "changed"} | null}]}

``status`` is a task state (queued, running, done, failed, canceled), ``expired`` (done and
past its expiry when the page was written; the page judges it again by its reader's clock),
``pending`` (a create whose answer was lost) or ``planned`` (in the manifests, not made yet).
``renew_at`` is when the video counts as expiring soon.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vidspec.core.times import format_time

GALLERY_FORMAT_VERSION = 1

PLANNED = "planned"
PENDING = "pending"

# A saved file as found on disk beside the state's record of it.
SAVED, MISSING, CHANGED = "saved", "missing", "changed"


@dataclass(frozen=True)
class SavedFile:
    """A video's ``download:`` file: the path (relative to the project) and what the state
    recorded, and ``on_disk``: ``saved`` (the recorded size is there), ``missing`` or
    ``changed`` (another size: not the file apply saved)."""

    path: str
    sha256: str
    size: int
    on_disk: str


@dataclass(frozen=True)
class VideoView:
    """One video: where it is declared, what it says, where it stands, where to watch it.

    ``definition`` is the ``for_each`` definition of an instance (``promo`` for
    ``promo[sku-1]``); ``text`` the words it speaks; ``url`` the service's link, only while
    the video is valid; ``wanted`` is False for a video no manifest declares any more."""

    address: str
    definition: str | None
    name: str | None
    text: str | None
    provider: str
    status: str
    remote_id: str | None = None
    created_at: datetime | None = None
    expires_at: datetime | None = None
    renew_at: datetime | None = None
    url: str | None = None
    file: SavedFile | None = None
    wanted: bool = True


@dataclass(frozen=True)
class Gallery:
    """Every video of a project at one moment. ``project_href`` is the project folder's URL
    relative to where the page is written (``../``), so saved files play from the page."""

    project: str
    provider: str
    generated_at: datetime
    seen_at: datetime | None
    project_href: str
    videos: tuple[VideoView, ...]


def _time(value: datetime | None) -> str | None:
    return None if value is None else format_time(value)


def video_json(video: VideoView) -> dict[str, Any]:
    file = video.file
    return {
        "address": video.address,
        "definition": video.definition,
        "name": video.name,
        "text": video.text,
        "provider": video.provider,
        "status": video.status,
        "id": video.remote_id,
        "created_at": _time(video.created_at),
        "expires_at": _time(video.expires_at),
        "renew_at": _time(video.renew_at),
        "url": video.url,
        "wanted": video.wanted,
        "file": None
        if file is None
        else {"path": file.path, "sha256": file.sha256, "size": file.size, "on_disk": file.on_disk},
    }


def gallery_json(gallery: Gallery) -> dict[str, Any]:
    """The versioned document of the module docstring."""
    return {
        "format_version": GALLERY_FORMAT_VERSION,
        "project": gallery.project,
        "provider": gallery.provider,
        "generated_at": format_time(gallery.generated_at),
        "seen_at": _time(gallery.seen_at),
        "project_href": gallery.project_href,
        "videos": [video_json(v) for v in gallery.videos],
    }
