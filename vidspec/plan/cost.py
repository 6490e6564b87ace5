"""What a plan costs: video minutes from the script, and API requests by a fixed model. Pure.

Duration: SSML tags are stripped and entities decoded; the remaining characters (whitespace
collapsed) are divided by ``Capabilities.chars_per_second``; every ``<break time="500ms"/>`` or
``time="2s"`` adds its pause (a break without ``time`` adds its ``strength``, medium = 0.75 s).

API requests (what ``apply`` of the plan will send; documented in docs and the cost line):

==========================  ==================================================================
create                      1 POST + 1 when the video has ``download:`` (the link; the file
                            itself comes from a file host and is no API request: the clients
                            count it in ``file_ledger``, not ``ledger``)
polling (the plan's         the listing rounds of the engine's schedule
  generations together)     (``vidspec.plan.polling``: each video looked for when it should be
                            ready), simulated with the POSTs paced as the engine's token bucket
                            sends them (``generation_rate``: a full window at once, then a
                            window's worth each time the tokens come back) and each generation
                            taking ``generation_seconds``; times the listing pages of one round
                            (only the videos made since the first create). Status calls are
                            for videos later than expected: none when they take the expected
                            time (``polling_requests``)
regenerate                  as create, + 1 DELETE of the old video when the provider can delete
rename                      1 PATCH
delete                      1 DELETE, + 1 cancel first when the task is still in flight
download                    1 (the link) for a finished video whose file is not saved
forget, move, adopt         0 (state only; an adopted video with ``download:`` costs 1)
the run itself              ``catalog_requests`` catalog calls (CDNvideo 1; Vidnoz 2: avatars
                            and voices) + the listing pages for N videos (``listing_requests``:
                            N // page + 1 when a short page ends the listing, as CDNvideo's;
                            ceil(N / page), at least 1, when the service marks the last page,
                            as Vidnoz's empty ``end_cursor``), which ``apply`` spends again to
                            refresh before it acts
==========================  ==================================================================
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from vidspec.core.dicts import value_at
from vidspec.plan.polling import PollTiming, Schedule
from vidspec.providers.base import Capabilities
from vidspec.providers.limits import send_moments

POSTS_PER_GENERATION = 1
REQUESTS_PER_DOWNLOAD = 1  # the link; the file fetch is not an API request
REQUESTS_PER_RENAME = 1
REQUESTS_PER_DELETE = 1
REQUESTS_PER_CANCEL = 1

_BREAK = re.compile(r"<\s*break\b([^>]*)/?\s*>", re.IGNORECASE)
_TIME_ATTR = re.compile(r"""time\s*=\s*["']\s*([0-9]*\.?[0-9]+)\s*(ms|s)\s*["']""", re.I)
_STRENGTH_ATTR = re.compile(r"""strength\s*=\s*["']\s*([a-z-]+)\s*["']""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
# SSML's named break strengths, as the Microsoft and Yandex engines render them (seconds).
_STRENGTH_SECONDS = {
    "none": 0.0,
    "x-weak": 0.25,
    "weak": 0.5,
    "medium": 0.75,
    "strong": 1.0,
    "x-strong": 1.25,
}


def spoken_text(script: str) -> str:
    """The script with SSML tags removed, entities decoded and whitespace collapsed."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", script))).strip()


def pause_seconds(script: str) -> float:
    """The sum of the script's ``<break>`` pauses."""
    total = 0.0
    for match in _BREAK.finditer(script):
        attrs = match.group(1)
        timed = _TIME_ATTR.search(attrs)
        if timed:
            value = float(timed.group(1))
            total += value / 1000.0 if timed.group(2).lower() == "ms" else value
            continue
        strength = _STRENGTH_ATTR.search(attrs)
        total += _STRENGTH_SECONDS.get(strength.group(1).lower() if strength else "medium", 0.75)
    return total


def estimate_seconds(script: str, chars_per_second: float) -> float:
    """Seconds of speech: spoken characters / ``chars_per_second`` + pauses."""
    if chars_per_second <= 0:
        raise ValueError("chars_per_second must be positive")
    return len(spoken_text(script)) / chars_per_second + pause_seconds(script)


