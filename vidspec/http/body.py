"""Reading an answer's body within bounds: an overall deadline and a size cap.

requests' read timeout applies to each read, so a server that sends one byte every few seconds
keeps a plain ``response.content`` waiting forever. ``read_chunks`` reads what has arrived
(``read1``: never waits to fill a buffer), checks the request's deadline between reads, and
stops at ``limit`` bytes; a read in progress at the deadline is ended by ``http_watchdog``.
A download's body has no deadline but a speed ``floor`` (``speed``), checked between reads.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import requests
import urllib3.exceptions
from urllib3.exceptions import ReadTimeoutError

from vidspec.core.errors import OutcomeUnknown, ProviderError, ServerError, TransportError
from vidspec.http.errors import host_of, path_of
from vidspec.http.speed import SpeedFloor, Throughput, speed_text

CHUNK = 1 << 16


def seconds_text(seconds: float) -> str:
    """``2m``, ``90s``, ``0.5s``: a duration as the settings write it."""
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g}m"
    return f"{seconds:g}s"


@dataclass(frozen=True)
class BodyBounds:
    """Where one request's body reading must stop: ``deadline_at`` (``time.monotonic()``; the
    deadline is real time, whatever clock the client runs on, because a trickling server
    spends real time), ``limit`` bytes (``None``: the caller checks the size itself), and for
    a download's body (``deadline_at`` then infinite) a speed ``floor``."""

    method: str
    url: str
    deadline_at: float
    deadline: float
    limit: int | None
    creates: bool = False
    floor: SpeedFloor | None = None

    @classmethod
    def start(
        cls,
        method: str,
        url: str,
        deadline: float,
        limit: int | None,
        *,
        creates: bool = False,
        floor: SpeedFloor | None = None,
    ) -> BodyBounds:
        started = time.monotonic()
        return cls(method.upper(), url, started + deadline, deadline, limit, creates, floor)

    def left(self) -> float:
        return self.deadline_at - time.monotonic()

    def late(self) -> ProviderError:
        """The error of a request past its deadline."""
        cls = OutcomeUnknown if self.creates else TransportError
        return cls(
            f"{host_of(self.url)} did not finish answering within the request deadline "
            f"({seconds_text(self.deadline)})",
            method=self.method,
            path=path_of(self.url),
            hint="A server that trickles its answer is cut off after safety.request_deadline "
            "(vidspec.yaml); check the service, or raise the setting if it is really that slow.",
        )

    def stalled(self) -> ProviderError:
        """The error of a download slower than its floor (``download.min_speed``)."""
        assert self.floor is not None
        return TransportError(
            f"the download from {host_of(self.url)} stalled: "
            f"fewer than {speed_text(self.floor.min_speed)} (download.min_speed) over "
            f"{seconds_text(self.floor.stall_time)} (download.stall_time)",
            method=self.method,
            path=path_of(self.url),
            hint="Nothing was saved; the next plan downloads it again. If the file host is "
            "really this slow, lower download.min_speed or raise download.stall_time in "
            "vidspec.yaml.",
        )

    def broken(self, exc: Exception, size: int, expected: int | None) -> ProviderError:
        """The error of a body that stopped early (``expected``: its Content-Length)."""
        if expected is not None and size < expected:
            what = f"the answer from {host_of(self.url)} ended after {size} of {expected} bytes"
        else:
            what = f"the connection to {host_of(self.url)} broke after {size} bytes"
        cls = OutcomeUnknown if self.creates else TransportError
        return cls(
            what,
            method=self.method,
            path=path_of(self.url),
            hint="The server cut its answer short; run the command again.",
        )


def content_length(response: requests.Response) -> int | None:
    value = response.headers.get("Content-Length", "").strip()
    return int(value) if value.isdigit() else None


def read_chunks(response: requests.Response, bounds: BodyBounds) -> Iterator[bytes]:
    """The body of a ``stream=True`` answer, as it arrives, within ``bounds``."""
    expected = content_length(response)
    size = 0
    raw = response.raw
    speed: Throughput | None = bounds.floor.watch() if bounds.floor is not None else None
    while True:
        if bounds.left() <= 0:
            raise bounds.late()
        try:
            chunk = raw.read1(CHUNK)
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            if bounds.left() <= 0:  # the watchdog cut the connection (http_watchdog)
                raise bounds.late() from exc
            if speed is not None and isinstance(exc, TimeoutError | ReadTimeoutError):
                raise bounds.stalled() from exc  # not a byte for stall_time: the read timeout
            raise bounds.broken(exc, size, expected) from exc
        if not chunk:
            if bounds.left() <= 0:  # an end made by the watchdog is no end of the body
                raise bounds.late()
            return
        size += len(chunk)
        if speed is not None:
            speed.add(len(chunk))
            if speed.stalled():
                raise bounds.stalled()
        if bounds.limit is not None and size > bounds.limit:
            raise ServerError(
                f"the answer from {host_of(bounds.url)} is longer than {bounds.limit} bytes",
                method=bounds.method,
                path=path_of(bounds.url),
                hint="vidspec stops reading an answer past its size bound; check the service.",
            )
        yield chunk


def read_body(response: requests.Response, bounds: BodyBounds) -> None:
    """Read the whole body within ``bounds`` into ``response`` (``.content``/``.json()``
    then work as after a plain request) and give the connection back."""
    response._content = b"".join(read_chunks(response, bounds))
    response.raw.release_conn()
