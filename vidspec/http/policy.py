"""``HttpPolicy``: the timeouts, retry pacing and bounds of one HTTP session."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from vidspec import __version__


@dataclass(frozen=True)
class HttpPolicy:
    """Timeouts and retry pacing of a session. Tests shrink the backoff; nothing else should."""

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    retries: int = 4
    backoff_factor: float = 0.5  # waits 0, 1, 2, 4 ... seconds (+ jitter) between retries
    backoff_max: float = 30.0
    backoff_jitter: float = 0.5
    max_wait: float = 120.0  # safety.max_wait: the longest wait a server may ask for
    # safety.request_deadline: an API call, from sending to the last byte (a JSON answer of
    # kilobytes: nothing legitimate takes minutes); a download, up to its answer's headers
    deadline: float = 60.0
    max_body: int = 64 * 1024**2  # an API answer longer than this is refused
    max_bytes: int = 2 * 1024**3  # download.max_bytes: the largest file a download saves
    # A download's body has no fixed deadline (a large file on a slow link is legitimate) but
    # a floor, like curl's --speed-limit/--speed-time: fewer than ``min_speed`` bytes a second
    # over ``stall_time`` seconds ends it (download.min_speed, download.stall_time).
    min_speed: int = 10 * 1024
    stall_time: float = 30.0
    max_redirects: int = 3  # followed by downloads only (the file client sends no token)
    user_agent: str = f"vidspec/{__version__}"
    # The headers that say how long to wait before a retry, read in this order: Retry-After
    # (seconds or an HTTP date), then any a service uses instead (Synthesia's RateLimit-Reset,
    # seconds). Only the headers a client names: another service's RateLimit-Reset may be a
    # Unix time.
    wait_headers: tuple[str, ...] = ("Retry-After",)

    @property
    def timeout(self) -> tuple[float, float]:
        return (min(self.connect_timeout, self.deadline), min(self.read_timeout, self.deadline))

    def bounded(
        self,
        *,
        max_wait: float,
        deadline: float,
        max_bytes: int,
        min_speed: int | None = None,
        stall_time: float | None = None,
    ) -> HttpPolicy:
        """This policy with the project's bounds (``safety.max_wait``,
        ``safety.request_deadline``, ``download.max_bytes``, ``download.min_speed``,
        ``download.stall_time``; ``None``: kept)."""
        return dataclasses.replace(
            self,
            max_wait=max_wait,
            deadline=deadline,
            max_bytes=max_bytes,
            min_speed=self.min_speed if min_speed is None else min_speed,
            stall_time=self.stall_time if stall_time is None else stall_time,
        )
