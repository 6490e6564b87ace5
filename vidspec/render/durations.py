"""Durations and paces in words, for the plan's "Apply time" line and apply's progress line:
``about 20 min``, ``about 3 h 20 min``, ``under a minute``; ``10 a minute``, ``1 a second``."""

from __future__ import annotations

from vidspec.core.rate import Rate
from vidspec.plan.duration import ApplyTime

_PERIODS = {1.0: "a second", 60.0: "a minute", 3600.0: "an hour", 86400.0: "a day"}


def about(seconds: float) -> str:
    """A rough duration: whole minutes (hours past the hour), ``under a minute`` below one."""
    if seconds < 60:
        return "under a minute"
    minutes = max(1, int(seconds / 60 + 0.5))  # half up: 4.5 min is about 5
    if minutes < 60:
        return f"about {minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"about {hours} h {rest} min" if rest else f"about {hours} h"


def pace(rate: Rate) -> str:
    """``10 a minute``, ``1 a second``, ``1,000 a day``; else ``5 per 10 s``."""
    period = _PERIODS.get(float(rate.seconds))
    return f"{rate.count:,} {period}" if period else f"{rate.count:,} per {rate.seconds:g} s"


def apply_time_line(estimate: ApplyTime) -> str:
    """``Apply time: about 20 min (10 a minute) · 374 requests, 25% of the 1,500 this month``."""
    requests = f"{estimate.requests:,} request{'' if estimate.requests == 1 else 's'}"
    share = estimate.share
    if share is not None and estimate.requests_cap is not None:
        percent = "under 1%" if 0 < share < 0.005 else f"{round(share * 100)}%"
        requests += f", {percent} of the {estimate.requests_cap:,} this month"
    limit = pace(estimate.rate)
    if estimate.concurrency is not None:
        limit = f"{estimate.concurrency} at once"
    if estimate.over is not None:
        limit += f"; more videos than {pace(estimate.over)} allows"
    return f"Apply time: {about(estimate.seconds)} ({limit}) · {requests}"
