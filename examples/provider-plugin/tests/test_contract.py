"""vidspec's provider contract suite (``vidspec.testing.provider``) against vidspec-did and its
emulator: the promises every provider keeps, run the way vidspec runs them on its own.

``vidspec.testing`` is issue 21's public suite; with a vidspec that does not ship it yet, this
module is skipped (tests/test_did.py covers the same ground directly meanwhile).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from vidspec.plugin import HttpPolicy, ManualClock, Provider, ProviderSettings, open_context

from vidspec_did.emulator import DidEmulator, serve
from vidspec_did.plugin import PLUGIN

contract = pytest.importorskip("vidspec.testing.provider", reason="vidspec.testing not shipped")

KEY = "ZGVtbzpzZWNyZXQ="


class DidHarness:
    """The emulator and the client on one ManualClock (``vidspec.testing.ProviderHarness``)."""

    def __init__(self, emulator: DidEmulator, clock: ManualClock, work: Path) -> None:
        self.emulator, self.clock, self._work = emulator, clock, work
        world = emulator.world
        self.ready_after = world.queue_seconds + world.processing_seconds + 1.0

    def open_provider(
        self, *, root_url: str | None = None, page_size: int | None = None, policy: HttpPolicy
    ) -> Provider:
        context = open_context(
            clock=self.clock,
            policy=policy,
            work_dir=self._work / ".vidspec",
            cache_dir=self._work / "cache",
            secrets=lambda name: KEY if name == "api_key" else None,
        )
        values = {"api_key": "env/DID_API_KEY", "base_url": root_url or self.emulator.base_url}
        provider = PLUGIN.open(ProviderSettings("did", values), context)
        if page_size is not None:
            provider.capabilities = replace(provider.capabilities, list_page_size=page_size)
        return provider

    def spec(self, name: str) -> dict[str, Any]:
        return {
            "name": name,
            "source_url": "https://example.com/alice.jpg",
            "script": {"type": "text", "input": "Hello from the contract suite."},
        }

    def lose_create_answers(self, lose: bool) -> None:
        self.emulator.world.lose_answers = lose

    def names(self) -> dict[str, str | None]:
        return self.emulator.names()

    def refused(self) -> int:
        return self.emulator.world.refused


class TestDidKeepsVidspecsProviderContract(contract.ProviderContract):  # type: ignore[misc]
    @pytest.fixture
    def provider_harness(self, tmp_path: Path) -> Iterator[DidHarness]:
        clock = ManualClock(datetime(2027, 3, 1, 9, 0, tzinfo=timezone.utc))
        with serve(token=KEY, clock=clock) as emulator:
            yield DidHarness(emulator, clock, tmp_path)
