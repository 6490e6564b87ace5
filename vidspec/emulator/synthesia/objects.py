"""The video object as the API answers it, and the time-limited links it carries.

The object [doc VID; SW ``VideoResponse``]: ``id``, ``title``, ``description``, ``visibility``,
``status``, ``createdAt`` and ``lastUpdatedAt`` (unix seconds), ``aspectRatio``, ``test``, and
``callbackId``, ``ctaSettings``, ``folderId`` when the video has one [vidspec: absent rather
than null]; once ``complete``, ``download``, ``duration`` (``"0:00:59.000000"``),
``thumbnail{image, gif}`` and ``captions{srt, vtt}``. The create answer also echoes ``input``;
get and list do not [vidspec, as the reference server].

Links [vidspec: no lifetime is published]: ``/files/<id>/<name>?Expires=<unix>&Signature=…`` on
the emulator's own address, valid ``synthesia_link_seconds`` from when the object was answered, from
any address. A link expired, tampered with, or signed before a restart is a 403 with an S3-style
XML ``AccessDenied`` body; the files are small stand-ins (a test video's differs: it carries the
watermark).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from vidspec.emulator.common.media import fake_mp4
from vidspec.emulator.common.server import Reply, Request
from vidspec.emulator.synthesia.world import COMPLETE, SynthesiaWorld, VideoRecord

_FILE = re.compile(r"/files/([0-9a-f-]{36})/([a-z]+\.[a-z0-9]+)")
_DENIED = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
    "<Message>{message}</Message></Error>\n"
)


def video_bytes(video_id: str, *, test: bool = False) -> bytes:
    """The MP4 a download link serves (a test video's carries the watermark)."""
    return fake_mp4(f"{video_id}/watermarked" if test else video_id)


FILES: dict[str, tuple[str, Callable[[VideoRecord], bytes]]] = {
    "video.mp4": ("video/mp4", lambda r: video_bytes(r.id, test=r.test)),
    "thumbnail.jpg": ("image/jpeg", lambda r: b"\xff\xd8\xff\xe0" + r.id.encode() + b"\xff\xd9"),
    "thumbnail.gif": ("image/gif", lambda r: b"GIF89a" + r.id.encode() + b"\x3b"),
    "captions.srt": (
        "text/plain",
        lambda r: f"1\n00:00:00,000 --> 00:00:01,000\n{r.title}\n".encode(),
    ),
    "captions.vtt": (
        "text/vtt",
        lambda r: f"WEBVTT\n\n00:00.000 --> 00:01.000\n{r.title}\n".encode(),
    ),
}


def duration_text(seconds: float) -> str:
    """``H:MM:SS.ffffff``, as the API writes ``duration``."""
    whole = timedelta(seconds=round(seconds, 6))
    hours, rest = divmod(whole.total_seconds(), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{int(hours)}:{int(minutes):02d}:{secs:09.6f}"


class Links:
    """Signs and checks the file links of one server's life (a fresh key each start)."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)

    def _signature(self, video_id: str, name: str, expires: int) -> str:
        message = f"{video_id}/{name}:{expires}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def url(self, request: Request, record: VideoRecord, name: str, expires: int) -> str:
        signature = self._signature(record.id, name, expires)
        return (
            f"{request.root_url}/files/{record.id}/{name}?Expires={expires}&Signature={signature}"
        )

    def serve(self, request: Request, world: SynthesiaWorld, now: datetime) -> Reply:
        """Answer ``GET /files/<id>/<name>?Expires=&Signature=``."""
        match = _FILE.fullmatch(request.path)
        if request.method != "GET" or match is None or match.group(2) not in FILES:
            return _denied("The specified key does not exist.", 404)
        video_id, name = match.group(1), match.group(2)
        expires = request.param("Expires") or ""
        signature = request.param("Signature") or ""
        if not expires.isdigit() or not hmac.compare_digest(
            signature, self._signature(video_id, name, int(expires))
        ):
            return _denied("Invalid signature.")
        if now.timestamp() >= int(expires):
            return _denied("Request has expired")
        record = world.find(video_id)
        if record is None or record.status(now) != COMPLETE:
            return _denied("The specified key does not exist.", 404)
        content_type, make = FILES[name]
        return Reply(200, make(record), content_type)


def video_json(
    record: VideoRecord, now: datetime, link: Callable[[str], str], *, echo: bool = False
) -> dict[str, Any]:
    """The video object; ``link(name)`` makes a signed file link; ``echo`` adds ``input``."""
    status = record.status(now)
    doc: dict[str, Any] = {
        "id": record.id,
        "title": record.title,
        "description": record.description,
        "visibility": record.visibility,
        "status": status,
        "createdAt": int(record.created_at.timestamp()),
        "lastUpdatedAt": int(record.last_updated(now).timestamp()),
        "aspectRatio": record.aspect_ratio,
        "test": record.test,
    }
    optional = {
        "callbackId": record.callback_id,
        "ctaSettings": None if record.cta is None else dict(record.cta),
        "folderId": record.folder_id,
    }
    doc.update({k: v for k, v in optional.items() if v is not None})
    if echo and "input" in record.request:
        doc["input"] = record.request["input"]
    if status == COMPLETE:
        doc["download"] = link("video.mp4")
        doc["duration"] = duration_text(record.seconds)
        doc["thumbnail"] = {"image": link("thumbnail.jpg"), "gif": link("thumbnail.gif")}
        doc["captions"] = {"srt": link("captions.srt"), "vtt": link("captions.vtt")}
    return doc


def _denied(message: str, status: int = 403) -> Reply:
    code = "AccessDenied" if status == 403 else "NoSuchKey"
    body = _DENIED.format(message=message).replace("AccessDenied", code)
    return Reply(status, body.encode(), "application/xml")
