"""Watching generations in flight: polling rounds, adopted tasks, and creates whose answer
was lost, found again in the listing.

``WatchOps`` is the part of the engine (``vidspec.engine.engine``) that polls; it builds on
``FlightOps`` (sending and finishing) and is mixed into ``Engine``.
"""

from __future__ import annotations

from datetime import timedelta

from vidspec.core.errors import ProviderError
from vidspec.engine import records
from vidspec.engine.flight import LOST, Flight, FlightOps
from vidspec.engine.results import Outcome
from vidspec.plan.actions import Adopt
from vidspec.plan.pending import resolve_pending
from vidspec.providers.base import RemoteVideo, TaskState

_FOREVER = timedelta(days=36500)  # in-run resolution never decides "create it again"


class WatchOps(FlightOps):
    """Polling and adoption of ``Engine`` (see ``vidspec.engine.engine``)."""

    # -- adopting -----------------------------------------------------------------------------

    def _adopt(self, action: Adopt) -> None:
        video = self.remote_by_id.get(action.video_id) or RemoteVideo(
            id=action.video_id,
            name=None,
            state=TaskState(action.status),
            created_at=self.clock.now(),
        )
        self._save(
            records.adopted(
                self.state,
                action.address,
                video,
                action.spec,
                action.spec_hash,
                self.caps,
                action.replaces,
            )
        )
        want = self.desired.videos.get(action.address) if self.desired else None
        flight = Flight(
            action=action,
            address=action.address,
            spec=action.spec,
            spec_hash=action.spec_hash,
            video_id=video.id,
            sent_at=self.clock.monotonic(),
            download=want.download if want is not None else None,
        )
        if video.state.in_flight:
            self.flights.append(flight)
            self.reporter.submitted(action.address, video.id, self._progress())
            return
        self._finish(flight, video)

    def _find_lost(self, flight: Flight, listing: list[RemoteVideo]) -> RemoteVideo | None:
        """The video of a create whose answer was lost, if the listing shows it: adopted now."""
        assert flight.pending is not None
        claimed = set(self.state.managed_ids()) | {f.video_id for f in self.flights if f.video_id}
        want = self.desired.videos.get(flight.address) if self.desired else None
        outcome = resolve_pending(
            flight.address,
            [flight.pending],
            self.state.videos.get(flight.address),
            want,
            listing,
            claimed,
            self.caps,
            self.clock.now(),
            grace=_FOREVER,
            clock_skew=self.options.clock_skew,
        )
        if outcome.adopt is None:
            return None
        video = next(v for v in listing if v.id == outcome.adopt.video_id)
        replaces = flight.old.id if flight.old is not None else None
        self._save(
            records.adopted(
                self.state,
                flight.address,
                video,
                flight.spec,
                flight.spec_hash,
                self.caps,
                replaces,
            )
        )
        flight.video_id = video.id
        flight.pending = None
        self.reporter.submitted(flight.address, video.id, self._progress())
        return video

    # -- waiting ------------------------------------------------------------------------------

    def _poll(self) -> None:
        ids = [f.video_id for f in self.flights if f.video_id is not None]
        try:
            found = self.watcher.round(
                ids,
                lambda: self._call(self.provider.list_videos),
                lambda ask: self._call(lambda: self.provider.status(ask)),
            )
        except ProviderError as exc:
            self._listing_failures += 1
            if self._listing_failures >= self.options.policy.listing_failures:
                for flight in list(self.flights):
                    detail = f"could not learn how it ended ({exc.message}); plan again later"
                    self._set(flight.action, Outcome.FAILED, detail)
                self.flights.clear()
                self.schedule.stop()
                return
            self.schedule.polled(False)
            return
        self._listing_failures = 0
        stats = self.results.stats
        stats.listing_calls += 1
        stats.status_calls += found.status_calls
        stats.poll_times.append(self.clock.monotonic() - self._started)
        progressed = False
        finished: list[tuple[Flight, RemoteVideo]] = []
        for flight in list(self.flights):
            video: RemoteVideo | None
            if flight.video_id is None:
                video = self._find_lost(flight, found.listing)
                if video is None:
                    if (
                        self.clock.monotonic() - flight.sent_at
                        >= self.options.policy.lost_create_wait
                    ):
                        self.flights.remove(flight)
                        self._set(flight.action, Outcome.FAILED, LOST)
                        progressed = True
                    continue
                progressed = True
            else:
                video = found.seen.get(flight.video_id)
            if flight.video_id in found.gone:
                video = RemoteVideo(
                    id=flight.video_id,
                    name=None,
                    state=TaskState.FAILED,
                    created_at=self.clock.now(),
                    message="the service no longer knows this task (deleted outside vidspec?)",
                )
            if video is not None and video.state.finished:
                finished.append((flight, video))
                progressed = True
        if finished:
            self._finish_all(finished)
        if self.flights:
            self.schedule.polled(progressed)
        else:
            self.schedule.stop()
