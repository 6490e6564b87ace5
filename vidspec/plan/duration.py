"""How long an apply takes at the provider's limits, and what share of the month's requests it
spends. Pure: numbers in, numbers out (the words are ``vidspec.render.durations``).

The model (the engine's schedule, as ``vidspec.plan.cost`` simulates it for polling):

- generations are sent at ``Capabilities.generation_rate`` (the service's limit, or the slower
  ``provider.rate_limit``) as the engine's token bucket sends them: a window's ``count`` at
  once, the next ``count`` a window later; the last one sent still takes
  ``generation_seconds`` to finish;
- where every call is paced (``request_rate``, Vidnoz's 1 a second), the apply's API requests
  (refresh, POSTs, polling, links) cannot go faster than that pace either;
- renames, deletes, moves and forgets are single unpaced calls: no time worth showing.

The same function gives apply's progress line its time left (``time_left``), on the engine's
clock, so the plan's estimate and the countdown cannot disagree. Later limits (a window per
hour, a deadline that splits an apply into runs) extend ``ApplyTime``, not its callers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vidspec.core.rate import Rate
from vidspec.providers.base import Capabilities


@dataclass(frozen=True)
class ApplyTime:
    """An apply's expected duration and request share.

    ``seconds``: wall-clock seconds from the first call to the last video finished.
    ``rate``: the pace generations are sent at. ``requests``: the API requests apply spends
    (the plan's cost). ``requests_cap``: the month's cap (``None``: the service has none), of
    which ``requests`` is ``share`` (0..1+)."""

    seconds: float
    rate: Rate
    generations: int
    requests: int
    requests_cap: int | None = None

    @property
    def share(self) -> float | None:
        if not self.requests_cap:
            return None
        return self.requests / self.requests_cap

    def to_json(self) -> dict[str, Any]:
        return {
            "seconds": round(self.seconds, 1),
            "generation_rate": {"count": self.rate.count, "seconds": self.rate.seconds},
            "generations": self.generations,
            "requests": self.requests,
            "requests_cap": self.requests_cap,
            "month_share": None if self.share is None else round(self.share, 4),
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> ApplyTime:
        rate = doc["generation_rate"]
        cap = doc.get("requests_cap")
        return cls(
            seconds=float(doc["seconds"]),
            rate=Rate(int(rate["count"]), float(rate["seconds"])),
            generations=int(doc["generations"]),
            requests=int(doc["requests"]),
            requests_cap=None if cap is None else int(cap),
        )


def apply_seconds(generations: int, caps: Capabilities, *, requests: int = 0) -> float:
    """Expected seconds of an apply that sends ``generations`` and ``requests`` API calls in
    all, starting with a fresh rate window (see the module docstring)."""
    return _seconds(generations, caps, requests=requests, fresh=True)


def time_left(unsent: int, newest_age: float | None, caps: Capabilities) -> float:
    """Expected seconds until a running apply is done: ``unsent`` generations not sent yet
    (the current window is taken to be spent: they wait for the next ones), and the newest
    one in flight sent ``newest_age`` seconds ago (``None``: nothing in flight)."""
    if unsent > 0:
        return _seconds(unsent, caps, fresh=False)
    if newest_age is None:
        return 0.0
    return max(0.0, caps.generation_seconds - newest_age)


def apply_time(
    generations: int, requests: int, caps: Capabilities, requests_cap: int | None
) -> ApplyTime:
    """The plan's ``ApplyTime``: ``generations`` creates and regenerates, ``requests`` in all."""
    return ApplyTime(
        seconds=apply_seconds(generations, caps, requests=requests),
        rate=caps.generation_rate,
        generations=generations,
        requests=requests,
        requests_cap=requests_cap,
    )


def _seconds(generations: int, caps: Capabilities, *, requests: int = 0, fresh: bool) -> float:
    paced = 0.0
    if caps.request_rate is not None and requests > 0:
        paced = requests * caps.request_rate.seconds / max(1, caps.request_rate.count)
    if generations <= 0:
        return paced
    rate = caps.generation_rate
    windows = -(-generations // max(1, rate.count)) - (1 if fresh else 0)
    return max(paced, windows * rate.seconds + max(0.0, caps.generation_seconds))
