"""Watching generations in flight: polling rounds, and creates whose answer was lost, found
again in the listing (adopted on the spot, as the planner would)."""

from __future__ import annotations

from datetime import timedelta

from vidspec.core.errors import ProviderError
from vidspec.core.videos import RemoteVideo, TaskState
from vidspec.engine import records
from vidspec.engine.context import RunContext
from vidspec.engine.finisher import Finisher
from vidspec.engine.flights import LOST, Flight
from vidspec.engine.results import Outcome
from vidspec.engine.waiting import PollSchedule, Watcher
from vidspec.plan.pending import resolve_pending
from vidspec.project.model import Desired

_FOREVER = timedelta(days=36500)  # in-run resolution never decides "create it again"
_GONE = "the service no longer knows this task (deleted outside vidspec?)"


class Poller:
    """One polling round at a time over ``flights``; finished ones go to the finisher."""

    def __init__(
        self,
        ctx: RunContext,
        *,
        finisher: Finisher,
        watcher: Watcher,
        schedule: PollSchedule,
        desired: Desired | None,
        started: float,
        seen: dict[str, RemoteVideo],
    ) -> None:
        self._calls = ctx.calls
        self._recorder = ctx.recorder
        self._tally = ctx.tally
        self._flights = ctx.flights
        self._finisher = finisher
        self._watcher = watcher
        self._schedule = schedule
        self._caps = ctx.caps
        self._clock = ctx.clock
        self._options = ctx.options
        self._reporter = ctx.reporter
        self._stats = ctx.stats
        self._desired = desired
        self._started = started
        self._seen = seen  # finished videos as polled (their links, for vidspec output)
        self._listing_failures = 0

    def poll(self) -> None:
        sent = {f.video_id: f.sent_at for f in self._flights if f.video_id is not None}
        try:
            found = self._watcher.round(
                list(sent),
                self._calls.list_videos,
                self._calls.status,
                lambda video_id: self._schedule.overdue(sent[video_id]),
            )
        except ProviderError as exc:
            self._listing_failed(exc)
            return
        self._listing_failures = 0
        self._stats.listing_calls += 1
        self._stats.status_calls += found.status_calls
        self._stats.poll_times.append(self._clock.monotonic() - self._started)
        finished: list[tuple[Flight, RemoteVideo]] = []
        for flight in self._flights:
            video: RemoteVideo | None
            if flight.video_id is None:
                video = self._find_lost(flight, found.listing)
                if video is None:
                    self._lost_for_good(flight)
                    continue
            else:
                video = found.seen.get(flight.video_id)
            if flight.video_id in found.gone:
                video = RemoteVideo(
                    id=flight.video_id,
                    name=None,
                    state=TaskState.FAILED,
                    created_at=self._clock.now(),
                    message=_GONE,
                )
            if video is not None and video.state.finished:
                finished.append((flight, video))
        if finished:
            self._seen.update((video.id, video) for _, video in finished)
            self._finisher.finish(finished)
        if self._flights:
            # how long the made ones took teaches the schedule (not a failure's time)
            made = [f.sent_at for f, v in finished if v.state is TaskState.DONE]
            self._schedule.polled(made)
        else:
            self._schedule.stop()

    def _listing_failed(self, exc: ProviderError) -> None:
        self._listing_failures += 1
        if self._listing_failures < self._options.policy.listing_failures:
            self._schedule.polled()
            return
        for flight in self._flights:
            detail = f"could not learn how it ended ({exc.message}); plan again later"
            self._tally.set(flight.action, Outcome.FAILED, detail)
        self._flights.clear()
        self._schedule.stop()

    def _lost_for_good(self, flight: Flight) -> None:
        """A lost create looked for long enough: failed (the next plan resolves it)."""
        if self._clock.monotonic() - flight.sent_at >= self._options.policy.lost_create_wait:
            self._flights.discard(flight)
            self._tally.set(flight.action, Outcome.FAILED, LOST)

    def _find_lost(self, flight: Flight, listing: list[RemoteVideo]) -> RemoteVideo | None:
        """The video of a create whose answer was lost, if the listing shows it: adopted now."""
        assert flight.pending is not None
        state = self._recorder.state
        claimed = set(state.managed_ids()) | set(self._flights.known_ids())
        want = self._desired.videos.get(flight.address) if self._desired else None
        outcome = resolve_pending(
            flight.address,
            [flight.pending],
            state.videos.get(flight.address),
            want,
            listing,
            claimed,
            self._caps,
            self._clock.now(),
            grace=_FOREVER,
            clock_skew=self._options.clock_skew,
        )
        if outcome.adopt is None:
            return None
        video = next(v for v in listing if v.id == outcome.adopt.video_id)
        replaces = flight.old.id if flight.old is not None else None
        self._recorder.save(
            records.adopted(
                state, flight.address, video, flight.spec, flight.spec_hash, self._caps, replaces
            )
        )
        flight.video_id = video.id
        flight.pending = None
        self._reporter.submitted(flight.address, video.id, self._tally.progress())
        return video
