"""Benchmark of ``vidspec plan``: an account of 10,000 managed videos, 1% changed.

The CDNvideo emulator runs in **another process** (real loopback HTTP), holding 10,000 videos;
this script writes a project whose state manages all of them and whose manifests changed 1%
(half renamed, half with a new script). Then, each in a fresh process, with its CPU time
(user + system, from the kernel at exit) and wall time:

- ``vidspec plan --json`` (imports included);
- the baseline, a hand-written fetch and parse of what any plan must read: the manifests
  loaded (``load_desired``) and every listing page fetched with ``requests`` and parsed with
  ``json``, nothing else (imports included).

With the emulator elsewhere, its own cost (serialising 10,000 items) no longer lands in either
figure: the ratio of **client CPU time** (goal <= 2) compares our work with the least there
is. Also: API requests per plan (goal 1 catalog + ceil(N / page) listing pages), the emulator's
cost of one listing page (O(page): goal, a page costs about the same at 10k and 100k), and
the plan process's peak RSS. Each figure min / median / max over ``--repeat`` runs.

    python benchmarks/bench_plan.py [--videos 10000] [--files 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from vidspec.core.clock import SystemClock
from vidspec.core.videos import TaskState
from vidspec.emulator import EmulatorSettings, serve
from vidspec.project.config import load_project
from vidspec.project.loader import load_desired
from vidspec.project.model import spec_hash
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


def emulator_process(conn: Connection, bodies: list[dict[str, Any]]) -> None:
    """The emulator's process: make ``bodies``, answer with the URL and what was made, then
    report its request count when asked, until told to stop."""
    settings = EmulatorSettings(
        token=TOKEN, account="acme", monthly_requests=10_000_000, quota_left=1e9, quota_limit=1e9
    )
    with serve(settings, clock=SystemClock()) as server:
        made = []
        yesterday = server.world.now - timedelta(days=1)
        for n, body in enumerate(bodies):
            video = server.world.add_video_from_body(
                body, created_at=yesterday + timedelta(milliseconds=n)
            )
            made.append((video.id, video.created_at.isoformat()))
        conn.send((server.base_url, made))
        while True:
            message = conn.recv()
            if message == "count":
                conn.send(len(server.request_log))
            else:
                return


def build_state(root: Path, made: list[tuple[str, str]]) -> None:
    """Every manifest video recorded in the state as applied (the ids the emulator made)."""
    project = load_project(root)
    desired = load_desired(project)
    store = LocalStateStore(project)
    with store.lock("bench"):
        state = store.load()
        videos = dict(state.videos)
        for (address, video), (video_id, created) in zip(desired.videos.items(), made, strict=True):
            body = dict(video.spec)
            moment = datetime.fromisoformat(created)
            videos[address] = VideoRecord(
                id=video_id,
                status=TaskState.DONE,
                spec_hash=spec_hash(body),
                spec=body,
                name=body["video_name"],
                created_at=moment,
                expires_at=moment + timedelta(days=30),
            )
        store.save(replace(state, videos=videos))


BASELINE = """
import json, sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
import requests
from vidspec.project.config import load_project
from vidspec.project.loader import load_desired

root, base_url, token = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
desired = load_desired(load_project(root))
session = requests.Session()
session.trust_env = False
start = (datetime.now(timezone.utc) - timedelta(days=31)).strftime("%Y-%m-%dT%H:%M:00+00")
url = base_url + "/accounts/acme/videos"
items, offset = [], 0
while True:
    params = {"start": start, "offset": offset, "limit": 1000, "sort": "+date",
              "fields": "video_name,script,actor_name,model_version,voice_name,background"}
    answer = session.get(url, params=params, headers={"CDN-AUTH-TOKEN": token}, timeout=60)
    answer.raise_for_status()
    page = json.loads(answer.content)
    items.extend(page)
    if len(page) < 1000:
        break
    offset += 1000
