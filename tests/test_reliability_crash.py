"""Crash test: ``vidspec apply --auto-approve`` in a subprocess, against an emulator served by
this test process, killed with SIGKILL at random moments (seeded), again and again, while the
manifests keep changing (creates, renames, regenerates, deletes, downloads). The state parses
after every kill; the applies that follow converge with zero duplicates and zero orphans.
Real clock, shrunk timings: videos take half a second, 4 POSTs a second."""

from __future__ import annotations

import random
import signal
from pathlib import Path
from typing import Any

import pytest
from apply_env import (
    TOKEN,
    ApplyEnv,
    cli_environ,
    finish_after_kills,
    kill_at_random_moments,
    simple_videos,
    write_project,
)

from vidspec.clock import SystemClock
from vidspec.emulator import EmulatorSettings, serve
from vidspec.providers.base import Rate

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
    environ = cli_environ(CDN_TOKEN=TOKEN)
    with serve(settings) as server:
        write_project(tmp_path, server)
        env = ApplyEnv(tmp_path, server, SystemClock())  # type: ignore[arg-type]
        videos = simple_videos(6)
        env.write_videos(videos)

        def next_run(run: int) -> None:
            if run:
                change(videos, run, rng)
                env.write_videos(videos)

        killed = kill_at_random_moments(
            tmp_path, environ, rng, runs=KILLS, window=(0.3, 1.3), before_each=next_run
        )
        assert killed >= KILLS // 2, "most runs should have been cut short"
        posts_during_kills = sum(1 for m, _, _ in server.request_log if m == "POST")
        assert posts_during_kills > 0

        finish_after_kills(tmp_path, environ, settle=1.0)
        env.assert_exactly_the_manifest({v["video_name"] for v in videos.values()})
        state = env.state()
        for address, video in videos.items():
            if "download" in video:
                record = state.videos[address].download
                assert record is not None and record.path == video["download"]
                assert (tmp_path / record.path).stat().st_size == record.size
