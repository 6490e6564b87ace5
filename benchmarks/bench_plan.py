"""Benchmark of ``vidspec plan``: an account of 10,000 managed videos, 1% changed.

Serves the CDNvideo emulator (in this process, real loopback HTTP) holding 10,000 videos,
writes a project whose state manages all of them and whose manifests changed 1% (half renamed,
half with a new script), then reports:

- API requests per plan (goal: 1 catalog + ceil(10,000 / page size) listing pages),
- wall time of ``vidspec plan --json`` (a fresh process, imports included),
- the baseline: merely loading the manifests (``load_desired``) and fetching + parsing the
  listing (``list_videos``), in one fresh process,
- ``make_plan`` in that same process (everything but the interpreter start and rendering),
- the ratios (goal <= 2) and the plan process's peak RSS (goal <= 300 MB).

    python benchmarks/bench_plan.py [--videos 10000] [--files 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from vidspec.core.clock import SystemClock
from vidspec.emulator import EmulatorServer, EmulatorSettings, serve
from vidspec.project.config import load_project
from vidspec.project.loader import load_desired
from vidspec.project.model import spec_hash
from vidspec.providers.base import TaskState
from vidspec.providers.cdnvideo.api import API
from vidspec.state import LocalStateStore, VideoRecord

TOKEN = "bench-token"
SCRIPT = (
    "Welcome to lesson {n}. In the next minute we look at how the team works, who to ask "
    "when something breaks, and where to find the documents you need on your first day."
)
DEFAULTS = (
    "defaults:\n"
    "  actor: {name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}\n"
    "  voice: Sara\n"
)


def write_manifests(root: Path, videos: int, files: int, changed: set[int]) -> None:
    per_file = math.ceil(videos / files)
    folder = root / "videos"
    folder.mkdir(exist_ok=True)
    for f in range(files):
        lines = [DEFAULTS.rstrip("\n"), "videos:"]
        for n in range(f * per_file, min(videos, (f + 1) * per_file)):
            name, script = f"Lesson {n}", SCRIPT.format(n=n)
            if n in changed:
                if (n // 100) % 2:
                    name = f"Lesson {n} (new)"
                else:
                    script += " Updated."
            lines += [f"  lesson-{n:05d}:", f"    video_name: {name}", f"    script: {script}"]
        (folder / f"part-{f:03d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def build_world_and_state(root: Path, server: EmulatorServer) -> None:
    """Every manifest video made in the emulator and recorded in the state, as applied."""
    project = load_project(root)
    desired = load_desired(project)
    store = LocalStateStore(project)
    with store.lock("bench"):
        state = store.load()
        videos = dict(state.videos)
        for address, video in desired.videos.items():
            body = dict(video.spec)
            actor = body["actor"]
            made = server.world.add_video(
                script=body["script"],
                actor_name=actor["name"],
                model_version=actor["version"],
                style=actor["style"],
                shot=actor["shot"],
                size=actor["size"],
                voice_name=body["voice"],
                video_name=body["video_name"],
            )
            videos[address] = VideoRecord(
                id=made.id,
                status=TaskState.DONE,
                spec_hash=spec_hash(body),
                spec=body,
                name=body["video_name"],
                created_at=made.created_at,
                expires_at=made.created_at + timedelta(days=30),
            )
        store.save(replace(state, videos=videos))


BASELINE = """
import json, os, resource, sys, time
from pathlib import Path
from typing import Any
from vidspec.core.clock import SystemClock
from vidspec.project.config import load_project
from vidspec.project.loader import load_desired
from vidspec.app.providers import open_provider
from vidspec.app.workflow import PlanRequest, make_plan

project = load_project(Path(sys.argv[1]))
started = time.perf_counter()
desired = load_desired(project)
loaded = time.perf_counter()
provider = open_provider(project, environ=os.environ, clock=SystemClock())
remote = provider.list_videos()
provider.close()
listed = time.perf_counter()
result = make_plan(project, PlanRequest(), SystemClock())
planned = time.perf_counter()
print(json.dumps({
    "load": loaded - started, "listing": listed - loaded, "make_plan": planned - listed,
    "videos": len(desired.videos), "remote": len(remote),
    "actions": len(result.plan.actions),
    "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
}))
"""


def run_baseline(root: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", BASELINE, str(root)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"baseline failed:\n{done.stderr}")
    result: dict[str, float] = json.loads(done.stdout)
    return result


def run_plan(root: Path, server: EmulatorServer) -> tuple[float, int, dict[str, Any]]:
    before = len(server.request_log)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "vidspec", "-C", str(root), "plan", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"vidspec plan failed:\n{done.stderr}")
    doc: dict[str, Any] = json.loads(done.stdout)
    return elapsed, len(server.request_log) - before, doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    args = parser.parse_args()
    changed = set(range(0, args.videos, 100))  # 1%: half renamed, half with a new script

    settings = EmulatorSettings(
        token=TOKEN, account="acme", monthly_requests=1_000_000, quota_left=1e9, quota_limit=1e9
    )
    with (
        tempfile.TemporaryDirectory(prefix="vidspec-bench-") as tmp,
        serve(settings, clock=SystemClock()) as server,
    ):
        root = Path(tmp)
        (root / "vidspec.yaml").write_text(
            "version: 1\n"
            f"provider: {{kind: cdnvideo, account: acme, base_url: '{server.base_url}', "
            "token: env/BENCH_TOKEN}\n"
            'manifests: ["videos/*.yaml"]\n'
            "safety: {max_regenerations: 1000, max_minutes: 1000}\n",
            encoding="utf-8",
        )
        write_manifests(root, args.videos, args.files, set())
        build_world_and_state(root, server)
        write_manifests(root, args.videos, args.files, changed)
        os.environ["BENCH_TOKEN"] = TOKEN

        plans = [run_plan(root, server) for _ in range(args.repeat)]
        child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # plan runs only
        baselines = [run_baseline(root) for _ in range(args.repeat)]

    base = min(b["load"] + b["listing"] for b in baselines)
    made = min(b["make_plan"] for b in baselines)
    wall = min(p[0] for p in plans)
    requests = plans[0][1]
    summary = plans[0][2]["summary"]
    goal = 1 + math.ceil(args.videos / API.list_page_size)
    if args.videos % API.list_page_size == 0:
        note = "; the client asks for one more, empty page when the last one is full"
    else:
        note = ""
    lines = [
        ("account", f"{args.videos:,} managed videos, {len(changed)} changed (1%)"),
        ("plan summary", str({k: v for k, v in summary.items() if v})),
        (
            "API requests per plan",
            f"{requests} (goal {goal} = 1 + ceil(N / {API.list_page_size}){note})",
        ),
        ("load manifests (load_desired)", f"{min(b['load'] for b in baselines):6.3f} s"),
        ("fetch + parse listing", f"{min(b['listing'] for b in baselines):6.3f} s"),
        ("baseline (load + listing)", f"{base:6.3f} s"),
        ("make_plan in process", f"{made:6.3f} s   ratio {made / base:4.2f} (goal <= 2)"),
        ("vidspec plan --json (process)", f"{wall:6.3f} s   ratio {wall / base:4.2f} (goal <= 2)"),
        ("peak RSS of plan (goal <= 300)", f"{child_kb / 1024:6.1f} MB"),
    ]
    for label, value in lines:
        print(f"{label + ':':<32} {value}")


if __name__ == "__main__":
    main()
