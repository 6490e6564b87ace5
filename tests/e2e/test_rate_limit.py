"""``provider.rate_limit``: the user lowers the rate vidspec sends generations at, any kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from vidspec.app.providers import open_provider
from vidspec.core.clock import ManualClock
from vidspec.core.errors import ManifestError, ProjectError
from vidspec.core.rate import Rate
from vidspec.emulator import EmulatorSettings, serve
from vidspec.project.config import load_project

TOKEN = "rate-token"
SPEC = {
    "script": "One short line.",
    "actor": {"name": "Natalia", "version": "4.0.0", "shot": "waist"},
    "voice": "Sara",
    "video_name": "Paced",
}


def _write(tmp_path: Path, provider: str) -> Path:
    (tmp_path / "vidspec.yaml").write_text(f"version: 1\nprovider: {provider}\n", encoding="utf-8")
    return tmp_path


def test_a_slower_rate_is_read_and_paces_the_creates(tmp_path: Path) -> None:
    clock = ManualClock()
    with serve(EmulatorSettings(token=TOKEN, account="acme"), clock=clock) as server:
        root = _write(
            tmp_path,
            f"{{kind: cdnvideo, account: acme, base_url: {server.base_url}, token: env/T,"
            " rate_limit: 1/30s}",
        )
        project = load_project(root)
        assert project.provider.rate_limit == Rate(1, 30.0)
        provider = open_provider(project, environ={"T": TOKEN}, clock=clock)
        try:
            assert provider.capabilities.generation_rate == Rate(1, 30.0)
            provider.create(SPEC)
            start = clock.monotonic()
            provider.create(SPEC)  # its turn comes 30 s after the first answer
            assert clock.monotonic() - start >= 30.0
        finally:
            provider.close()


@pytest.mark.parametrize(
    ("provider", "service"),
    [
        (
            "{kind: cdnvideo, account: acme, token: env/T, rate_limit: 20/1m}",
            "CDNvideo allows (10/60s)",
        ),
        ("{kind: vidnoz, api_key: env/T, rate_limit: 2/1s}", "Vidnoz allows (1/1s)"),
        ("{kind: sandbox, rate_limit: 11/60s}", "the sandbox allows (10/60s)"),
    ],
)
def test_a_faster_rate_is_refused_saying_it_only_lowers(
    tmp_path: Path, provider: str, service: str
) -> None:
    project = load_project(_write(tmp_path, provider))
    with pytest.raises(ProjectError, match="only lower the rate") as caught:
        open_provider(project, environ={"T": "x"}, clock=ManualClock())
    assert f"is faster than {service}" in str(caught.value)
    assert "vidspec.yaml:2:1: provider.rate_limit " in str(caught.value)


@pytest.mark.parametrize("rate", ["fast", "0/1m", "5/"])
def test_a_rate_that_is_no_rate_is_refused_where_it_stands(tmp_path: Path, rate: str) -> None:
    root = _write(tmp_path, f"{{kind: sandbox, rate_limit: '{rate}'}}")
    with pytest.raises(ManifestError) as caught:
        load_project(root)
    [problem] = caught.value.problems
    assert "vidspec.yaml:2:" in str(problem)
    assert "rate_limit" in str(problem)
