"""Shared by the apply, destroy and reliability tests: a project wired to an emulator.

``ApplyEnv`` writes a real project (vidspec.yaml of kind cdnvideo pointing at an in-process
CDNvideo emulator over loopback), and applies and plans it with the emulator's clock, so time
(rate windows, processing, expiry) passes without sleeping. ``run`` calls the real CLI
in-process with the same clock.
"""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from vidspec.apply import (
    ActionResult,
    ApplyRequest,
    ApplyResults,
    EngineOptions,
    Progress,
    apply_project,
)
from vidspec.cli import main
from vidspec.clock import ManualClock, SystemClock
from vidspec.config import Project, load_project
from vidspec.emulator import EmulatorServer, EmulatorSettings, serve
from vidspec.emulator.cdnvideo_world import CANCELED
from vidspec.plan import Plan
from vidspec.planner import PlanOptions
from vidspec.state import State, StateStore
from vidspec.workflow import PlanRequest, make_plan

TOKEN = "apply-token"
ACCOUNT = "acme"
DEFAULTS = """\
defaults:
  actor: {name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}
  voice: Sara
"""


def manifest(videos: dict[str, dict[str, Any]], *, defaults: str = DEFAULTS) -> str:
    """A manifest text with ``videos`` (address -> fields) under the common defaults."""
    lines = [defaults.rstrip("\n"), "videos:"]
    for address, fields in videos.items():
        lines.append(f"  {address}:")
        for key, value in fields.items():
            lines.append(f"    {key}: {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def simple_videos(count: int, prefix: str = "video") -> dict[str, dict[str, Any]]:
    return {
        f"{prefix}-{n:02d}": {
            "video_name": f"{prefix.title()} {n}",
            "script": f"This is {prefix} number {n}. It explains one thing, and explains it well.",
        }
        for n in range(count)
    }


@dataclass
class Recorder:
    """An ``ApplyReporter`` that keeps every event."""

    events: list[tuple[str, Any]] = field(default_factory=list)

    def started(self, progress: Progress) -> None:
        self.events.append(("started", progress))

    def submitted(self, address: str, video_id: str, progress: Progress) -> None:
        self.events.append(("submitted", (address, video_id)))

    def finished(self, result: ActionResult, progress: Progress) -> None:
        self.events.append(("finished", result))

    def waiting(self, seconds: float, reason: str, progress: Progress, *, pacing: bool) -> None:
        self.events.append(("waiting", (seconds, reason, pacing)))

    def closed(self, progress: Progress) -> None:
        self.events.append(("closed", progress))

    def of(self, kind: str) -> list[Any]:
        return [value for name, value in self.events if name == kind]


@dataclass
class ApplyEnv:
    root: Path
    server: EmulatorServer
    clock: ManualClock
    capsys: pytest.CaptureFixture[str] | None = None

    # -- files ------------------------------------------------------------------------------

    def write(self, text: str, name: str = "main.yaml") -> None:
        (self.root / "videos" / name).write_text(textwrap.dedent(text), encoding="utf-8")

    def write_videos(self, videos: dict[str, dict[str, Any]]) -> None:
        self.write(manifest(videos))

    @property
    def project(self) -> Project:
        return load_project(self.root)

    def state(self) -> State:
        return StateStore(self.project).load()

    # -- apply and plan with the emulator's clock --------------------------------------------

    def apply(
        self,
        *,
        reporter: Any = None,
        grace: timedelta | None = None,
        **request: Any,
    ) -> ApplyResults | None:
        planning = PlanOptions(pending_grace=grace) if grace is not None else PlanOptions()
        engine = request.pop("engine", EngineOptions())
        outcome = apply_project(
            self.project,
            ApplyRequest(engine=engine, planning=planning, **request),
            self.clock,
            environ={"CDN_TOKEN": TOKEN},
            reporter=reporter,
        )
        return outcome.results

    def plan(self, grace: timedelta | None = None, **request: Any) -> Plan:
        options = PlanOptions(pending_grace=grace) if grace is not None else PlanOptions()
        result = make_plan(
            self.project,
            PlanRequest(options=options, **request),
            self.clock,
            environ={"CDN_TOKEN": TOKEN},
        )
        return result.plan

    def kinds(self, plan: Plan | None = None) -> list[tuple[str, str]]:
        plan = plan or self.plan()
        return [(a.address, a.kind) for a in plan.actions]

    # -- the CLI, in-process, on the same clock ----------------------------------------------

    def run(self, *args: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
        assert self.capsys is not None, "run() needs the capsys fixture"
        import vidspec.cli.apply as cli_apply

        monkeypatch.setattr(cli_apply, "clock_factory", lambda: self.clock)
        self.capsys.readouterr()
        with pytest.raises(SystemExit) as exited:
            main(["-C", str(self.root), *args])
        out = self.capsys.readouterr()
        code = exited.value.code
        return (code if isinstance(code, int) else 1), out.out, out.err

    # -- the emulated account -------------------------------------------------------------

    def live_ids(self) -> set[str]:
        """Every video and task in the account, but canceled tasks (never a video, never
        listed, nothing to pay for or delete)."""
        world = self.server.world
        return {i for i, r in world.videos.items() if r.status(world.now) != CANCELED}

    def names(self) -> Counter[str | None]:
        """How many videos (and tasks) of each name the account holds."""
        videos = self.server.world.videos
        return Counter(videos[i].generation.video_name for i in self.live_ids())

    def assert_exactly_the_manifest(self, names: set[str]) -> None:
        """Zero duplicates, zero orphans, and every wanted video exactly once."""
        counts = self.names()
        duplicates = {n: c for n, c in counts.items() if c > 1}
        assert duplicates == {}, f"duplicate videos: {duplicates}"
        assert set(counts) == names
        state = self.state()
        managed = set(state.managed_ids())
        orphans = self.live_ids() - managed
        assert orphans == set(), f"videos nobody manages: {orphans}"
        assert state.pending == ()
        assert {v.name for v in state.videos.values()} == names


def write_project(root: Path, server: EmulatorServer, extra: str = "") -> None:
    (root / "videos").mkdir(parents=True, exist_ok=True)
    (root / "vidspec.yaml").write_text(
        textwrap.dedent(
            f"""\
            version: 1
            provider:
              kind: cdnvideo
              account: {ACCOUNT}
              base_url: {server.base_url}
              token: env/CDN_TOKEN
            manifests: ["videos/*.yaml"]
            safety: {{max_deletes: 50, max_regenerations: 50, max_minutes: 100}}
            """
        )
        + extra,
        encoding="utf-8",
    )


def real_now_clock() -> ManualClock:
    """A manual clock that starts at the real time (so a real-clock CLI agrees with it)."""
    return ManualClock(SystemClock().now().replace(microsecond=0))


def make_env(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str] | None = None,
    **settings: Any,
) -> Iterator[ApplyEnv]:
    monkeypatch.setenv("CDN_TOKEN", TOKEN)
    monkeypatch.delenv("NO_COLOR", raising=False)
    clock = real_now_clock()
    options: dict[str, Any] = {"token": TOKEN, "account": ACCOUNT, "seed": 1}
    options.update(settings)
    with serve(EmulatorSettings(**options), clock=clock) as server:
        write_project(tmp_path, server)
        yield ApplyEnv(tmp_path, server, clock, capsys)
