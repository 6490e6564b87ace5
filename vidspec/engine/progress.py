"""How apply tells the outside what it is doing: the ``ApplyReporter`` interface.

The engine calls a reporter; it never prints. The CLI picks one of the renderers in
``vidspec.render.apply`` (a progress bar on a terminal, a line per finished video in CI);
tests may record the calls. Every method has a do-nothing default in ``NullReporter``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from vidspec.engine.results import ActionResult


@dataclass(frozen=True)
class Progress:
    """Where the run stands: ``done`` of ``total`` actions finished (done, failed or skipped),
    seconds ``elapsed``, and an estimate of the seconds left (``None``: none). The engine's
    ``Tally`` estimates it with the plan's model (``vidspec.plan.duration.time_left``);
    ``of`` extrapolates from the pace so far, for callers without capabilities."""

    done: int
    total: int
    elapsed: float
    eta: float | None
    generating: int = 0  # videos submitted and not finished yet

    @classmethod
    def of(cls, done: int, total: int, elapsed: float, generating: int = 0) -> Progress:
        eta = None
        if 0 < done < total and elapsed > 0:
            eta = elapsed / done * (total - done)
        elif done >= total:
            eta = 0.0
        return cls(done, total, elapsed, eta, generating)


class ApplyReporter(Protocol):
    """Receives the engine's events, in order. Implementations must not raise.

    - ``started(progress)``: once, before the first action.
    - ``submitted(address, video_id, progress)``: a generation was accepted by the service.
    - ``finished(result, progress)``: an action reached its end (one call per plan action).
    - ``waiting(seconds, reason, progress)``: the engine is about to wait ``seconds`` for
      ``reason`` ("the generation rate limit (10 per 60 s)", "3 videos to finish").
      ``pacing`` is True for rate limits and 429s, False for polling pauses.
    - ``ticking(left, reason, progress)``: about once a second (on the engine's clock) during
      a wait that ``waiting`` announced: ``left`` seconds of it remain; a display redraws its
      elapsed time and countdown, a log prints a line now and then.
    - ``closed(progress)``: once, at the end (also after an interruption).
    """

    def started(self, progress: Progress) -> None: ...

    def submitted(self, address: str, video_id: str, progress: Progress) -> None: ...

    def finished(self, result: ActionResult, progress: Progress) -> None: ...

    def waiting(self, seconds: float, reason: str, progress: Progress, *, pacing: bool) -> None: ...

    def ticking(self, left: float, reason: str, progress: Progress) -> None: ...

    def closed(self, progress: Progress) -> None: ...


class NullReporter:
    """A reporter that ignores everything (library use, benchmarks)."""

    def started(self, progress: Progress) -> None:
        pass

    def submitted(self, address: str, video_id: str, progress: Progress) -> None:
        pass

    def finished(self, result: ActionResult, progress: Progress) -> None:
        pass

    def waiting(self, seconds: float, reason: str, progress: Progress, *, pacing: bool) -> None:
        pass

    def ticking(self, left: float, reason: str, progress: Progress) -> None:
        pass

    def closed(self, progress: Progress) -> None:
        pass
