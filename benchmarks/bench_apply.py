"""Benchmark of ``apply``: 200 creates against the CDNvideo emulator with its POST limit shrunk
to 10 per second and videos that take 50 ms, on the real clock.

Serves the emulator in this process (real loopback HTTP), writes a project of ``--videos``
videos (kind ``cdnvideo``, pointing at it), and applies it through the same code path as
``vidspec apply --auto-approve`` (``vidspec.engine.apply_project``: plan, then the engine),
with a CDNvideo client whose capabilities carry the shrunk limit. Reports:

- achieved POST rate / limit (goal >= 0.95). A full bucket lets the first ``N`` POSTs go at
  once; after that at most ``N`` per window. The rate is measured over what follows the first
  burst: ``(posts - N) / (last POST - first POST)``, which is exactly the limit for an ideal
  schedule (and would exceed it if the limit were broken);
- the most POSTs the service counted in any window (must be <= N) and its 429 answers (goal 0);
- API requests per created video, excluding downloads (goal <= 1.2): every request the apply
  made (its refresh, the POSTs, the polling) over the videos created;
- wall time of the apply, and the ideal ``ceil(posts / N - 1) * window``.

    python benchmarks/bench_apply.py [--videos 200] [--rate 10] [--window 1.0]
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from vidspec.app.apply import ApplyRequest, apply_project
from vidspec.core.clock import Clock, SystemClock
from vidspec.emulator import EmulatorSettings, serve
from vidspec.project.config import Project, load_project
from vidspec.providers.base import Provider, Rate
from vidspec.providers.cdnvideo.api import capabilities
from vidspec.providers.cdnvideo.provider import CdnvideoProvider

TOKEN = "bench-token"
DEFAULTS = (
    "defaults:\n"
    "  actor: {name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}\n"
    "  voice: Sara\n"
)


def write_project(root: Path, base_url: str, videos: int) -> None:
    (root / "videos").mkdir(parents=True)
    (root / "vidspec.yaml").write_text(
        "version: 1\n"
        "provider:\n"
        "  kind: cdnvideo\n"
        "  account: bench\n"
        f"  base_url: {base_url}\n"
        "  token: env/CDN_TOKEN\n"
        'manifests: ["videos/*.yaml"]\n'
        f"safety: {{max_minutes: {videos}}}\n"
    )
    lines = [DEFAULTS.rstrip("\n"), "videos:"]
    for n in range(videos):
        lines += [
            f"  lesson-{n:04d}:",
            f"    video_name: Lesson {n}",
            f"    script: Lesson {n} in one sentence, short and clear.",
        ]
    (root / "videos" / "lessons.yaml").write_text("\n".join(lines) + "\n")


def most_in_any_window(times: list[float], window: float) -> int:
    best, start = 0, 0
    for end, moment in enumerate(times):
        while times[start] <= moment - window:
            start += 1
        best = max(best, end - start + 1)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--videos", type=int, default=200)
    parser.add_argument("--rate", type=int, default=10, help="POSTs per window")
    parser.add_argument("--window", type=float, default=1.0, help="seconds")
    args = parser.parse_args()
    limit = Rate(args.rate, args.window)
    settings = EmulatorSettings(
        token=TOKEN,
        account="bench",
        post_limit=limit,
        queue_seconds=0.0,
        processing_seconds=0.05,
        monthly_requests=1_000_000,
        quota_left=544.0,
    )
    caps = capabilities(generation_rate=limit)

    def client(project: Project, environ: Mapping[str, str], clock: Clock) -> Provider:
        return CdnvideoProvider(
            account="bench",
            base_url=server.base_url,
            token=environ["CDN_TOKEN"],
            clock=clock,
            capabilities=caps,
            trust_env=False,
        )

    with tempfile.TemporaryDirectory() as tmp, serve(settings) as server:
        root = Path(tmp) / "project"
        write_project(root, server.base_url, args.videos)
        project = load_project(root)
        started = time.monotonic()
        outcome = apply_project(
            project,
            ApplyRequest(),
            SystemClock(),
            environ={"CDN_TOKEN": TOKEN},
            provider_factory=client,
        )
        wall = time.monotonic() - started
        results = outcome.results
        assert results is not None and results.ok, "the apply failed"
        world = server.world.videos
        created = len(world)
        times = sorted(r.created_at.timestamp() for r in world.values())
        posts = [s for m, p, s in server.request_log if m == "POST"]
        rejected = sum(1 for s in posts if s == 429)
        api_calls = sum(1 for _, p, _ in server.request_log if not p.startswith("/files/"))
        span = times[-1] - times[0]
        achieved = (created - limit.count) / span if span > 0 else float("inf")
        ideal_span = math.ceil(created / limit.count - 1) * limit.seconds
        rows = [
            ("videos created", f"{created} (plan: {len(outcome.work.plan.actions)} creates)"),
            ("POSTs sent", f"{len(posts)} ({rejected} answered 429)"),
            ("limit", f"{limit.count} per {limit.seconds:g} s"),
            ("achieved POST rate", f"{achieved:.2f}/s"),
            ("achieved / limit", f"{achieved / (limit.count / limit.seconds):.3f} (goal >= 0.95)"),
            ("most POSTs in any window", f"{most_in_any_window(times, limit.seconds)}"),
            ("429 rejections", f"{rejected} (goal 0)"),
            (
                "API requests",
                f"{api_calls}: {results.stats.generation_posts} POST, "
                f"{results.stats.listing_calls} listing rounds, "
                f"{results.stats.status_calls} status, 2 refresh",
            ),
            ("API requests per created video", f"{api_calls / created:.3f} (goal <= 1.2)"),
            ("first to last POST", f"{span:.2f} s (ideal {ideal_span:.2f} s)"),
            ("wall time of the apply", f"{wall:.2f} s"),
        ]
        width = max(len(name) for name, _ in rows)
        for name, value in rows:
            print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
