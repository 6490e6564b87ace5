"""Fixtures every test file may use: a movable clock and a served CDNvideo emulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from vidspec.core.clock import ManualClock
from vidspec.emulator import EmulatorServer, EmulatorSettings, serve


@pytest.fixture
def clock() -> ManualClock:
    """A clock that moves only when the test says so (``clock.advance(seconds)``)."""
    return ManualClock()


@pytest.fixture
def emulator_settings() -> EmulatorSettings:
    """The settings the ``emulator`` fixture serves; override this fixture to change them."""
    return EmulatorSettings(provider="cdnvideo", token="test-token", seed=1)


@pytest.fixture
def emulator(emulator_settings: EmulatorSettings, clock: ManualClock) -> Iterator[EmulatorServer]:
    """A CDNvideo emulator on loopback reading ``clock``; closed after the test."""
    with serve(emulator_settings, clock=clock) as server:
        yield server


@pytest.fixture
def account_url(emulator: EmulatorServer) -> str:
    """``{base_url}/accounts/acme``: the prefix of every CDNvideo API path."""
    return f"{emulator.base_url}/accounts/acme"


@pytest.fixture
def session(emulator: EmulatorServer) -> Iterator[requests.Session]:
    """A plain requests session sending the emulator's token (for contract tests)."""
    with requests.Session() as http:
        http.headers["CDN-AUTH-TOKEN"] = emulator.settings.token
        yield http
