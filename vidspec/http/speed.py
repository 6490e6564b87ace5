"""A download's speed floor: curl's ``--speed-limit``/``--speed-time`` for vidspec.

A file has no fixed deadline (a large video on a slow link is legitimate), so a server that
trickles one must be caught by its throughput instead: fewer than ``min_speed`` bytes a second
over ``stall_time`` seconds (``download.min_speed``, ``download.stall_time``) ends the download.
``Throughput`` checks that between reads; a read that waits ``stall_time`` without a byte is
ended by the socket's read timeout, which the file client sets to ``stall_time``.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass

_SAMPLES = 16  # at most this many samples a window: memory stays small for a fast download


def speed_text(bytes_per_second: float) -> str:
    """``10 KB/s``, ``1000 B/s``, ``1.5 MB/s``: a speed as a person reads it."""
    value, unit = float(bytes_per_second), "B"
    for bigger in ("KB", "MB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{value:.1f}".removesuffix(".0") + f" {unit}/s"


@dataclass(frozen=True)
class SpeedFloor:
    """Fewer than ``min_speed`` bytes a second over ``stall_time`` seconds is a stall."""

    min_speed: int
    stall_time: float

    def watch(self) -> Throughput:
        return Throughput(self)


class Throughput:
    """The bytes received over time, sampled; ``stalled`` says whether the last
    ``stall_time`` seconds (at least) brought fewer than ``min_speed * stall_time`` bytes."""

    def __init__(self, floor: SpeedFloor, now: float | None = None) -> None:
        self.floor = floor
        start = time.monotonic() if now is None else now
        self._samples: deque[tuple[float, int]] = deque([(start, 0)])
        self._total = 0

    def add(self, size: int, now: float | None = None) -> None:
        """``size`` more bytes arrived."""
        now = time.monotonic() if now is None else now
        self._total += size
        if now - self._samples[-1][0] >= self.floor.stall_time / _SAMPLES:
            self._samples.append((now, self._total))

    def stalled(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        window = self.floor.stall_time
        # the base: the latest sample at least a window old (none yet: too early to tell)
        while len(self._samples) > 1 and self._samples[1][0] <= now - window:
            self._samples.popleft()
        since, total = self._samples[0]
        if now - since < window:
            return False
        return self._total - total < self.floor.min_speed * window
