"""The actions that are not generations: moves, adopts, renames, deletes, forgets, downloads.

Each is state-only or one call (a delete of a task still in flight cancels it first), run in
the engine's order before any generation, and recorded at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta

from vidspec.core.errors import DownloadWriteError, ProviderError
from vidspec.core.unfilled import unfilled_reason
from vidspec.core.videos import RemoteVideo, TaskState
from vidspec.engine import records
from vidspec.engine.context import RunContext
from vidspec.engine.downloads import DownloadPathError
from vidspec.engine.finisher import Finisher
from vidspec.engine.flights import Flight
from vidspec.engine.results import Made, Outcome
from vidspec.plan.actions import Action, Adopt, Delete, Download, Forget, Move, Rename
from vidspec.project.model import Desired
from vidspec.state import State


class Steps:
    """Runs one non-generation action and records its row."""

    def __init__(
        self,
        ctx: RunContext,
        *,
        finisher: Finisher,
        desired: Desired | None,
        remote_by_id: Mapping[str, RemoteVideo],
    ) -> None:
        self._calls = ctx.calls
        self._gate = ctx.gate
        self._recorder = ctx.recorder
        self._tally = ctx.tally
        self._flights = ctx.flights
        self._finisher = finisher
        self._caps = ctx.caps
        self._clock = ctx.clock
        self._reporter = ctx.reporter
        self._desired = desired
        self._remote_by_id = remote_by_id

    def run(self, action: Action) -> None:
        if self._gate.stopping() or self._tally.blocked(action):
            return
        if not self._tally.may_start():
            self._tally.set(action, Outcome.NOT_ATTEMPTED, self._tally.halt_all or "")
            return
        if not isinstance(action, (Move, Forget, Adopt)):  # these only write the state
            self._tally.begun(action)
        try:
            if isinstance(action, Move):
                self._move(action)
            elif isinstance(action, Adopt):
                self._adopt(action)
            elif isinstance(action, Rename):
                self._rename(action)
            elif isinstance(action, Delete):
                self._delete(action)
            elif isinstance(action, Forget):
                self._recorder.save(self._forgotten(action))
                self._tally.set(action, Outcome.DONE, "dropped from the state")
            elif isinstance(action, Download):
                self._download(action)
        except (ProviderError, DownloadPathError, DownloadWriteError) as exc:
            self._tally.set(action, Outcome.FAILED, exc.message)
        except KeyboardInterrupt:
            self._tally.set(action, Outcome.FAILED, "interrupted before the answer came")
            raise

    def _move(self, action: Move) -> None:
        state = self._recorder.state
        if action.from_address not in state.videos or action.address in state.videos:
            self._tally.set(action, Outcome.FAILED, "the state changed; run vidspec plan again")
            return
        state = state.moved(action.from_address, action.address)
        record, detail = state.videos[action.address], f"from {action.from_address}"
        if action.file_to is not None and record.download is not None:
            moved = self._calls.move_saved(record.download, action.file_to)
            if isinstance(moved, str):  # left where it is: the next plan downloads anew
                detail += f"; {moved}"
            else:
                state = state.with_video(action.address, replace(record, download=moved))
                detail += f"; {record.download.path} moved to {moved.path}"
        self._recorder.save(state)
        self._tally.set(action, Outcome.DONE, detail)

    def _rename(self, action: Rename) -> None:
        refused = unfilled_reason({self._caps.name_field: action.name})
        if refused is not None:  # the last guard, as for a create
            self._tally.set(action, Outcome.FAILED, refused)
            return
        self._calls.rename(action.video_id, action.name)
        self._recorder.save(
            records.renamed(
                self._recorder.state, action.address, action.name, action.spec, action.spec_hash
            )
        )
        self._tally.set(action, Outcome.DONE, f"now {action.name!r}")

    def _delete(self, action: Delete) -> None:
        if action.in_flight and self._caps.can_cancel:
            # A task that finished meanwhile (or is gone) refuses the cancel: the delete settles it.
            with contextlib.suppress(ProviderError):
                self._calls.cancel(action.video_id)
        gone = self._calls.delete(action.video_id)
        state = self._recorder.state
        detail = f"id {action.video_id}" + (", was already gone" if gone else "")
        if action.superseded:
            self._recorder.save(records.without_previous(state, action.address, action.video_id))
        else:
            current = state.videos.get(action.address)
            self._recorder.save(records.removed(state, action.address))
            # the state's own record decides, not the plan: only what vidspec saved, unchanged
            if current is not None and current.download is not None:
                what = self._calls.remove_saved(current.download)
                detail += f", {what}" if what else ""
        self._tally.set(action, Outcome.DONE, detail)

    def _download(self, action: Download) -> None:
        current = self._recorder.state.videos.get(action.address)
        known = current.download if current is not None and current.id == action.video_id else None
        record = self._calls.save(action.video_id, action.download, known)
        self._recorder.save(
            records.downloaded(self._recorder.state, action.address, action.video_id, record)
        )
        made = Made(action.video_id, file=record.path)
        self._tally.set(action, Outcome.DONE, action.download, made)  # the row says "saved"

    def _forgotten(self, action: Forget) -> State:
        state = self._recorder.state
        if action.superseded:
            return records.without_previous(state, action.address, action.video_id)
        return records.removed(state, action.address)

    def _adopt(self, action: Adopt) -> None:
        video = self._remote_by_id.get(action.video_id) or RemoteVideo(
            id=action.video_id,
            name=None,
            state=TaskState(action.status),
            created_at=self._clock.now(),
        )
        self._recorder.save(
            records.adopted(
                self._recorder.state,
                action.address,
                video,
                action.spec,
                action.spec_hash,
                self._caps,
                action.replaces,
            )
        )
        self._tally.begun(action, "adopted")  # recorded; how it ends may not be
        want = self._desired.videos.get(action.address) if self._desired else None
        flight = Flight(
            action=action,
            address=action.address,
            spec=action.spec,
            spec_hash=action.spec_hash,
            video_id=video.id,
            sent_at=self._clock.monotonic(),
            download=want.download if want is not None else None,
        )
        if video.state.in_flight:
            # its creation time is the service's own: no clock skew to allow for
            self._calls.watch_from(video.created_at, timedelta(0))
            self._flights.add(flight)
            self._reporter.submitted(action.address, video.id, self._tally.progress())
            return
        self._finisher.finish([(flight, video)])
