"""Benchmark of apply's polling (issue 19 item 6): how long apply waits after the last video is
ready, the polling requests it spends, and the plan's estimate beside what it spent.

The CDNvideo emulator in this process (real loopback HTTP) on a ``ManualClock`` shared with
the engine (emulated time: the figures are the times a real run would take, at no wall
time), its generations taking ``--seconds`` (CDNvideo's documented two minutes by default)
as CDNvideo's client expects, 10 POSTs a minute; ``--videos`` creates (30) into an account
that is empty or holds ``--existing`` videos vidspec does not manage; with the listing showing
finished videos only (as the issue's independent server did) and with tasks in flight listed
too. Reported per case: the estimate (total, polling) and what apply spent (total: POSTs,
listing pages, status calls, the rest), its polling rounds, and in seconds after the first
POST: the last POST, the last video ready, the end of the apply and the wait between the last
two. Goals: apply ends within 15 s of the last video being ready; no more polling requests
than before; the estimate within 10% of what was spent, never below.

    python benchmarks/bench_polling.py [--videos 30] [--seconds 120] [--existing 0,10000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "support"))

import pytest
from apply_env import ApplyEnv, make_env, simple_videos


def measure(env: ApplyEnv, videos: int) -> dict[str, float]:
    env.write_videos(simple_videos(videos))
    estimate = env.plan().cost
    mark, before = len(env.server.request_log), set(env.server.world.videos)
    results = env.apply()
    assert results is not None and results.ok, results
    log = [(m, p.split("?")[0]) for m, p, _ in env.server.request_log[mark:]]
    api = [(m, p) for m, p in log if not p.startswith("/files/")]
    new = [r for i, r in env.server.world.videos.items() if i not in before]
    first_post = min(r.created_at for r in new)
    return {
        "estimate": estimate.api_requests,
        "estimate_polling": estimate.polling_requests,
        "spent": len(api),
        "posts": sum(1 for m, p in api if m == "POST" and p.endswith("/generate")),
        "listing": results.stats.listing_calls,
        "status": results.stats.status_calls,
        "last_post": (max(r.created_at for r in new) - first_post).total_seconds(),
        "last_ready": (max(r.done_at for r in new) - first_post).total_seconds(),
        "ended": (env.clock.now() - first_post).total_seconds(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--existing", default="0,10000")
    args = parser.parse_args()
    print(
        "listing   existing  estimate (polling)  spent: POST+list+status+rest  rounds  "
        "last POST  last ready  ended   waited after ready (goal <= 15 s)"
    )
    for existing in (int(n) for n in args.existing.split(",")):
        for listed in (False, True):
            with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as patch:
                settings = {
                    "queue_seconds": 0.0,
                    "processing_seconds": args.seconds,
                    "monthly_requests": 10_000_000,
                    "list_in_progress": listed,
                }
                for env in make_env(Path(tmp), patch, **settings):
                    for n in range(existing):
                        env.server.world.add_video(video_name=f"Other {n}")
                    env.clock.advance(3600)
                    row = measure(env, args.videos)
            rest = row["spent"] - row["posts"] - row["listing"] - row["status"]
            spent = f"{row['spent']:.0f} = {row['posts']:.0f}+{row['listing']:.0f}"
            spent += f"+{row['status']:.0f}+{rest:.0f}"
            print(
                f"{'tasks' if listed else 'finished':<9} {existing:>8,}  "
                f"{row['estimate']:>4.0f} ({row['estimate_polling']:>3.0f})        "
                f"{spent:<28}  {row['listing']:>6.0f}  {row['last_post']:>7.0f} s  "
                f"{row['last_ready']:>8.0f} s  {row['ended']:>5.0f} s  "
                f"{row['ended'] - row['last_ready']:>5.0f} s",
                flush=True,
            )


if __name__ == "__main__":
    main()
