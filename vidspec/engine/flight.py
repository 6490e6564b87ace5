"""Generations: sending a create (write-ahead) and finishing it (file, old video, state).

A ``Flight`` is one generation the engine has sent and not yet seen finish: a create, a
regenerate's new video, an adopted task still in flight, or a create whose answer was lost
(``video_id`` None until its video turns up in the listing). ``FlightOps`` is the part of the
engine that sends and finishes them (``vidspec.engine.watching`` polls for them); it is mixed
into ``Engine`` and uses its state, pacing and results.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from vidspec.core.clock import Clock
from vidspec.core.errors import (
    DownloadWriteError,
    OutcomeUnknown,
    ProviderError,
    RateLimited,
    TransportError,
)
from vidspec.engine import records
from vidspec.engine.downloads import DownloadPathError, save_video
from vidspec.engine.options import EngineOptions
from vidspec.engine.progress import ApplyReporter, Progress
from vidspec.engine.results import ApplyResults, Outcome
from vidspec.engine.waiting import PollSchedule, Watcher
from vidspec.plan.actions import Action, Create, Regenerate
from vidspec.project.model import Desired
from vidspec.project.protect import ProtectedPaths
from vidspec.providers.base import Capabilities, Provider, RemoteVideo, TaskState
from vidspec.providers.pacing import TokenBucket
from vidspec.state import DownloadRecord, PendingRecord, State, VideoRecord

T = TypeVar("T")

LOST = (
    "the service's answer to the create was lost; recorded as pending, the next plan adopts "
    "the video from the listing (or creates it again if it never appears), so it is never "
    "paid for twice"
)


def _unsendable(spec: Mapping[str, Any]) -> str | None:
    """Why ``spec`` cannot be a JSON request body (NaN, infinity ...), or ``None``. Such a
    body fails on this machine; it must never count as a create whose answer was lost."""
    try:
        json.dumps(spec, allow_nan=False)
    except (ValueError, TypeError) as exc:
        return f"the request body cannot be encoded as JSON ({exc}); nothing was sent"
    return None


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


class FlightOps:
    """Generation handling of ``Engine`` (see ``vidspec.engine.engine``)."""

    provider: Provider
    caps: Capabilities
    state: State
    clock: Clock
    root: Path
    reporter: ApplyReporter
    generations: TokenBucket
    schedule: PollSchedule
    watcher: Watcher
    results: ApplyResults
    desired: Desired | None
    remote_ids: set[str] | None
    remote_by_id: dict[str, RemoteVideo]
    flights: list[Flight]
    stop: threading.Event
    options: EngineOptions
    _listing_failures: int
    _started: float
    _rate_limited: dict[str, int]  # 429s met by each address's create
    _retry_after_sent: bool  # whether the last 429 came with a Retry-After
    _deleted_first: set[str]  # regenerates whose old video was deleted before the create

    # provided by Engine
    def _call(self, fn: Callable[[], T]) -> T:
        raise NotImplementedError

    def _save(self, state: State) -> None:
        raise NotImplementedError

    def _set(self, action: Action, outcome: Outcome, detail: str = "") -> None:
        raise NotImplementedError

    def _halt(self, exc: ProviderError) -> None:
        raise NotImplementedError

    def _delete_remote(self, video_id: str) -> bool:
        raise NotImplementedError

    def _progress(self) -> Progress:
        raise NotImplementedError

    @property
    def _protected(self) -> ProtectedPaths | None:
        """What no download may write (the manifests' ``Desired`` knows the project's files)."""
        return self.desired.protected if self.desired is not None else None

    # -- sending ------------------------------------------------------------------------------

    def _submit(self, action: Action) -> bool:
        """Send one create or regenerate. False: rate limited (429), to be sent again later."""
        assert isinstance(action, (Create, Regenerate))
        unsendable = _unsendable(action.spec)
        if unsendable:  # before the write-ahead record and any delete: nothing can be sent
            self._set(action, Outcome.FAILED, unsendable)
            return True
        flight = self._prepare(action)
        if flight is None:
            return True
        state, pending = records.sending(
            self.state, action.address, action.kind, action.spec, action.spec_hash, self.clock.now()
        )
        self._save(state)
        try:
            with self.generations.call():
                video_id = self._call(lambda: self.provider.create(action.spec))
        except RateLimited as exc:
            self.results.stats.generation_posts += 1
            self.results.stats.rate_limited += 1
            self._save(records.not_sent(self.state, pending))  # a 429 proves nothing was made
            rate = self.caps.generation_rate
            wait = exc.retry_after if exc.retry_after is not None else rate.seconds / rate.count
            self.generations.hold_off(wait)
            self._retry_after_sent = exc.retry_after is not None  # the wait message says so
            self._rate_limited[action.address] = self._rate_limited.get(action.address, 0) + 1
            if self._rate_limited[action.address] > self.options.rate_limited_retries:
                self._set(action, Outcome.FAILED, f"{exc.message} (after {wait:g} s waits)")
                return True
            return False
        except OutcomeUnknown:
            self.results.stats.generation_posts += 1
            state, lost = records.outcome_unknown(self.state, pending)
            self._save(state)
            flight.pending = lost
            self.flights.append(flight)
            return True
        except KeyboardInterrupt:
            state, _ = records.outcome_unknown(self.state, pending)
            self._save(state)
            self._set(action, Outcome.FAILED, "interrupted while sending; " + LOST)
            raise
        except ProviderError as exc:
            if not isinstance(exc, TransportError):
                self.results.stats.generation_posts += 1
            self._save(records.not_sent(self.state, pending))  # refused: nothing was made
            self._set(action, Outcome.FAILED, exc.message)
            self._halt(exc)
            return True
        self.results.stats.generation_posts += 1
        previous = self._previous_for(action)
        self._save(
            records.submitted(
                self.state,
                action.address,
                video_id,
                action.spec,
                action.spec_hash,
                self.clock.now(),
                self.caps,
                previous,
            )
        )
        flight.video_id = video_id
        self.flights.append(flight)
        self.reporter.submitted(action.address, video_id, self._progress())
        return True

    def _prepare(self, action: Create | Regenerate) -> Flight | None:
        """The flight of ``action`` before its POST; for a regenerate that deletes first, the
        old video is deleted here. ``None``: the action failed already."""
        address = action.address
        current = self.state.videos.get(address)
        flight = Flight(
            action=action,
            address=address,
            spec=action.spec,
            spec_hash=action.spec_hash,
            video_id=None,
            sent_at=self.clock.monotonic(),
            download=action.download,
        )
        if not isinstance(action, Regenerate):
            return flight
        if address in self._deleted_first:
            return flight
        if current is None or current.id != action.video_id:
            self._set(action, Outcome.FAILED, "the state changed since the plan; plan again")
            return None
        if action.create_before_destroy:
            flight.old = current
            flight.old_id = current.id
            flight.delete_old = action.delete_old
            return flight
        try:
            self._delete_remote(current.id)
        except ProviderError as exc:
            self._set(
                action, Outcome.FAILED, f"could not delete the old video first: {exc.message}"
            )
            return None
        self._deleted_first.add(address)
        if current.previous:
            return flight  # the record keeps its superseded ids until the new one replaces it
        self._save(records.removed(self.state, address))
        return flight

    def _previous_for(self, action: Create | Regenerate) -> tuple[str, ...]:
        """Superseded ids the new video's record keeps until the next plan deletes them."""
        current = self.state.videos.get(action.address)
        if current is None:
            return ()
        if isinstance(action, Regenerate):
            if action.address in self._deleted_first:
                return current.previous
            return (*current.previous, current.id)
        listed = self.remote_ids is None or current.id in self.remote_ids
        return (*current.previous, current.id) if listed else current.previous

    def _finish(self, flight: Flight, video: RemoteVideo) -> None:
        """One finished generation: its file, its old video, then one state write."""
        self._finish_all([(flight, video)])

    def _finish_all(self, done: list[tuple[Flight, RemoteVideo]]) -> None:
        """Finished generations seen in one round. Each one's calls (download, deleting the
        old video) happen first; then what they all came to is written in one state write,
        so a round that finishes many videos does not hold up the POSTs waiting their turn."""
        state = self.state
        rows: list[tuple[Action, Outcome, str]] = []
        for flight, video in done:
            if flight in self.flights:
                self.flights.remove(flight)
            self.watcher.forget(video.id)
            state, outcome, detail = self._settle(state, flight, video)
            rows.append((flight.action, outcome, detail))
        self._save(state)
        for action, outcome, detail in rows:
            self._set(action, outcome, detail)

    def _settle(
        self, state: State, flight: Flight, video: RemoteVideo
    ) -> tuple[State, Outcome, str]:
        address = flight.address
        if video.state is not TaskState.DONE:
            reason = (
                "task canceled"
                if video.state is TaskState.CANCELED
                else f"task failed: {video.message or 'no reason given'}"
            )
            if flight.old is not None:
                return (
                    records.restored(state, address, flight.old, video.id),
                    Outcome.FAILED,
                    reason + "; the old video stays",
                )
            return records.finished(state, address, video, self.caps), Outcome.FAILED, reason
        problems: list[str] = []
        download: DownloadRecord | None = None
        if flight.download:
            current = state.videos.get(address)
            known = current.download if current is not None and current.id == video.id else None
            target = flight.download
            try:
                download, _ = self._call(
                    lambda: save_video(
                        self.provider, video.id, self.root, target, known, self._protected
                    )
                )
            except (ProviderError, DownloadPathError, DownloadWriteError) as exc:
                problems.append(f"generated, but saving {flight.download} failed: {exc.message}")
        dropped: tuple[str, ...] = ()
        if flight.old_id is not None:
            if not flight.delete_old:
                dropped = (flight.old_id,)
            else:
                try:
                    self._delete_remote(flight.old_id)
                    dropped = (flight.old_id,)
                except ProviderError as exc:
                    problems.append(
                        f"deleting the old video {flight.old_id} failed ({exc.message}); the "
                        f"next plan deletes it"
                    )
        state = records.finished(
            state, address, video, self.caps, download=download, drop_previous=dropped
        )
        detail = f"id {video.id}" + (f", saved {download.path}" if download else "")
        outcome = Outcome.FAILED if problems else Outcome.DONE
        return state, outcome, "; ".join([detail, *problems])

    def _leave_flights(self) -> None:
        """``--no-wait``: what was sent is recorded; nothing is waited for."""
        for flight in self.flights:
            if flight.video_id is None:
                self._set(flight.action, Outcome.FAILED, LOST)
            else:
                detail = f"id {flight.video_id}, generating; not waited for (--no-wait)"
                if flight.download:
                    detail += f", so {flight.download} is not saved"
                self._set(flight.action, Outcome.SUBMITTED, detail)
        self.flights.clear()

    def _flights_text(self) -> str:
        known = sum(1 for f in self.flights if f.video_id is not None)
        lost = len(self.flights) - known
        parts = []
        if known:
            parts.append(f"{known} video{'s' if known != 1 else ''} to finish")
        if lost:
            parts.append(f"{lost} lost answer{'s' if lost != 1 else ''} to find in the listing")
        return " and ".join(parts) or "the service"
