"""Finishing generations: each finished one's file and old video, then one state write.

A round may finish many videos: each one's calls (saving the file, deleting the old video)
happen first, then what they all came to is written in one state write, so a round that
finishes many does not hold up the POSTs waiting their turn.

Given a ``DownloadPool`` (providers without a rate on every call), a finished video's file is
fetched there instead, beside the loop; the loop calls ``collect`` and the video is settled
(recorded, its old video deleted) in the loop's thread once its file has landed.
"""

from __future__ import annotations

from vidspec.core.errors import DownloadWriteError, ProviderError
from vidspec.core.videos import RemoteVideo, TaskState
from vidspec.engine import records
from vidspec.engine.context import RunContext
from vidspec.engine.downloads import DownloadPathError
from vidspec.engine.fetching import DownloadPool, Fetched
from vidspec.engine.flights import Flight
from vidspec.engine.results import Made, Outcome
from vidspec.engine.waiting import Watcher
from vidspec.plan.actions import Action
from vidspec.state import DownloadRecord, State

# A settled flight's row: its action, how it ended, the words, the video it made.
Settled = tuple[Action, Outcome, str] | tuple[Action, Outcome, str, Made]


class Finisher:
    """Settles finished flights: removes them from ``flights`` and records how they ended."""

    def __init__(
        self,
        ctx: RunContext,
        *,
        watcher: Watcher,
        pool: DownloadPool[tuple[Flight, RemoteVideo]] | None = None,
    ) -> None:
        self._calls = ctx.calls
        self._recorder = ctx.recorder
        self._tally = ctx.tally
        self._flights = ctx.flights
        self._watcher = watcher
        self._caps = ctx.caps
        self._pool = pool

    def fetching(self) -> int:
        """How many files the pool is still fetching (the run is not over while any are)."""
        return len(self._pool) if self._pool is not None else 0

    def finish(self, done: list[tuple[Flight, RemoteVideo]]) -> None:
        """Finished generations seen in one round (or one adopted video already done)."""
        state = self._recorder.state
        rows: list[Settled] = []
        for flight, video in done:
            self._flights.discard(flight)
            self._watcher.forget(video.id)
            if self._pool is not None and flight.download and video.state is TaskState.DONE:
                # the file is fetched beside the loop; settled by ``collect`` when it is there
                current = state.videos.get(flight.address)
                known = current.download if current and current.id == video.id else None
                self._pool.submit((flight, video), video.id, flight.download, known)
                continue
            state, row = self._settle(state, flight, video)
            rows.append(row)
        if rows:
            self._recorder.save(state)
        for row in rows:
            self._tally.set(*row)

    def collect(self, *, block: bool = False) -> None:
        """Settle the generations whose files the pool has saved (one state write); with
        ``block``, wait for every file under way first."""
        if self._pool is None:
            return
        ready = self._pool.ready(block=block)
        if not ready:
            return
        state = self._recorder.state
        rows: list[Settled] = []
        for (flight, video), fetched in ready:
            state, row = self._settle(state, flight, video, fetched)
            rows.append(row)
        self._recorder.save(state)
        for row in rows:
            self._tally.set(*row)

    def close(self) -> None:
        """Record what the pool fetched (also after Ctrl-C or an error) and stop its threads."""
        if self._pool is None:
            return
        try:
            self.collect(block=True)
        finally:
            self._pool.close()

    def _settle(
        self, state: State, flight: Flight, video: RemoteVideo, fetched: Fetched | None = None
    ) -> tuple[State, Settled]:
        """``fetched``: the file, already saved by the pool (or why it could not be)."""
        address = flight.address
        if video.state is not TaskState.DONE:
            reason = (
                "task canceled"
                if video.state is TaskState.CANCELED
                else f"task failed: {video.message or 'no reason given'}"
            )
            if flight.old is not None:
                restored = records.restored(state, address, flight.old, video.id)
                return restored, (flight.action, Outcome.FAILED, reason + "; the old video stays")
            failed = records.finished(state, address, video, self._caps)
            return failed, (flight.action, Outcome.FAILED, reason)
        problems: list[str] = []
        if fetched is not None:
            download, failure = fetched
            if failure is not None:
                problems.append(f"generated, but saving {flight.download} failed: {failure}")
        else:
            download = self._download(state, flight, video, problems)
        dropped = self._drop_old(flight, problems)
        state = records.finished(
            state, address, video, self._caps, download=download, drop_previous=dropped
        )
        detail = f"id {video.id}" + (f", saved {download.path}" if download else "")
        outcome = Outcome.FAILED if problems else Outcome.DONE
        record = state.videos.get(address)
        made = Made(
            video.id,
            video.url,
            record.expires_at if record is not None else None,
            download.path if download else None,
            video.duration,
        )
        return state, (flight.action, outcome, "; ".join([detail, *problems]), made)

    def _download(
        self, state: State, flight: Flight, video: RemoteVideo, problems: list[str]
    ) -> DownloadRecord | None:
        if not flight.download:
            return None
        current = state.videos.get(flight.address)
        known = current.download if current is not None and current.id == video.id else None
        try:
            return self._calls.save(video.id, flight.download, known)
        except (ProviderError, DownloadPathError, DownloadWriteError) as exc:
            problems.append(f"generated, but saving {flight.download} failed: {exc.message}")
            return None

    def _drop_old(self, flight: Flight, problems: list[str]) -> tuple[str, ...]:
        """The superseded video's id once it is deleted (or forgotten), else nothing."""
        if flight.old_id is None:
            return ()
        if not flight.delete_old:
            return (flight.old_id,)
        try:
            self._calls.delete(flight.old_id)
        except ProviderError as exc:
            problems.append(
                f"deleting the old video {flight.old_id} failed ({exc.message}); the "
                f"next plan deletes it"
            )
            return ()
        return (flight.old_id,)
