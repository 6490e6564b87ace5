"""Fixtures every test file may use: the CLI in-process, a movable clock, served emulators of
both kinds, a clean environment, a project factory, and an S3 server (moto) for the S3 state
backend."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import requests
from cli_run import CI_VARIABLES, Cli
from plugin_dists import PluginDir, installed_in
from projects import SECRET_NAMES, write_project_file
from repo_paths import SUPPORT

from vidspec.core.clock import ManualClock
from vidspec.emulator import EmulatorServer, EmulatorSettings, serve

if TYPE_CHECKING:
    from s3_env import S3Env


@pytest.fixture(autouse=True)
def _user_cache_in_tmp(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user's cache directory (platformdirs: the Vidnoz pace across commands) of every
    test is its own, never the real one: no test sees another's last call."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """``cli(root, *args, env=None, input=None, clock=None)``: ``vidspec -C root ARGS``
    in-process, returns ``(code, out, err)`` (``tests/support/cli_run.py``). The CI variables
    of the shell that runs the tests are unset first."""
    for name in CI_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return Cli(capsys, monkeypatch)


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


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moto's S3 server (``tests/support/s3server.py``) in its own process on 127.0.0.1, a free
    port: the URL of a real S3 protocol server, shared by the session (each test uses its own
    bucket)."""
    pytest.importorskip("moto.server", reason="the S3 tests need the test extra (moto[server])")
    log = tmp_path_factory.mktemp("s3server") / "server.log"
    with log.open("wb") as errors:
        proc = subprocess.Popen(
            [sys.executable, str(SUPPORT / "s3server.py")],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
    assert proc.stdout is not None
    line = proc.stdout.readline()  # ends when the server listens, or with "" if it died
    if not line.startswith("PORT "):
        proc.kill()
        raise RuntimeError(f"the S3 test server did not start: {log.read_text()[-2000:]}")
    try:
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def s3(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> S3Env:
    """A fresh bucket on the session's S3 server, fake credentials in the environment
    (``tests/support/s3_env.py``)."""
    from s3_env import make_s3_env  # boto3: only where the S3 tests run

    return make_s3_env(s3_endpoint, monkeypatch)


@pytest.fixture
def plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PluginDir]:
    """Install tiny provider distributions for one test (``plugin_dists``)."""
    yield from installed_in(tmp_path, monkeypatch)
