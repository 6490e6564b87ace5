"""Two applies at once on one project: one holds the lock, the other fails fast naming the
holder (or waits with --lock-timeout); the state is never corrupted. Real processes, real
clock, an emulator served by this test process with quick videos."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from apply_env import TOKEN, ApplyEnv, simple_videos, write_project

from vidspec.core.clock import SystemClock
from vidspec.emulator import EmulatorSettings, serve
from vidspec.project.config import load_project
from vidspec.state import LocalStateStore


def _environ() -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environ["CDN_TOKEN"] = TOKEN
    return environ


class _HeldClock(SystemClock):
    """The real time plus an offset the test moves: the emulator's videos take an hour until
    the test jumps, so the first apply holds the lock however slowly the machine starts the
    others (a busy CI machine took longer to start the second apply than 1.5 s of generation)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = 0.0

    def jump(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds

    def now(self) -> datetime:
        with self._lock:
            return super().now() + timedelta(seconds=self._offset)

    def monotonic(self) -> float:
        with self._lock:
            return super().monotonic() + self._offset


def test_a_second_apply_fails_fast_naming_the_holder_or_waits(tmp_path: Path) -> None:
    settings = EmulatorSettings(
        token=TOKEN, account="acme", queue_seconds=0.0, processing_seconds=3600
    )
    emulator_clock = _HeldClock()
    with serve(settings, clock=emulator_clock) as server:
        write_project(tmp_path, server)
        env = ApplyEnv(tmp_path, server, SystemClock())  # type: ignore[arg-type]
        env.write_videos(simple_videos(3))
        vidspec = [sys.executable, "-m", "vidspec", "-C", str(tmp_path)]
        first = subprocess.Popen(
            [*vidspec, "apply", "--auto-approve"],
            env=_environ(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        info = tmp_path / ".vidspec" / "lock.info"
        deadline = time.monotonic() + 60
        while not (info.exists() and "vidspec apply" in info.read_text()):
            assert time.monotonic() < deadline, "the first apply never took the lock"
            assert first.poll() is None, first.communicate()
            time.sleep(0.02)
        holder = json.loads(info.read_text())
        assert holder["pid"] == first.pid

        started = time.monotonic()
        second = subprocess.run(
            [*vidspec, "apply", "--auto-approve"],
            env=_environ(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 1
        # it does not wait for the lock: the first apply holds it until the test's jump below,
        # so a waiting command would never return; the bound only allows a slow start-up
        assert time.monotonic() - started < 25, "it fails fast, it does not wait"
        assert "The state is locked by another vidspec command" in second.stderr
        assert f"pid {first.pid}" in second.stderr
        assert "Command: vidspec apply" in second.stderr
        assert f"vidspec force-unlock {holder['id']}" in second.stderr
        assert second.stdout == ""  # nothing planned, nothing applied

        assert first.poll() is None, "the first apply is still running: the next one waits"
        third = subprocess.Popen(
            [*vidspec, "apply", "--auto-approve", "--lock-timeout", "60s"],
            env=_environ(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        emulator_clock.jump(3600)  # the videos are done: the first apply finishes
        out, err = first.communicate(timeout=60)
        third_out, third_err = third.communicate(timeout=60)
        assert first.returncode == 0, err
        assert "Apply complete! Videos: 3 created" in out
        # the waiting one ran after the first finished: nothing left to do
        assert third.returncode == 0, third_err
        assert third_out == "No changes. Your videos match the manifests.\n"
        LocalStateStore(load_project(tmp_path)).load()
        env.assert_exactly_the_manifest({"Video 0", "Video 1", "Video 2"})
