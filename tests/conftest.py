"""Fixtures every test file may use: a movable clock, served emulators of both kinds, a clean
environment and a project factory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from projects import SECRET_NAMES, write_project_file

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


@pytest.fixture
def vidnoz_emulator(clock: ManualClock) -> Iterator[EmulatorServer]:
    """A Vidnoz emulator on loopback reading ``clock`` (API key ``test-key``)."""
    settings = EmulatorSettings(provider="vidnoz", token="test-key", seed=1)
    with serve(settings, clock=clock) as server:
        yield server


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The environment a command sees, without what a developer's shell may hold (``NO_COLOR``,
    the secrets vidspec reads); returns ``monkeypatch`` to set what the test needs."""
    for name in ("NO_COLOR", *SECRET_NAMES):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def project_factory(tmp_path: Path) -> Callable[..., Path]:
    """``make(server=None, *, root=tmp_path, account="acme", safety="", extra="")`` writes
    ``vidspec.yaml`` for ``server`` (the sandbox when none) and returns the project's root."""

    def make(server: EmulatorServer | None = None, *, root: Path = tmp_path, **more: str) -> Path:
        write_project_file(root, server, **more)
        return root

    return make
