"""Benchmark of the sandbox at bulk scale (issue 19 item 7b): its store costs O(change).

1. ``vidspec apply --auto-approve`` of N creates (3,000) in a fresh process, on a sandbox
   project with ``post_limit`` raised (1000/1s) and zero queue and processing time; then
   the videos in the sandbox are counted. Goal: <= 60 s. (It was ~2,500 requests in 10
   minutes and not one video finished when the store rewrote its whole file per request.)
2. A listing page of a sandbox holding 100,000 videos: the sandbox opened as a command opens
   it (``open_provider``: the emulator reads its data directory), then pages of 1000 (the
   client's, with every field it reads) over loopback: the first, the middle and the last,
   and apply's polling page (since the last minute); each page with its request counted and
   persisted, as every sandbox request is. Goal: <= 50 ms. Also the time to open it.

    python benchmarks/bench_sandbox.py [--videos 3000] [--listed 100000] [--repeat 3]
                                       [--timeout 900] [--only apply|listing]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).parent))
from bench_listing import page_times

from vidspec.app.providers import open_provider
from vidspec.core.clock import SystemClock
from vidspec.emulator import EmulatorSettings, serve
from vidspec.emulator.cdnvideo.world import VIDEOS_DOC
from vidspec.emulator.common.store import JsonStore
from vidspec.project.config import load_project
from vidspec.providers.cdnvideo.listing import listing_params
from vidspec.sandbox.provider import SANDBOX_ACCOUNT, SANDBOX_TOKEN

PROJECT = """\
version: 1
provider:
  kind: sandbox
  options: {queue_seconds: 0, processing_seconds: 0, post_limit: 1000/1s,
            monthly_requests: 100000000}
manifests: ["videos/*.yaml"]
safety: {max_minutes: 100000000}
defaults:
  actor: {name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}
  voice: Sara
"""


def write_project(root: Path, videos: int) -> None:
    (root / "vidspec.yaml").write_text(PROJECT, encoding="utf-8")
    (root / "videos").mkdir()
    for part in range(0, videos, 100):
        lines = ["videos:"]
        for n in range(part, min(videos, part + 100)):
            lines += [f"  clip-{n:05d}:", f"    video_name: Clip {n}", f"    script: Clip {n}."]
        (root / "videos" / f"part-{part // 100:03d}.yaml").write_text("\n".join(lines) + "\n")


def videos_in(data_dir: Path) -> int:
    with serve(EmulatorSettings(data_dir=data_dir), clock=SystemClock()) as server:
        return int(server.world.count())


def bench_apply(videos: int, timeout: float) -> None:
    with tempfile.TemporaryDirectory(prefix="vidspec-sandbox-") as tmp:
        root = Path(tmp)
        write_project(root, videos)
        command = [sys.executable, "-m", "vidspec", "-C", str(root), "apply", "--auto-approve"]
        started = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
            code: int | str = done.returncode
        except subprocess.TimeoutExpired:
            code = f"killed after {timeout:g} s"
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        data_dir = root / ".vidspec" / "sandbox"
        size = sum(p.stat().st_size for p in data_dir.iterdir() if p.is_file())
        made = videos_in(data_dir)
        print(
            f"apply of {videos:,} creates: {wall:.1f} s, CPU {cpu:.1f} s (exit {code}); {made:,} "
            f"videos in the sandbox; data directory {size / 1e6:.1f} MB   (goal <= 60 s)",
            flush=True,
        )


def seed(data_dir: Path, count: int) -> None:
    """A sandbox data directory holding ``count`` videos, one a millisecond until a day ago,
    plus 20 new ones (written through the store's own ``write``, as a fold writes it)."""
    with serve(EmulatorSettings(), clock=SystemClock()) as server:
        world = server.world
        old = world.now - timedelta(days=1)
        for n in range(count):
            world.add_video(video_name=f"Video {n}", created_at=old + timedelta(milliseconds=n))
        for n in range(20):
            world.add_video(video_name=f"New {n}")
        document = {
            "format": 1,
            world.balance_key: world.quota_left,
            "videos": [r.to_json() for r in world.records()],
        }
    JsonStore(data_dir).write(VIDEOS_DOC, document)


def bench_listing(count: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory(prefix="vidspec-sandbox-") as tmp:
        root = Path(tmp)
        write_project(root, 0)
        seed(root / ".vidspec" / "sandbox", count)
        started = time.perf_counter()
        provider = open_provider(load_project(root))
        opened = time.perf_counter() - started
        try:
            server = provider.server  # type: ignore[attr-defined]
            print(f"open a sandbox of {count + 20:,} videos: {opened:.2f} s", flush=True)
            now = server.world.now
            pages = {  # as the sandbox's client asks them (every field it reads, oldest first)
                "first": listing_params(0, now),
                "middle": listing_params(count // 2, now),
                "last": listing_params(max(0, count + 20 - 1000), now),
                "polling (last minute)": listing_params(0, now, since=now - timedelta(1 / 1440)),
            }
            session = requests.Session()
            session.trust_env = False
            url = f"{server.base_url}/accounts/{SANDBOX_ACCOUNT}/videos"
            for name, spread in page_times(session, url, SANDBOX_TOKEN, pages, repeat):
                print(f"  page {name:<23} {spread} ms (min / median / max; goal <= 50)")
        finally:
            provider.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=3000)
    parser.add_argument("--listed", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--only", choices=("apply", "listing"))
    args = parser.parse_args()
    os.environ.pop("NO_COLOR", None)
    if args.only in (None, "apply"):
        bench_apply(args.videos, args.timeout)
    if args.only in (None, "listing"):
        bench_listing(args.listed, args.repeat)


if __name__ == "__main__":
    main()
