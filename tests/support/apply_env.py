"""Shared by the apply, destroy and reliability tests: a project wired to an emulator.

``ApplyEnv`` writes a real project (vidspec.yaml of kind cdnvideo pointing at an in-process
CDNvideo emulator over loopback, or of kind vidnoz at a Vidnoz one: ``make_vidnoz_env``), and
applies and plans it with the emulator's clock, so time (rate windows, processing, expiry)
passes without sleeping. ``run`` calls the real CLI in-process with the same clock.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cli_run import Cli, Ran
from projects import write_project_file

from vidspec.app.apply import ApplyRequest, apply_project
from vidspec.app.workflow import PlanRequest, make_plan
from vidspec.core.clock import ManualClock, SystemClock
from vidspec.core.errors import ProviderError
from vidspec.emulator import EmulatorServer, EmulatorSettings, serve
from vidspec.emulator.cdnvideo.world import CANCELED
from vidspec.engine import ActionResult, ApplyResults, EngineOptions, Progress, WaitPolicy
from vidspec.plan import Plan
from vidspec.plan.planner import PlanOptions
from vidspec.plan.polling import PollTiming
from vidspec.plan.saved import plan_checksum
from vidspec.project.config import Project, load_project
from vidspec.providers.base import Rate
from vidspec.state import State, open_state_store

TOKEN = "apply-token"
ACCOUNT = "acme"
VIDNOZ_KEY = "vidnoz-apply-key-0042"
# ids of the Vidnoz emulator's catalog (vidspec/emulator/vidnoz_catalog.py)
ANNA = "Rk1nN090NnZQWXlSZW5oSHJlSlhWdz09"
JENNY = "d0VWUk5SU056NEwwMlRsem5vNVROYlpCc3FGY25CY0xBa3VIeWtLUkRyMD0="
VIDNOZ_DEFAULTS = f"""\
defaults:
  avatar: {{id: {ANNA}}}
"""
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


def vidnoz_videos(count: int, prefix: str = "video") -> dict[str, dict[str, Any]]:
    """``simple_videos`` in Vidnoz's fields (``name``, ``voice.tts``)."""
    return {
        f"{prefix}-{n:02d}": {
            "name": f"{prefix.title()} {n}",
            "voice": {"tts": {"id": JENNY, "text": f"This is {prefix} number {n}, said well."}},
        }
        for n in range(count)
    }


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

    def ticking(self, left: float, reason: str, progress: Progress) -> None:
        self.events.append(("ticking", (left, reason, progress.elapsed)))

    def closed(self, progress: Progress) -> None:
        self.events.append(("closed", progress))

    def of(self, kind: str) -> list[Any]:
        return [value for name, value in self.events if name == kind]


