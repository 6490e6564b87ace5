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
    deadline: float = 600.0  # safety.request_deadline: sending to the last byte, each request
    max_body: int = 64 * 1024**2  # an API answer longer than this is refused
    max_bytes: int = 2 * 1024**3  # download.max_bytes: the largest file a download saves
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

    def bounded(self, *, max_wait: float, deadline: float, max_bytes: int) -> HttpPolicy:
        """This policy with the project's bounds (``safety.max_wait``,
        ``safety.request_deadline``, ``download.max_bytes``)."""
        return dataclasses.replace(self, max_wait=max_wait, deadline=deadline, max_bytes=max_bytes)
