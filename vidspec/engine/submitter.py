"""Sending a create or a regenerate: write-ahead record, the POST, what its answer proves.

The record of the call is written before the POST (``records.sending``), so a crash at any
moment leaves either nothing sent or a pending record the next plan resolves; then the answer
decides: an id (the video is generating: a ``Flight``), a refusal (nothing was made), a 429
(nothing was made; sent again after the wait it asks for), or no answer (the outcome is
unknown: the pending record stays and the listing is watched for the video).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from vidspec.core.errors import OutcomeUnknown, ProviderError, RateLimited, TransportError
from vidspec.core.unfilled import unfilled_reason
from vidspec.engine import records
from vidspec.engine.context import RunContext
from vidspec.engine.flights import LOST, Flight
from vidspec.engine.results import Outcome
from vidspec.plan.actions import Create, Regenerate
from vidspec.state import PendingRecord
from vidspec.state.correlation import correlation_key


def _unsendable(spec: Mapping[str, Any]) -> str | None:
    """Why ``spec`` cannot be a JSON request body (NaN, infinity ...), or ``None``. Such a
    body fails on this machine; it must never count as a create whose answer was lost."""
    try:
        json.dumps(spec, allow_nan=False)
    except (ValueError, TypeError) as exc:
        return f"the request body cannot be encoded as JSON ({exc}); nothing was sent"
    return None


class Submitter:
    """Sends generations one at a time; each sent one joins ``flights``."""

    def __init__(
        self,
        ctx: RunContext,
        *,
        remote_ids: set[str] | None,
    ) -> None:
        self._calls = ctx.calls
        self._gate = ctx.gate
        self._recorder = ctx.recorder
        self._tally = ctx.tally
        self._flights = ctx.flights
        self._caps = ctx.caps
        self._clock = ctx.clock
        self._options = ctx.options
        self._reporter = ctx.reporter
        self._stats = ctx.stats
        self._remote_ids = remote_ids
        self._rate_limited: dict[str, int] = {}  # 429s met by each address's create
        self._deleted_first: set[str] = set()  # regenerates whose old video went first

    def submit(self, action: Create | Regenerate) -> bool:
        """Send one create or regenerate. False: rate limited (429), to be sent again later."""
        unsendable = _unsendable(action.spec) or unfilled_reason(action.spec)
        # before the write-ahead record and any delete: a body that cannot be JSON, or whose
        # text still holds a placeholder (the last guard: a video saying "dollar each product")
        if unsendable:
            self._tally.set(action, Outcome.FAILED, unsendable)
            return True
        flight = self._prepare(action)
        if flight is None:
            return True
        now = self._clock.now()
        state, pending = records.sending(
            self._recorder.state, action.address, action.kind, action.spec, action.spec_hash, now
        )
        self._recorder.save(state)
        self._calls.watch_from(now, self._options.clock_skew)
        self._tally.begun(action)
        try:
            video_id = self._calls.create(action.spec, correlation_key(pending))
        except RateLimited as exc:
            return self._rate_limited_create(action, pending, exc)
        except OutcomeUnknown:
            self._stats.generation_posts += 1
            state, lost = records.outcome_unknown(self._recorder.state, pending)
            self._recorder.save(state)
            flight.pending = lost
            self._flights.add(flight)
            return True
        except KeyboardInterrupt:
            state, _ = records.outcome_unknown(self._recorder.state, pending)
            self._recorder.save(state)
            self._tally.set(action, Outcome.FAILED, "interrupted while sending; " + LOST)
            raise
        except ProviderError as exc:
            if not isinstance(exc, TransportError):
                self._stats.generation_posts += 1
            self._recorder.save(records.not_sent(self._recorder.state, pending))  # nothing made
            self._tally.set(action, Outcome.FAILED, exc.message)
            self._tally.halt(exc)
            return True
        self._sent(action, flight, video_id)
        return True

    def _rate_limited_create(
        self, action: Create | Regenerate, pending: PendingRecord, exc: RateLimited
    ) -> bool:
        self._stats.generation_posts += 1
        self._stats.rate_limited += 1
        self._recorder.save(records.not_sent(self._recorder.state, pending))  # 429: none made
        rate = self._caps.generation_rate
        wait = exc.retry_after if exc.retry_after is not None else rate.seconds / rate.count
        self._gate.hold_off(wait, retry_after_sent=exc.retry_after is not None)
        self._rate_limited[action.address] = self._rate_limited.get(action.address, 0) + 1
        if self._rate_limited[action.address] > self._options.rate_limited_retries:
            self._tally.set(action, Outcome.FAILED, f"{exc.message} (after {wait:g} s waits)")
            return True
        return False

    def _sent(self, action: Create | Regenerate, flight: Flight, video_id: str) -> None:
        self._stats.generation_posts += 1
        previous = self._previous_for(action)
        self._recorder.save(
            records.submitted(
                self._recorder.state,
                action.address,
                video_id,
                action.spec,
                action.spec_hash,
                self._clock.now(),
                self._caps,
                previous,
            )
        )
        flight.video_id = video_id
        self._flights.add(flight)
        self._reporter.submitted(action.address, video_id, self._tally.progress())

    def _prepare(self, action: Create | Regenerate) -> Flight | None:
        """The flight of ``action`` before its POST; for a regenerate that deletes first, the
        old video is deleted here. ``None``: the action failed already."""
        address = action.address
        current = self._recorder.state.videos.get(address)
        flight = Flight(
            action=action,
            address=address,
            spec=action.spec,
            spec_hash=action.spec_hash,
            video_id=None,
            sent_at=self._clock.monotonic(),
            download=action.download,
        )
        if not isinstance(action, Regenerate) or address in self._deleted_first:
            return flight
        if current is None or current.id != action.video_id:
            self._tally.set(action, Outcome.FAILED, "the state changed since the plan; plan again")
            return None
        if action.create_before_destroy:
            flight.old = current
            flight.old_id = current.id
            flight.delete_old = action.delete_old
            return flight
        self._tally.begun(action)
        try:
            self._calls.delete(current.id)
        except ProviderError as exc:
            why = f"could not delete the old video first: {exc.message}"
            self._tally.set(action, Outcome.FAILED, why)
            return None
        self._deleted_first.add(address)
        if current.previous:
            return flight  # the record keeps its superseded ids until the new one replaces it
        self._recorder.save(records.removed(self._recorder.state, address))
        return flight

    def _previous_for(self, action: Create | Regenerate) -> tuple[str, ...]:
        """Superseded ids the new video's record keeps until the next plan deletes them."""
        current = self._recorder.state.videos.get(action.address)
        if current is None:
            return ()
        if isinstance(action, Regenerate):
            if action.address in self._deleted_first:
                return current.previous
            return (*current.previous, current.id)
        listed = self._remote_ids is None or current.id in self._remote_ids
        return (*current.previous, current.id) if listed else current.previous
