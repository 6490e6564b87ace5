"""``RunContext``: what every collaborator of one apply run works with, given once.

``Engine`` builds one per run (``engine._Run``) and hands it to ``Steps``, ``Submitter``,
``Poller`` and ``Finisher``; each takes from it what it uses and only its own extras as
arguments, so a new shared part is one field here, not a keyword in four constructors.
"""

from __future__ import annotations

from dataclasses import dataclass

from vidspec.core.clock import Clock
from vidspec.engine.calls import Calls
from vidspec.engine.flights import Flights
from vidspec.engine.gate import Gate
from vidspec.engine.progress import ApplyReporter
from vidspec.engine.records import Recorder
from vidspec.engine.results import ApplyStats
from vidspec.engine.tally import Tally
from vidspec.engine.waiting import EngineOptions
from vidspec.providers.base import Capabilities


@dataclass(frozen=True)
class RunContext:
    """The run's provider calls (through the gate), its gate, the state recorder, the tally of
    rows, the flights (creates in flight), the provider's capabilities, the clock, the
    options, the reporter and the run's statistics."""

    calls: Calls
    gate: Gate
    recorder: Recorder
    tally: Tally
    flights: Flights
    caps: Capabilities
    clock: Clock
    options: EngineOptions
    reporter: ApplyReporter
    stats: ApplyStats


__all__ = ["RunContext"]
