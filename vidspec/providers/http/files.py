"""Streaming a downloaded file to disk atomically, with its size and sha256."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

import requests

from vidspec.core.errors import VidspecError
from vidspec.providers.base import DownloadResult
from vidspec.providers.http.errors import to_provider_error

_CHUNK = 1 << 16


def save_stream(response: requests.Response, url: str, dest: Path) -> DownloadResult:
    """Stream a (``stream=True``) answer's body to ``dest`` atomically: a temp file beside it,
    fsync, rename. Returns its size and sha256; a failure leaves no partial file behind."""
    digest = hashlib.sha256()
    size = 0
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    except OSError as exc:
        raise _write_error(dest, exc) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            try:
                for chunk in response.iter_content(_CHUNK):
                    handle.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
            except requests.RequestException as exc:
                raise to_provider_error("GET", url, exc=exc) from exc
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, dest)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise _write_error(dest, exc) from exc
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return DownloadResult(path=dest, size=size, sha256=digest.hexdigest())


def _write_error(dest: Path, exc: OSError) -> VidspecError:
    return VidspecError(
        f"cannot write the downloaded video to {dest}: {exc.strerror or exc}",
        "Check the video's download path and that its directory is writable.",
    )