@dataclass
class ApplyEnv:
    root: Path
    server: EmulatorServer
    clock: ManualClock
    cli: Cli | None = None
    environ: dict[str, str] = field(default_factory=lambda: {"CDN_TOKEN": TOKEN})
    defaults: str = DEFAULTS

    # -- files ------------------------------------------------------------------------------

    def write(self, text: str, name: str = "main.yaml") -> None:
        (self.root / "videos" / name).write_text(textwrap.dedent(text), encoding="utf-8")

    def write_videos(self, videos: dict[str, dict[str, Any]]) -> None:
        self.write(manifest(videos, defaults=self.defaults))

    @property
    def project(self) -> Project:
        return load_project(self.root)

    def state(self) -> State:
        return open_state_store(self.project).load()

    # -- apply and plan with the emulator's clock --------------------------------------------

    def apply(
        self,
        *,
        reporter: Any = None,
        grace: timedelta | None = None,
        **request: Any,
    ) -> ApplyResults | None:
        planning = PlanOptions(pending_grace=grace) if grace is not None else None
        engine = request.pop("engine", EngineOptions())
        outcome = apply_project(
            self.project,
            ApplyRequest(engine=engine, planning=planning, **request),
            self.clock,
            environ=self.environ,
            reporter=reporter,
        )
        return outcome.results

    def plan(self, grace: timedelta | None = None, **request: Any) -> Plan:
        options = PlanOptions(pending_grace=grace) if grace is not None else None
        result = make_plan(
            self.project,
            PlanRequest(options=options, **request),
            self.clock,
            environ=self.environ,
        )
        return result.plan

    def kinds(self, plan: Plan | None = None) -> list[tuple[str, str]]:
        plan = plan or self.plan()
        return [(a.address, a.kind) for a in plan.actions]

    # -- the CLI, in-process, on the same clock ----------------------------------------------

    def run(self, *args: str) -> Ran:
        """``vidspec -C ROOT ARGS`` through the ``cli`` fixture, on the emulator's clock."""
        assert self.cli is not None, "run() needs the cli fixture"
        return self.cli(self.root, *args, clock=self.clock)

    # -- the emulated account -------------------------------------------------------------

    def live_ids(self) -> set[str]:
        """Every video and task in the account, but canceled tasks (never a video, never
        listed, nothing to pay for or delete)."""
        world = self.server.world
        return {i for i, r in world.videos.items() if r.status(world.now) != CANCELED}

    def names(self) -> Counter[str | None]:
        """How many videos (and tasks) of each name the account holds."""
        videos = self.server.world.videos
        return Counter(_video_name(videos[i]) for i in self.live_ids())

    def assert_exactly_the_manifest(self, names: set[str]) -> None:
        """Zero duplicates, zero orphans, and every wanted video exactly once."""
        counts = self.names()
        duplicates = {n: c for n, c in counts.items() if c > 1}
        assert duplicates == {}, f"duplicate videos: {duplicates}"
        assert set(counts) == names, (
            f"in the account but not wanted: {sorted(set(counts) - names)}; "
            f"wanted but missing: {sorted(names - set(counts))}; state: {self.state().to_text()}"
        )
        state = self.state()
        managed = set(state.managed_ids())
        orphans = self.live_ids() - managed
        assert orphans == set(), f"videos nobody manages: {orphans}"
        assert state.pending == (), f"pending left: {state.pending}"
        assert {v.name for v in state.videos.values()} == names


def _video_name(record: Any) -> str | None:
    """A video's name in either emulator's account (Vidnoz: ``name``; CDNvideo: its body's)."""
    if hasattr(record, "generation") and hasattr(record.generation, "video_name"):
        return record.generation.video_name  # type: ignore[no-any-return]
    return record.name  # type: ignore[no-any-return]


_SAFETY = "{max_deletes: 50, max_regenerations: 50, max_minutes: 100}"


def write_project(root: Path, server: EmulatorServer, extra: str = "") -> None:
    write_project_file(root, server, account=ACCOUNT, safety=_SAFETY, extra=extra)


def real_now_clock() -> ManualClock:
    """A manual clock that starts at the real time (so a real-clock CLI agrees with it)."""
    return ManualClock(SystemClock().now().replace(microsecond=0))


def make_env(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: Cli | None = None,
    **settings: Any,
) -> Iterator[ApplyEnv]:
    monkeypatch.setenv("CDN_TOKEN", TOKEN)
    monkeypatch.delenv("NO_COLOR", raising=False)
    clock = real_now_clock()
    options: dict[str, Any] = {"token": TOKEN, "account": ACCOUNT, "seed": 1}
    options.update(settings)
    with serve(EmulatorSettings(**options), clock=clock) as server:
        write_project(tmp_path, server)
        yield ApplyEnv(tmp_path, server, clock, cli)


def write_vidnoz_project(root: Path, server: EmulatorServer, extra: str = "") -> None:
    """vidspec.yaml of kind vidnoz, ``base_url`` the emulator's root (as users write it)."""
    write_project_file(root, server, safety=_SAFETY, extra=extra)


