"""``examples/vidnoz``: it validates as shipped, and plans and applies against the Vidnoz
emulator (its vidspec.yaml copied, with the commented ``base_url`` pointed at the emulator)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_env import real_now_clock
from click.testing import CliRunner
from repo_paths import EXAMPLES

from vidspec.app.apply import ApplyRequest, apply_project
from vidspec.app.workflow import PlanRequest, make_plan
from vidspec.cli import cli
from vidspec.core.clock import ManualClock
from vidspec.emulator import EmulatorServer, EmulatorSettings, serve
from vidspec.project.config import load_project

EXAMPLE = EXAMPLES / "vidnoz"
KEY = "example-key-1234"
ENVIRON = {"VIDNOZ_API_KEY": KEY}


@pytest.fixture
def clock() -> ManualClock:
    return real_now_clock()


@pytest.fixture
def served(clock: ManualClock) -> Iterator[EmulatorServer]:
    settings = EmulatorSettings(provider="vidnoz", token=KEY, seed=6)
    with serve(settings, clock=clock) as server:
        yield server


@pytest.fixture
def project(tmp_path: Path, served: EmulatorServer) -> Path:
    root = tmp_path / "vidnoz"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".vidspec", "out"))
    config = root / "vidspec.yaml"
    text, count = re.subn(
        r"^  # base_url: \S+.*$",
        f"  base_url: {served.root_url}",
        config.read_text(encoding="utf-8"),
        flags=re.MULTILINE,
    )
    assert count == 1, "the example shows base_url in a comment"
    config.write_text(text, encoding="utf-8")
    return root


def test_the_example_validates_as_shipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VIDNOZ_API_KEY", raising=False)  # validate is offline
    result = CliRunner().invoke(cli, ["-C", str(EXAMPLE), "validate"])
    assert (result.exit_code, result.stdout) == (0, "2 videos in 1 file are valid.\n")
    provider = load_project(EXAMPLE).provider
    assert provider.kind == "vidnoz" and provider.api_key is not None


def test_the_example_plans_and_applies_on_the_emulator(
    project: Path, served: EmulatorServer, clock: ManualClock
) -> None:
    planned = make_plan(load_project(project), PlanRequest(), clock, environ=ENVIRON)
    plan = planned.plan  # the catalog knows its avatar and voices: no problem raised
    assert [(a.address, a.kind) for a in plan.actions] == [
        ("office-tour", "create"),
        ("welcome", "create"),
    ]
    assert plan.cost.unit == "credits" and plan.cost.amount > 0

    outcome = apply_project(load_project(project), ApplyRequest(), clock, environ=ENVIRON)
    assert outcome.results is not None and outcome.results.ok, outcome.results.rows
    world = served.world.videos
    sent = {r.name: r.generation.request for r in world.values()}
    tour, welcome = sent["Office tour"], sent["Welcome to Acme"]
    assert tour["avatar"]["style"] == 3
    assert tour["background"]["media"]["url"] == "https://www.example.com/acme/office.jpg"
    assert (welcome["voice"]["tts"]["speed"], welcome["voice"]["tts"]["pitch"]) == (1.1, -5)
    assert welcome["voice"]["tts"]["text"].startswith("Hello, and welcome to Acme!")
    assert (project / "out" / "welcome.mp4").is_file()

    again = make_plan(load_project(project), PlanRequest(), clock, environ=ENVIRON).plan
    assert again.actions == () and again.pending == ()
