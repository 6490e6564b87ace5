"""Synthesia's rate limits: several windows at once for each endpoint, on the emulator's clock.

The vendor documents, per tier, windows for writes (Creator: 60 a minute, 300 an hour, 1,000 a
day) and for reads (60 a minute, 20,000 a day), "per endpoint" in its newer table, and 30 test
videos a day [doc RL, INTRO]. Over any window the answer is 429 with ``RateLimit-Limit`` (the
limit breached: "60" for the minute) and ``RateLimit-Reset`` (the seconds to wait) [doc RL].

Where the docs are silent [vidspec]:

- a call is let through only when every window of its endpoint has room, and then counted in
  all of them; a refused call is counted in none;
- of several full windows, the answer names the one that frees a slot last, so waiting
  ``RateLimit-Reset`` seconds always suffices (at least 1);
- ``synthesia_write_scope: shared`` counts every write endpoint in one set of windows;
- windows live in memory: a restarted emulator starts them empty.

``TIERS`` holds the documented tiers' windows (the settings' default is Tier 3, Creator);
``scaled`` shortens windows for a run that cannot wait a day.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from vidspec.core.clock import Clock
from vidspec.core.rate import Rate
from vidspec.emulator.common.limits import SlidingWindows

MINUTE, HOUR, DAY = 60.0, 3600.0, 86400.0

TIERS: dict[str, tuple[tuple[Rate, ...], tuple[Rate, ...]]] = {
    # tier: (write windows, read windows) [doc RL, the newer table]
    "3": (
        (Rate(60, MINUTE), Rate(300, HOUR), Rate(1000, DAY)),
        (Rate(60, MINUTE), Rate(20000, DAY)),
    ),
    "2": (
        (Rate(80, MINUTE), Rate(400, HOUR), Rate(2000, DAY)),
        (Rate(80, MINUTE), Rate(40000, DAY)),
    ),
    "1": (
        (Rate(120, MINUTE), Rate(600, HOUR), Rate(3000, DAY)),
        (Rate(120, MINUTE), Rate(80000, DAY)),
    ),
}


def scaled(rates: tuple[Rate, ...], scale: float) -> tuple[Rate, ...]:
    """``rates`` with every window ``scale`` times as long (0.01: a minute lasts 0.6 s)."""
    return tuple(Rate(r.count, r.seconds * scale) for r in rates)


@dataclass(frozen=True)
class Breach:
    """A refused call: the limit to name and the whole seconds to wait."""

    rate: Rate
    reset: int

    @property
    def headers(self) -> tuple[tuple[str, str], ...]:
        return (("RateLimit-Limit", str(self.rate.count)), ("RateLimit-Reset", str(self.reset)))


class Windows:
    """Sliding windows by counter name (an endpoint, ``writes``, ``test videos``). Thread-safe."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, SlidingWindows] = {}

    def admit(self, counter: str, rates: tuple[Rate, ...]) -> Breach | None:
        """Count one call of ``counter`` under every rate of ``rates``, or refuse it (and count
        nothing) with the breach that needs the longest wait."""
        with self._lock:
            windows = self._windows.get(counter)
            if windows is None:
                windows = self._windows[counter] = SlidingWindows(rates, self._clock)
        windows.set_rates(rates)  # the settings may change while the server runs
        refused = windows.admit()
        return None if refused is None else Breach(*refused)
