"""Benchmark of ``for_each``: 10,000 videos from one template and a 10,000-row CSV, against the
same 10,000 videos written out (issue 16; goal: within 1.2x).

Serves the CDNvideo emulator (in this process, real loopback HTTP) holding 10,000 videos and
writes two projects that want exactly those videos, each with a state that manages them all:

- *written out*: 100 manifest files of 100 videos (``lesson-00042``),
- *for_each*: one manifest whose ``lesson`` definition reads ``lessons.csv`` (``lesson[00042]``).

Then it times, as fresh processes (imports included), ``vidspec validate`` and ``vidspec plan
--json`` of each project, alternating, N times each, and prints min / median / max and the
ratio for_each / written out (of the medians, and of the minimums).

    python benchmarks/bench_foreach.py [--videos 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from vidspec.core.clock import SystemClock
from vidspec.core.videos import TaskState
from vidspec.emulator import EmulatorServer, EmulatorSettings, serve
from vidspec.project.config import load_project
from vidspec.project.loader import load_desired
from vidspec.project.model import spec_hash
from vidspec.state import LocalStateStore, VideoRecord

TOKEN = "bench-token"
SCRIPT = (
    "Welcome to lesson {n}. In the next minute we look at how the team works, who to ask "
    "when something breaks, and where to find the documents you need on your first day."
)
DEFAULTS = (
    "defaults:\n"
    "  actor: {name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}\n"
)
VOICES = ("Sara", "Mia")
PER_FILE = 100


def write_project(root: Path, server: EmulatorServer) -> None:
    (root / "videos").mkdir(parents=True)
    (root / "vidspec.yaml").write_text(
        "version: 1\n"
        f"provider: {{kind: cdnvideo, account: acme, base_url: '{server.base_url}', "
        "token: env/BENCH_TOKEN}\n"
        'manifests: ["videos/*.yaml"]\n',
        encoding="utf-8",
    )


def write_out(root: Path, videos: int) -> None:
    for start in range(0, videos, PER_FILE):
        lines = [DEFAULTS.rstrip("\n"), "videos:"]
        for n in range(start, min(videos, start + PER_FILE)):
            lines += [
                f"  lesson-{n:05d}:",
                f"    video_name: Lesson {n}",
                f"    script: {SCRIPT.format(n=n)}",
                f"    voice: {VOICES[n % 2]}",
            ]
        path = root / "videos" / f"part-{start // PER_FILE:03d}.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_for_each(root: Path, videos: int) -> None:
    rows = ["id,n,voice", *(f"{n:05d},{n},{VOICES[n % 2]}" for n in range(videos))]
    (root / "videos" / "lessons.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    template = SCRIPT.format(n="${each.n}")
    (root / "videos" / "lessons.yaml").write_text(
        DEFAULTS + "videos:\n"
        "  lesson:\n"
        "    for_each: {file: lessons.csv, key: id}\n"
        "    video_name: Lesson ${each.n}\n"
        f'    script: "{template}"\n'
        "    voice: ${each.voice}\n",
        encoding="utf-8",
    )


def manage_all(roots: list[Path], server: EmulatorServer) -> None:
    """Make every video of the first project in the emulator and record it, at its own
    address, in each project's state (the n-th video of each is the same remote video)."""
    made: dict[str, VideoRecord] = {}
    for index, root in enumerate(roots):
        project = load_project(root)
        desired = load_desired(project)
        store = LocalStateStore(project)
        with store.lock("bench"):
            state = store.load()
            videos = {}
            for address, video in desired.videos.items():
                body = dict(video.spec)
                name = body["video_name"]
                if index == 0:
                    remote = server.world.add_video_from_body(body)
                    made[name] = VideoRecord(
                        id=remote.id,
                        status=TaskState.DONE,
                        spec_hash=spec_hash(body),
                        spec=body,
                        name=name,
                        created_at=remote.created_at,
                        expires_at=remote.created_at + timedelta(days=30),
                    )
                assert made[name].spec_hash == spec_hash(body), f"{address} differs"
                videos[address] = made[name]
            store.save(replace(state, videos=videos))


def timed(root: Path, *command: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "vidspec", "-C", str(root), *command],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"vidspec {' '.join(command)} failed:\n{done.stderr}")
    return elapsed, done.stdout


def spread(times: list[float]) -> str:
    return f"{min(times):6.2f} / {statistics.median(times):6.2f} / {max(times):6.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = EmulatorSettings(
        token=TOKEN, account="acme", monthly_requests=1_000_000, quota_left=1e9, quota_limit=1e9
    )
    with (
        tempfile.TemporaryDirectory(prefix="vidspec-bench-") as tmp,
        serve(settings, clock=SystemClock()) as server,
    ):
        written, each = Path(tmp) / "written", Path(tmp) / "for_each"
        for root in (written, each):
            write_project(root, server)
        write_out(written, args.videos)
        write_for_each(each, args.videos)
        manage_all([written, each], server)
        os.environ["BENCH_TOKEN"] = TOKEN
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.repeat):
            for command in ("validate", "plan"):
                for label, root in (("written out", written), ("for_each", each)):
                    extra = ("--json",) if command == "plan" else ()
                    elapsed, out = timed(root, command, *extra)
                    if command == "plan":
                        assert json.loads(out)["actions"] == [], "the plan must be clean"
                    times.setdefault((command, label), []).append(elapsed)
    print(f"{args.videos:,} videos, {args.repeat} runs each; min / median / max")
    for command in ("validate", "plan"):
        plain, looped = times[(command, "written out")], times[(command, "for_each")]
        median = statistics.median(looped) / statistics.median(plain)
        best = min(looped) / min(plain)
        print(f"vidspec {command:<9} written out  {spread(plain)}")
        print(f"vidspec {command:<9} for_each     {spread(looped)}")
        print(f"  ratio for_each / written out: {median:4.2f} (medians), {best:4.2f} (minimums)")


if __name__ == "__main__":
    main()
