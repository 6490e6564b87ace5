"""Two applies at once on one project: one holds the lock, the other fails fast naming the
holder (or waits with --lock-timeout); the state is never corrupted. Real processes, real
clock, an emulator served by this test process with quick videos."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
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


def test_a_second_apply_fails_fast_naming_the_holder_or_waits(tmp_path: Path) -> None:
    settings = EmulatorSettings(
        token=TOKEN, account="acme", queue_seconds=0.0, processing_seconds=1.5
    )
    with serve(settings) as server:
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
        deadline = time.monotonic() + 20
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
            timeout=30,
        )
        assert second.returncode == 1
        assert time.monotonic() - started < 5, "it fails fast, it does not wait"
        assert "The state is locked by another vidspec command" in second.stderr
        assert f"pid {first.pid}" in second.stderr
        assert "Command: vidspec apply" in second.stderr
        assert f"vidspec force-unlock {holder['id']}" in second.stderr
        assert second.stdout == ""  # nothing planned, nothing applied

        assert first.poll() is None, "the first apply is still running: the next one waits"
        third = subprocess.run(
            [*vidspec, "apply", "--auto-approve", "--lock-timeout", "30s"],
            env=_environ(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        out, err = first.communicate(timeout=60)
        assert first.returncode == 0, err
        assert "Apply complete! Videos: 3 created" in out
        # the waiting one ran after the first finished: nothing left to do
        assert third.returncode == 0, third.stderr
        assert third.stdout == "No changes. Your videos match the manifests.\n"
        LocalStateStore(load_project(tmp_path)).load()
        env.assert_exactly_the_manifest({"Video 0", "Video 1", "Video 2"})
