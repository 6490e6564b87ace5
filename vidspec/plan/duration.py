"""How long an apply takes at the provider's limits, and what share of the month's requests it
spends. Pure: numbers in, numbers out (the words are ``vidspec.render.durations``).

The model (the engine's schedule, as ``vidspec.plan.cost`` simulates it for polling):

- generations are sent within ``Capabilities.limits`` (every window at once: the service's,
  or the slower ``provider.rate_limit``; and the cap on videos generating at once) as the
  engine's gate sends them: ``vidspec.providers.limits.send_moments``, the model the gate's
  buckets run on the clock; the last one sent still takes ``generation_seconds`` to finish;
- where every call is paced (``request_rate``, Vidnoz's 1 a second), the apply's API requests
  (refresh, POSTs, polling, links) cannot go faster than that pace either;
- renames, deletes, moves and forgets are single unpaced calls: no time worth showing.

The same function gives apply's progress line its time left (``time_left``), on the engine's
clock, so the plan's estimate and the countdown cannot disagree. A plan over a window of a
day or more (Synthesia's 1,000 a day) says so (``ApplyTime.over``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vidspec.core.rate import Rate
from vidspec.providers.base import Capabilities
from vidspec.providers.limits import binding_limit, send_moments

_DAY = 86400.0


@dataclass(frozen=True)
class ApplyTime:
    """An apply's expected duration and request share.

    ``seconds``: wall-clock seconds from the first call to the last video finished.
    ``rate``: the window that sets the pace (of several, the one that alone would take
    longest). ``concurrency``: the cap on videos generating at once, when it is what sets the
    pace instead. ``over``: a window of a day or more that the generations exceed (the apply
    cannot finish within it). ``requests``: the API requests apply spends (the plan's cost).
    ``requests_cap``: the month's cap (``None``: the service has none), of which ``requests``
    is ``share`` (0..1+)."""

    seconds: float
    rate: Rate
    generations: int
    requests: int
    requests_cap: int | None = None
    concurrency: int | None = None
    over: Rate | None = None

    @property
    def share(self) -> float | None:
        if not self.requests_cap:
            return None
        return self.requests / self.requests_cap

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "seconds": round(self.seconds, 1),
            "generation_rate": _rate_json(self.rate),
            "generations": self.generations,
            "requests": self.requests,
            "requests_cap": self.requests_cap,
            "month_share": None if self.share is None else round(self.share, 4),
        }
        if self.concurrency is not None:  # only when set: the single-rate plans stay as they were
            doc["concurrency"] = self.concurrency
        if self.over is not None:
            doc["over"] = _rate_json(self.over)
        return doc

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> ApplyTime:
        cap = doc.get("requests_cap")
        concurrency, over = doc.get("concurrency"), doc.get("over")
        return cls(
            seconds=float(doc["seconds"]),
            rate=_rate_of(doc["generation_rate"]),
            generations=int(doc["generations"]),
            requests=int(doc["requests"]),
            requests_cap=None if cap is None else int(cap),
            concurrency=None if concurrency is None else int(concurrency),
            over=None if over is None else _rate_of(over),
        )


def _rate_json(rate: Rate) -> dict[str, Any]:
    return {"count": rate.count, "seconds": rate.seconds}


def _rate_of(doc: Mapping[str, Any]) -> Rate:
    return Rate(int(doc["count"]), float(doc["seconds"]))


def apply_seconds(generations: int, caps: Capabilities, *, requests: int = 0) -> float:
    """Expected seconds of an apply that sends ``generations`` and ``requests`` API calls in
    all, starting with fresh limits (see the module docstring)."""
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
    """The plan's ``ApplyTime``: ``generations`` creates and regenerates, ``requests`` in all,
    named by the limit that sets its pace (``vidspec.providers.limits.binding_limit``)."""
    limits = caps.limits
    binding = binding_limit(generations, limits, caps.generation_seconds) or limits.concurrency
    over = [w for w in limits.windows if w.seconds >= _DAY and generations > w.count]
    return ApplyTime(
        seconds=apply_seconds(generations, caps, requests=requests),
        rate=binding if isinstance(binding, Rate) else caps.generation_rate,
        generations=generations,
        requests=requests,
        requests_cap=requests_cap,
        concurrency=binding if isinstance(binding, int) else None,
        over=min(over, key=lambda w: w.count / w.seconds) if over else None,
    )


def _seconds(generations: int, caps: Capabilities, *, requests: int = 0, fresh: bool) -> float:
    paced = 0.0
    if caps.request_rate is not None and requests > 0:
        paced = requests * caps.request_rate.seconds / max(1, caps.request_rate.count)
    if generations <= 0:
        return paced
    last = send_moments(generations, caps.limits, caps.generation_seconds)[-1]
    if not fresh:  # the current window is spent: everything waits for its next token
        last += caps.generation_rate.seconds
    return max(paced, last + max(0.0, caps.generation_seconds))