def make_vidnoz_env(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: Cli | None = None,
    **settings: Any,
) -> Iterator[ApplyEnv]:
    """``make_env`` against the Vidnoz emulator (its 1 call a second, on the shared clock)."""
    monkeypatch.setenv("VIDNOZ_API_KEY", VIDNOZ_KEY)
    monkeypatch.delenv("NO_COLOR", raising=False)
    clock = real_now_clock()
    options: dict[str, Any] = {"provider": "vidnoz", "token": VIDNOZ_KEY, "seed": 1}
    options.update(settings)
    with serve(EmulatorSettings(**options), clock=clock) as server:
        write_vidnoz_project(tmp_path, server)
        environ = {"VIDNOZ_API_KEY": VIDNOZ_KEY}
        yield ApplyEnv(tmp_path, server, clock, cli, environ, VIDNOZ_DEFAULTS)


# -- fault injection: applies under gateway errors and lost create answers ------------------------

FAULTS = {"fail_rate": 0.2, "lose_response_rate": 0.3}


def converge(env: ApplyEnv, *, runs: int = 15) -> tuple[int, int]:
    """Apply under faults until a (fault-free) plan is empty; returns (runs, failed runs)."""
    failed = 0
    for run in range(1, runs + 1):
        env.server.configure(**FAULTS)
        try:
            results = env.apply()
        except ProviderError:
            results = None  # the refresh itself failed after its retries: just run again
        if results is None or not results.ok:
            failed += 1
        open_state_store(env.project).load()  # parses (raises StateCorrupt otherwise)
        env.server.configure(fail_rate=0.0, lose_response_rate=0.0)
        plan = env.plan()
        if not plan.actions and not plan.pending:
            return run, failed
        # time for what is in flight to finish, and for unresolved creates to pass the grace
        env.clock.advance(31 * 60)
    raise AssertionError(f"no convergence after {runs} runs: {env.kinds()}")


def video_names(videos: dict[str, dict[str, Any]]) -> set[str]:
    """The CDNvideo names (``video_name``) of ``simple_videos``-style manifest videos."""
    return {v["video_name"] for v in videos.values()}


def change_every_kind(videos: dict[str, dict[str, Any]]) -> None:
    """The fault test's second round, on ``simple_videos(12)``: 3 renames, 3 regenerates,
    3 deletes and 3 creates."""
    for n in (0, 1, 2):
        videos[f"video-{n:02d}"]["video_name"] = f"Renamed {n}"
    for n in (3, 4, 5):
        videos[f"video-{n:02d}"]["script"] = f"A new script for video {n}, said differently."
    for n in (6, 7, 8):
        del videos[f"video-{n:02d}"]
    videos.update(simple_videos(3, prefix="extra"))


# -- crash tests: `vidspec apply` in a subprocess, killed at random moments --------------------


def apply_command(root: Path) -> list[str]:
    """``vidspec -C ROOT apply --auto-approve`` in a fresh interpreter."""
    return [sys.executable, "-m", "vidspec", "-C", str(root), "apply", "--auto-approve"]


def cli_environ(**secrets: str) -> dict[str, str]:
    """This process's environment for a CLI subprocess: no NO_COLOR, plus ``secrets``."""
    environ = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environ.update(secrets)
    return environ


