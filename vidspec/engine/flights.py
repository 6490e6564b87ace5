"""Generations in flight: the ``Flight`` of each, and the set the engine keeps of them.

A ``Flight`` is one generation the engine has sent and not yet seen finish: a create, a
regenerate's new video, an adopted task still in flight, or a create whose answer was lost
(``video_id`` None until its video turns up in the listing).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from vidspec.plan.actions import Action, Create, Regenerate
from vidspec.state import PendingRecord, VideoRecord

LOST = (
    "the service's answer to the create was lost; recorded as pending, the next plan adopts "
    "the video from the listing (or creates it again if it never appears), so it is never "
    "paid for twice"
)


@dataclass
class Flight:
    """One generation in flight. ``old``: the record a regenerate restores if the new video
    fails; ``old_id``: the superseded video to delete (``delete_old``) or forget once done."""

    action: Action
    address: str
    spec: Mapping[str, Any]
    spec_hash: str
    video_id: str | None
    sent_at: float
    pending: PendingRecord | None = None
    old: VideoRecord | None = None
    old_id: str | None = None
    delete_old: bool = True
    download: str | None = None


class Flights:
    """The generations in flight, in the order they were sent."""

    def __init__(self) -> None:
        self._items: list[Flight] = []
        self.generations_sent = 0  # creates and regenerates sent in this run (apply's progress)
        self.last_sent: float | None = None  # when the newest of them was sent (monotonic)

    def add(self, flight: Flight) -> None:
        self._items.append(flight)
        if isinstance(flight.action, (Create, Regenerate)):
            self.generations_sent += 1
            self.last_sent = max(self.last_sent or flight.sent_at, flight.sent_at)

    def discard(self, flight: Flight) -> None:
        if flight in self._items:
            self._items.remove(flight)

    def clear(self) -> None:
        """The run stops following them all."""
        self._items = []

    def __iter__(self) -> Iterator[Flight]:
        return iter(list(self._items))  # a copy: callers remove while they walk

    def __bool__(self) -> bool:
        return bool(self._items)

    def count(self) -> int:
        """How many are in flight (a lost answer too: its video may be generating)."""
        return len(self._items)

    def known_ids(self) -> list[str]:
        """Ids of the flights whose video is known (not a lost answer)."""
        return [f.video_id for f in self._items if f.video_id is not None]

    def text(self) -> str:
        """What a wait for them is waiting for."""
        known = len(self.known_ids())
        lost = len(self._items) - known
        parts = []
        if known:
            parts.append(f"{known} video{'s' if known != 1 else ''} to finish")
        if lost:
            parts.append(f"{lost} lost answer{'s' if lost != 1 else ''} to find in the listing")
        return " and ".join(parts) or "the service"
