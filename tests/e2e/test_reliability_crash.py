"""Crash test: ``vidspec apply --auto-approve`` in a subprocess, against an emulator served by
this test process, killed with SIGKILL at random moments (seeded), again and again, while the
manifests keep changing (creates, renames, regenerates, deletes, downloads). The state parses
after every kill; the applies that follow converge with zero duplicates and zero orphans.
Real clock, shrunk timings: videos take half a second, 4 POSTs a second."""

from __future__ import annotations

import random
import signal
from pathlib import Path

import pytest
from apply_env import (
    KILL_WINDOW,
    KILLS,
    TOKEN,
    ApplyEnv,
    change_for_run,
    cli_environ,
    crash_settings,
    finish_after_kills,
    kill_at_random_moments,
    simple_videos,
    write_project,
)

from vidspec.core.clock import SystemClock
from vidspec.emulator import serve

pytestmark = pytest.mark.slow  # real processes and clock; see pyproject


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_at_random_moments_never_duplicates_nor_orphans(tmp_path: Path) -> None:
    settings = crash_settings(seed=11)
    rng = random.Random(20261102)
    environ = cli_environ(CDN_TOKEN=TOKEN)
    with serve(settings) as server:
        write_project(tmp_path, server)
        env = ApplyEnv(tmp_path, server, SystemClock())  # type: ignore[arg-type]
        videos = simple_videos(6)
        env.write_videos(videos)

        def next_run(run: int) -> None:
            if run:
                change_for_run(videos, run, rng)
                env.write_videos(videos)

        killed = kill_at_random_moments(
            tmp_path,
            environ,
            rng,
            runs=KILLS,
            window=KILL_WINDOW,
            before_each=next_run,
            server=server,
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