def kill_at_random_moments(
    root: Path,
    environ: dict[str, str],
    rng: random.Random,
    *,
    runs: int,
    window: tuple[float, float],
    before_each: Callable[[int], None] | None = None,
    server: EmulatorServer | None = None,
) -> int:
    """Run ``apply --auto-approve`` ``runs`` times, each SIGKILLed after a random (seeded) number
    of seconds in ``window`` unless it ended first; ``before_each(run)`` may change the
    manifests first. With ``server``, the window starts at the run's first request to it, not
    at the process's start: on a loaded machine Python's start-up alone can outlast the window,
    and a run killed before it sends anything tests nothing. No run prints a traceback, and the
    state parses after every one. Returns how many runs were killed."""
    killed = 0
    for run in range(runs):
        if before_each is not None:
            before_each(run)
        seen = len(server.request_log) if server is not None else 0
        proc = subprocess.Popen(
            apply_command(root), env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        if server is not None:
            _wait_for_first_request(proc, server, seen)
        try:
            proc.wait(timeout=rng.uniform(*window))
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        _, err = proc.communicate(timeout=30)
        assert b"Traceback" not in err, err.decode()
        open_state_store(load_project(root)).load()  # parses after every kill
    return killed


def _wait_for_first_request(
    proc: subprocess.Popen[bytes], server: EmulatorServer, seen: int
) -> None:
    """Until the run has sent its first request (or ended); bounded, so a run that never
    reaches the server fails the test's later assertions instead of hanging it."""
    deadline = time.monotonic() + 60
    while len(server.request_log) <= seen and proc.poll() is None:
        if time.monotonic() > deadline:
            return
        time.sleep(0.01)


def finish_after_kills(
    root: Path, environ: dict[str, str], *, settle: float, applies: int = 3
) -> ApplyResults | None:
    """A run left alone to the end. If it leaves work behind (a create cut off before its
    request left leaves a record no listing will ever resolve, and the planner waits 30 minutes
    before sending it again), once what was sent has had ``settle`` seconds to finish, more
    applies (in-process, real clock, a short grace) until the plan is empty: at most
    ``applies``. Every one of them must succeed."""
    done = subprocess.run(
        apply_command(root), env=environ, capture_output=True, text=True, timeout=120
    )
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    planning = PlanOptions(pending_grace=timedelta(seconds=1))
    results = None
    for _ in range(applies):
        project = load_project(root)
        if not open_state_store(project).load().pending and not _plan_has_changes(
            project, planning, environ
        ):
            return results
        time.sleep(settle)
        quick = EngineOptions(
            policy=WaitPolicy(timing=PollTiming(spacing=0.5, close_max=1.0, heartbeat=1.0))
        )
        outcome = apply_project(
            project,
            ApplyRequest(planning=planning, engine=quick, force=True),
            SystemClock(),
            environ=environ,
        )
        results = outcome.results
        assert results is None or results.ok, results.rows
    return results


def _plan_has_changes(project: Project, planning: PlanOptions, env: dict[str, str]) -> bool:
    plan = make_plan(project, PlanRequest(options=planning), SystemClock(), environ=env).plan
    return plan.has_changes or bool(plan.pending)


KILLS = 12  # runs of a crash test, each killed after a random moment in KILL_WINDOW
KILL_WINDOW = (0.3, 1.3)  # seconds


def crash_settings(seed: int) -> EmulatorSettings:
    """The CDNvideo crash test's emulator: real clock, videos take half a second, 4 POSTs a
    second."""
    return EmulatorSettings(
        token=TOKEN,
        account=ACCOUNT,
        post_limit=Rate(4, 1.0),
        queue_seconds=0.1,
        processing_seconds=0.4,
        seed=seed,
    )


def change_for_run(videos: dict[str, dict[str, Any]], run: int, rng: random.Random) -> None:
    """Something of every kind for the next crash run to do."""
    addresses = sorted(videos)
    for address in rng.sample(addresses, 2):
        videos[address]["script"] = f"Script of {address}, take {run}: short and to the point."
    renamed = rng.choice(addresses)
    videos[renamed]["video_name"] = f"{renamed} r{run}"
    if len(videos) > 6:
        del videos[rng.choice(addresses)]
    videos[f"new-{run:02d}"] = {
        "video_name": f"New {run}",
        "script": f"A video added in run {run}.",
        "download": f"out/new-{run}.mp4",
    }


def edit_plan(env: ApplyEnv, edit: object) -> None:
    """Change plan.json with ``edit(doc)`` and sign it again, as a forger would."""
    path = env.root / "plan.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    edit(doc)  # type: ignore[operator]
    doc["saved"]["checksum"] = plan_checksum(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")