def script_of(spec: Mapping[str, Any], capabilities: Capabilities) -> str | None:
    """The spoken text of a request body at ``capabilities.script_path``; a ``*`` in the path
    stands for every item of a list (Synthesia's ``input.*.scriptText``: every scene's text,
    one after the other). ``None`` when there is none."""
    head, star, tail = capabilities.script_path.partition(".*.")
    if not star:
        script = value_at(spec, head)
        return script if isinstance(script, str) else None
    items = value_at(spec, head)
    texts = (
        [value_at(i, tail) for i in items if isinstance(i, Mapping)]
        if isinstance(items, list)
        else []
    )
    found = [t for t in texts if isinstance(t, str)]
    return " ".join(found) if found else None


def estimate_minutes(spec: Mapping[str, Any], capabilities: Capabilities) -> float:
    """Estimated video minutes of one generation of ``spec`` (0 when it has no script text)."""
    script = script_of(spec, capabilities)
    if script is None:
        return 0.0
    return estimate_seconds(script, capabilities.chars_per_second) / 60.0


def generation_requests(*, download: bool) -> int:
    """API requests of one generation's own (the POST, and the link when it is downloaded);
    its share of the polling is in ``polling_requests``, which counts the plan's generations
    together."""
    return POSTS_PER_GENERATION + (REQUESTS_PER_DOWNLOAD if download else 0)


def post_moments(generations: int, capabilities: Capabilities) -> list[float]:
    """When the engine sends its POSTs (seconds after the first): the gate's model
    (``vidspec.providers.limits.send_moments``): each window lets its count go at once and a
    token comes back one window after it was spent; a capped service's next POST waits for a
    video to finish."""
    return send_moments(generations, capabilities.limits, capabilities.generation_seconds)


def round_moments(generations: int, capabilities: Capabilities) -> list[float]:
    """When the engine's polling rounds happen (seconds after the first POST), each video
    taking ``generation_seconds``: the engine's own ``Schedule`` run on those times."""
    took = max(0.0, capabilities.generation_seconds)
    posts = post_moments(generations, capabilities)
    schedule = Schedule(PollTiming(), took)
    in_flight: list[float] = []
    moments: list[float] = []
    sent = 0
    while sent < len(posts) or in_flight:
        if not in_flight:
            schedule.begin(posts[sent])  # waiting begins with a POST
        due = schedule.next_round(in_flight) if in_flight else float("inf")
        if sent < len(posts) and posts[sent] <= due:
            in_flight.append(posts[sent])  # the loop sends what the bucket allows first
            sent += 1
            continue
        finished = [t for t in in_flight if t + took <= due]
        in_flight = [t for t in in_flight if t + took > due]
        if in_flight:
            schedule.polled(due, finished, in_flight)
        moments.append(due)
    return moments


def polling_rounds(generations: int, capabilities: Capabilities) -> int:
    """The listing rounds apply is expected to make while ``generations`` creates run."""
    return len(round_moments(generations, capabilities))


def polling_requests(generations: int, listing_size: int, capabilities: Capabilities) -> int:
    """Expected polling requests of a plan's ``generations``: rounds x the pages of a round.
    A round lists only the videos made since the apply's first create
    (``Provider.list_videos(since=...)``), so its pages count the new videos, not the
    ``listing_size`` the account already holds."""
    if generations <= 0:
        return 0
    del listing_size  # kept in the signature: a provider without ``since`` would need it
    pages = listing_requests(generations, capabilities)
    return polling_rounds(generations, capabilities) * pages


def listing_requests(listing_size: int, capabilities: Capabilities) -> int:
    """The listing calls for ``listing_size`` videos, pages of ``list_page_size``.

    A listing without a total ends at the first page shorter than a full one, so a full last
    page costs one more (empty) page: ``N // page + 1``. A listing that marks its last page
    (``listing_end == "marked"``) costs ``ceil(N / page)``, and 1 for an empty account."""
    page = max(1, capabilities.list_page_size)
    if capabilities.listing_end == "marked":
        return max(1, -(-listing_size // page))
    return listing_size // page + 1


def refresh_requests(listing_size: int, capabilities: Capabilities) -> int:
    """A refresh: the catalog calls and the listing pages for ``listing_size`` videos."""
    return capabilities.catalog_requests + listing_requests(listing_size, capabilities)


def in_unit(minutes: float, capabilities: Capabilities) -> float:
    """Minutes in the provider's cost unit (credits = minutes x credits_per_minute)."""
    if capabilities.cost_unit == "credits":
        return minutes * capabilities.credits_per_minute
    return minutes
