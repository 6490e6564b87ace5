"""Checking a downloaded file's answer and streaming it to disk atomically.

A file host is trusted less than the API: its answer is saved only when it is a video — HTTP
200, a video (or octet-stream) content type, a body that starts with an MP4 ``ftyp`` box, no
longer than its Content-Length nor ``download.max_bytes`` — and else the download failed,
naming the host, and nothing is recorded (the next plan shows ``↓ download`` again).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

import requests

from vidspec.core.errors import DownloadWriteError, ProviderError
from vidspec.core.videos import DownloadResult
from vidspec.http.body import BodyBounds, content_length, read_chunks
from vidspec.http.errors import host_of, path_of

VIDEO_TYPES = ("video/", "application/octet-stream")
_FTYP_AT = slice(4, 8)  # an MP4 file opens with a box: 4 bytes of size, then its type


def not_a_video(bounds: BodyBounds, why: str) -> ProviderError:
    return ProviderError(
        f"the download from {host_of(bounds.url)} is not a video ({why})",
        method=bounds.method,
        path=path_of(bounds.url),
        hint="Nothing was saved; the next plan downloads it again. If this repeats, the "
        "file host is answering with something else (a login page, an error page).",
    )


def check_answer(response: requests.Response, bounds: BodyBounds, max_bytes: int) -> None:
    """Refuse an answer that cannot be the video before reading its body."""
    if response.status_code != 200:
        raise not_a_video(bounds, f"HTTP {response.status_code}, not 200")
    kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if not kind.startswith(VIDEO_TYPES):
        raise not_a_video(bounds, f"content type {kind or 'missing'}")
    declared = content_length(response)
    if declared is not None and declared > max_bytes:
        raise too_long(bounds, f"it declares {declared} bytes", max_bytes)


def too_long(bounds: BodyBounds, what: str, max_bytes: int) -> ProviderError:
    return ProviderError(
        f"the download from {host_of(bounds.url)} is refused: {what}, more than "
        f"download.max_bytes ({max_bytes})",
        method=bounds.method,
        path=path_of(bounds.url),
        hint="Raise download.max_bytes in vidspec.yaml if the video really is that large.",
    )


def save_stream(
    response: requests.Response, bounds: BodyBounds, dest: Path, max_bytes: int
) -> DownloadResult:
    """Stream a (``stream=True``) answer's body to ``dest`` atomically: a temp file beside it,
    fsync, rename. Returns its size and sha256; a failure leaves no partial file behind."""
    digest = hashlib.sha256()
    size = 0
    declared = content_length(response)
    head = b""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    except OSError as exc:
        raise write_error(dest, exc) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in read_chunks(response, bounds):
                if len(head) < 8:
                    head += chunk[:8]
                    if len(head) >= 8 and head[_FTYP_AT] != b"ftyp":
                        raise not_a_video(bounds, "it does not start with an MP4 ftyp box")
                size += len(chunk)
                if size > max_bytes:
                    raise too_long(bounds, f"it sent more than {max_bytes} bytes", max_bytes)
                handle.write(chunk)
                digest.update(chunk)
            if len(head) < 8:
                raise not_a_video(bounds, f"{size} bytes, too short for an MP4 file")
            if declared is not None and size != declared:  # http.client stops at the length
                raise not_a_video(bounds, f"{size} bytes where it declared {declared}")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, dest)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise write_error(dest, exc) from exc
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return DownloadResult(path=dest, size=size, sha256=digest.hexdigest())


def write_error(dest: Path, exc: OSError) -> DownloadWriteError:
    return DownloadWriteError(
        f"cannot write the downloaded video to {dest}: {exc.strerror or exc}",
        "Check the video's download path, that its directory is writable and the disk has "
        "room; the next plan downloads it again.",
    )
