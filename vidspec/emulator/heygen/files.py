"""The emulated HeyGen file host: presigned links to a completed video's files, and the files.

``video_url``, ``captioned_video_url``, ``thumbnail_url``, ``gif_url`` and ``subtitle_url``
are presigned [doc CLI] and made afresh by every get and list (legacy docs: each status call
makes a new URL with a new ``Expires``, valid 7 days [doc V1]). Choices where v3 is silent
[vidspec]:

- a link is ``/files/<kind>/<id>.<ext>?Expires=<unix>&Signature=<hex>`` on the emulator itself,
  valid ``heygen_link_seconds`` (7 days) from when it was given, from any address;
- an expired or tampered link is 403 with an S3 ``AccessDenied`` XML body (what presigned S3
  links answer, and what HeyGen's CLI reads as "link expired"); a video deleted or not
  completed is 404 ``NoSuchKey``;
- links are signed with a key derived from the API key, so they survive a restart;
- the files are small deterministic stand-ins: an MP4 (or a WebM header for ``webm`` output),
  a JPEG thumbnail, a GIF, an SRT sidecar.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from vidspec.emulator.common.media import fake_mp4
from vidspec.emulator.common.server import Reply, Request, Runtime
from vidspec.emulator.heygen.errors import HeygenError
from vidspec.emulator.heygen.world import COMPLETED, HeygenWorld, VideoRecord


@dataclass(frozen=True)
class FileKind:
    ext: str
    content_type: str


KINDS = {
    "video": FileKind("mp4", "video/mp4"),
    "webm": FileKind("webm", "video/webm"),
    "captioned": FileKind("mp4", "video/mp4"),
    "thumbnail": FileKind("jpg", "image/jpeg"),
    "gif": FileKind("gif", "image/gif"),
    "subtitle": FileKind("srt", "application/x-subrip"),
}
_PATH = re.compile(r"/files/(video|webm|captioned|thumbnail|gif|subtitle)/([A-Za-z0-9_-]+)\.\w+")
_S3_ERROR = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
    "<Message>{message}</Message></Error>\n"
)


class Links:
    """Makes and checks the presigned links of one emulated account."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._key = hashlib.sha256(b"heygen-links:" + runtime.settings.token.encode()).digest()

    def _signature(self, kind: str, video_id: str, expires: int) -> str:
        message = f"{kind}:{video_id}:{expires}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:40]

    def url(self, root: str, kind: str, record: VideoRecord) -> str:
        """A fresh link to a file of ``record`` (``video`` follows its ``output_format``)."""
        if kind == "video" and record.generation.output_format == "webm":
            kind = "webm"
        now = self._runtime.clock.now().timestamp()
        expires = int(now + self._runtime.settings.heygen_link_seconds)
        signature = self._signature(kind, record.id, expires)
        return (
            f"{root}/files/{kind}/{record.id}.{KINDS[kind].ext}"
            f"?Expires={expires}&Signature={signature}"
        )

    def serve(self, request: Request, world: HeygenWorld) -> Reply:
        """``GET`` of a link: the file, 403 for a bad or expired link, 404 for no file."""
        match = _PATH.fullmatch(request.path)
        if request.method != "GET" or match is None:
            return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
        kind, video_id = match.groups()
        expires = request.param("Expires") or ""
        signed = expires.isdigit() and hmac.compare_digest(
            request.param("Signature") or "", self._signature(kind, video_id, int(expires))
        )
        if not signed:
            return _s3_error(403, "AccessDenied", "The request signature does not match.")
        if self._runtime.clock.now().timestamp() >= int(expires):
            return _s3_error(403, "AccessDenied", "Request has expired")
        try:
            record = world.get(video_id)
        except HeygenError:
            return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
        if record.status(self._runtime.clock.now()) != COMPLETED:
            return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
        return Reply(200, file_bytes(kind, video_id), KINDS[kind].content_type)


def file_bytes(kind: str, video_id: str) -> bytes:
    """The stand-in content of one file of a video: deterministic per video and kind."""
    if kind in ("video", "captioned"):
        return fake_mp4(f"heygen/{video_id}/{kind}")
    if kind == "webm":
        return b"\x1a\x45\xdf\xa3" + f"webm {video_id}".encode()  # an EBML header
    if kind == "thumbnail":
        return b"\xff\xd8\xff\xe0" + f"jpeg {video_id}".encode() + b"\xff\xd9"
    if kind == "gif":
        return b"GIF89a" + f"gif {video_id}".encode() + b";"
    return f"1\n00:00:00,000 --> 00:00:02,000\nvideo {video_id}\n".encode()


def _s3_error(status: int, code: str, message: str) -> Reply:
    return Reply(status, _S3_ERROR.format(code=code, message=message).encode(), "application/xml")
