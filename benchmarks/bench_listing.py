"""Benchmark of the emulator's listing: the cost of one page of 1000 as the account grows.

Serves the CDNvideo emulator in this process holding N videos (10k, 100k) and times pages
over loopback HTTP: the first, the middle and the last page of the default order (newest
first), and the page of ``start`` at the newest minute (what apply's polling asks). Goal: a
page costs O(page), about the same at 100k as at 10k (it was 0.13 s at 10k and 2.2 s at
100k when every page rebuilt and sorted every record). Figures: min / median / max of
``--repeat`` timings of each page.

    python benchmarks/bench_listing.py [--sizes 10000,100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import requests

from vidspec.core.clock import SystemClock
from vidspec.emulator import EmulatorSettings, serve

TOKEN = "bench-token"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("videos   page                     ms (min / median / max)")
    for size in (int(s) for s in args.sizes.split(",")):
        settings = EmulatorSettings(token=TOKEN, account="acme", monthly_requests=10_000_000)
        with serve(settings, clock=SystemClock()) as server:
            old = server.world.now - timedelta(days=1)
            for n in range(size):
                moment = old + timedelta(milliseconds=n)  # one apart, as real videos are
                server.world.add_video(video_name=f"Video {n}", created_at=moment)
            for n in range(20):
                server.world.add_video(video_name=f"New {n}")
            newest = server.world.now.strftime("%Y-%m-%dT%H:%M:00+00")
            session = requests.Session()
            session.trust_env = False
            url = f"{server.base_url}/accounts/acme/videos"
            pages = {
                "first (newest)": {"offset": 0},
                "middle": {"offset": size // 2},
                "last": {"offset": max(0, size + 20 - 1000)},
                "start = newest minute": {"start": newest, "sort": "+date"},
            }
            for name, spread in page_times(session, url, TOKEN, pages, args.repeat):
                print(f"{size:>7,}  {name:<23}  {spread}", flush=True)


def page_times(
    session: requests.Session,
    url: str,
    token: str,
    pages: dict[str, dict[str, Any]],
    repeat: int,
) -> Iterator[tuple[str, str]]:
    """Each page of 1000 (``pages``: name -> query) timed ``repeat`` times over ``session``:
    (name, "min / median / max" in ms)."""
    for name, params in pages.items():
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            answer = session.get(
                url,
                params={"limit": 1000, **params},
                headers={"CDN-AUTH-TOKEN": token},
                timeout=300,
            )
            answer.raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
        yield (
            name,
            " / ".join(f"{v:.0f}" for v in (min(times), statistics.median(times), max(times))),
        )


if __name__ == "__main__":
    main()