print(len(desired.videos), len(items))
"""


# ``vidspec plan`` reporting its own high-water mark (VmHWM) as it exits: ru_maxrss would
# carry this benchmark's own resident size across the fork and exec (see bench_memory).
PLAN = """
import atexit, sys
def _hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            sys.stderr.write("VMHWM " + line.split()[1] + "\\n")
atexit.register(_hwm)
from vidspec.cli import main
main(sys.argv[1:])
"""


def timed(argv: list[str]) -> tuple[float, float, float, str]:
    """(CPU s, wall s, peak RSS MB or 0, stdout) of one fresh process (CPU from ``os.wait4``)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(argv, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if child.returncode not in (0, 2):
            raise SystemExit(f"{argv[:4]} failed:\n{err.read().decode()[-2000:]}")
        text = out.read().decode()
        lines = err.read().decode(errors="replace").splitlines()
    hwm = [int(line.split()[1]) / 1024 for line in lines if line.startswith("VMHWM ")]
    return usage.ru_utime + usage.ru_stime, wall, hwm[-1] if hwm else 0.0, text


def page_cost(base_url: str, offset: int) -> float:
    """Wall time of one listing page of 1000 served by the emulator (its cost: O(page))."""
    import requests

    params: dict[str, str | int] = {"offset": offset, "limit": 1000, "sort": "-date"}
    started = time.perf_counter()
    answer = requests.get(
        base_url + "/accounts/acme/videos",
        params=params,
        headers={"CDN-AUTH-TOKEN": TOKEN},
        timeout=120,
    )
    answer.raise_for_status()
    return time.perf_counter() - started


def spread(values: list[float], fmt: str) -> str:
    return " / ".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3, help="runs, min / median / max")
    args = parser.parse_args()
    changed = set(range(0, args.videos, 100))  # 1%: half renamed, half with a new script

    with tempfile.TemporaryDirectory(prefix="vidspec-bench-") as tmp:
        root = Path(tmp)
        write_manifests(root, args.videos, args.files, set())
        (root / "vidspec.yaml").write_text("version: 1\n", encoding="utf-8")
        bodies = [dict(v.spec) for v in load_desired(load_project(root)).videos.values()]
        ours, theirs = multiprocessing.Pipe()
        emulator = multiprocessing.Process(target=emulator_process, args=(theirs, bodies))
        emulator.start()
        try:
            base_url, made = ours.recv()
            (root / "vidspec.yaml").write_text(
                "version: 1\n"
                f"provider: {{kind: cdnvideo, account: acme, base_url: '{base_url}', "
                "token: env/BENCH_TOKEN}\n"
                'manifests: ["videos/*.yaml"]\n'
                "safety: {max_regenerations: 1000, max_minutes: 1000}\n",
                encoding="utf-8",
            )
            build_state(root, made)
            write_manifests(root, args.videos, args.files, changed)
            os.environ["BENCH_TOKEN"] = TOKEN
            plan_argv = [sys.executable, "-c", PLAN, "-C", str(root), "plan", "--json"]
            base_argv = [sys.executable, "-c", BASELINE, str(root), base_url, TOKEN]
            plans, baselines, requests_per_plan = [], [], []
            summary: dict[str, int] = {}
            for _ in range(args.repeat):  # interleaved: a busy moment hits both alike
                ours.send("count")
                before = ours.recv()
                cpu, wall, rss, out = timed(plan_argv)
                ours.send("count")
                requests_per_plan.append(ours.recv() - before)
                summary = json.loads(out)["summary"]
                plans.append((cpu, wall, rss))
                baselines.append(timed(base_argv)[:3])
            pages = [page_cost(base_url, 0), page_cost(base_url, max(0, args.videos - 1000))]
        finally:
            ours.send("stop")
            emulator.join(timeout=60)

    ratios = [p[0] / b[0] for p, b in zip(plans, baselines, strict=True)]
    goal = 1 + math.ceil(args.videos / API.list_page_size)
    note = "; +1 empty page when the last is full" if args.videos % API.list_page_size == 0 else ""
    lines = [
        ("account", f"{args.videos:,} managed videos, {len(changed)} changed (1%)"),
        ("plan summary", str({k: v for k, v in summary.items() if v})),
        ("API requests per plan", f"{spread(requests_per_plan, '{:.0f}')} (goal {goal}{note})"),
        ("baseline CPU (fetch + parse)", spread([b[0] for b in baselines], "{:.2f}") + " s"),
        ("vidspec plan --json CPU", spread([p[0] for p in plans], "{:.2f}") + " s"),
        ("ratio of CPU (goal <= 2)", spread(ratios, "{:.2f}")),
        ("baseline wall", spread([b[1] for b in baselines], "{:.2f}") + " s"),
        ("vidspec plan --json wall", spread([p[1] for p in plans], "{:.2f}") + " s"),
        ("peak RSS of plan", spread([p[2] for p in plans], "{:.0f}") + " MB"),
        ("emulator: first / last page", " / ".join(f"{t * 1000:.0f} ms" for t in pages)),
    ]
    for label, value in lines:
        print(f"{label + ':':<32} {value}")


if __name__ == "__main__":
    main()
