"""Crash test: ``vidspec apply --auto-approve`` in a subprocess, against an emulator served by
this test process, killed with SIGKILL at random moments (seeded), again and again, while the
manifests keep changing (creates, renames, regenerates, deletes, downloads). The state parses
after every kill; the applies that follow converge with zero duplicates and zero orphans.
Real clock, shrunk timings: videos take half a second, 4 POSTs a second."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from apply_env import TOKEN, ApplyEnv, simple_videos, write_project

from vidspec.apply import ApplyRequest, EngineOptions, WaitPolicy, apply_project
from vidspec.clock import SystemClock
from vidspec.config import load_project
from vidspec.emulator import EmulatorSettings, serve
from vidspec.planner import PlanOptions
from vidspec.providers.base import Rate
from vidspec.state import StateStore

KILLS = 12


def change(videos: dict[str, dict[str, Any]], run: int, rng: random.Random) -> None:
    """Something of every kind for the next run to do."""
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


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_at_random_moments_never_duplicates_nor_orphans(tmp_path: Path) -> None:
    settings = EmulatorSettings(
        token=TOKEN,
        account="acme",
        post_limit=Rate(4, 1.0),
        queue_seconds=0.1,
        processing_seconds=0.4,
        seed=11,
    )
    rng = random.Random(20261102)
    environ = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environ["CDN_TOKEN"] = TOKEN
    command = [sys.executable, "-m", "vidspec", "-C", str(tmp_path), "apply", "--auto-approve"]
    with serve(settings) as server:
        write_project(tmp_path, server)
        env = ApplyEnv(tmp_path, server, SystemClock())  # type: ignore[arg-type]
        videos = simple_videos(6)
        env.write_videos(videos)
        killed = 0
        for run in range(KILLS):
            if run:
                change(videos, run, rng)
                env.write_videos(videos)
            proc = subprocess.Popen(
                command, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            try:
                proc.wait(timeout=rng.uniform(0.3, 1.3))
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                killed += 1
            _, err = proc.communicate(timeout=30)
            assert b"Traceback" not in err, err.decode()
            StateStore(load_project(tmp_path)).load()  # parses after every kill
        assert killed >= KILLS // 2, "most runs should have been cut short"
        posts_during_kills = sum(1 for m, _, _ in server.request_log if m == "POST")
        assert posts_during_kills > 0

        # a run left alone to the end
        done = subprocess.run(command, env=environ, capture_output=True, text=True, timeout=60)
        assert done.returncode in (0, 1), done.stderr
        # A create cut off before its request left leaves a pending record that no listing
        # will ever resolve; the planner waits 30 minutes before sending it again. Let every
        # sent video finish, then apply once more with a short grace instead of waiting.
        time.sleep(1.0)
        quick = EngineOptions(policy=WaitPolicy(first_interval=0.5, max_interval=1.0))
        outcome = apply_project(
            load_project(tmp_path),
            ApplyRequest(
                planning=PlanOptions(pending_grace=timedelta(seconds=1)), engine=quick, force=True
            ),
            SystemClock(),
            environ=environ,
        )
        assert outcome.results is None or outcome.results.ok, outcome.results.rows
        env.assert_exactly_the_manifest({v["video_name"] for v in videos.values()})
        state = env.state()
        for address, video in videos.items():
            if "download" in video:
                record = state.videos[address].download
                assert record is not None and record.path == video["download"]
                assert (tmp_path / record.path).stat().st_size == record.size
