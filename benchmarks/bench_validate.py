"""Benchmark of ``vidspec validate``: 10,000 videos in 100 files.

Reports the time of loading and validating everything (in process, ``load_desired``, and
the CLI end to end), the time PyYAML's C loader alone needs to parse the same files, their
ratio, and peak memory; wall and CPU time (the CPU ratio moves less on a shared machine).
Goals: ratio <= 3, peak RSS <= 300 MB; with ``--realistic`` (every video with its own
composition, lifecycle and download, issue 19): ratio <= 2.

    python benchmarks/bench_validate.py [--files 100] [--videos-per-file 100] [--repeat 3]
                                        [--realistic]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

PROJECT = """\
version: 1
provider: {kind: sandbox}
manifests: ["videos/**/*.yaml"]
defaults:
  actor: {name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}
  lifecycle: {regenerate_before_expiry: 3d}
"""

SCRIPT = (
    "Welcome to lesson {n}. In the next minute we look at how the team works, who to ask "
    "when something breaks, and where to find the documents you need on your first day."
)


def realistic_video(n: int) -> list[str]:
    """One video as teams write them (issue 19 item 7): beside the text, its own
    ``composition``, ``lifecycle`` and ``download``."""
    corner = ("upperright", "upperleft", "lowerright", "lowerleft")[n % 4]
    return [
        f"  lesson-{n:06d}:",
        f"    video_name: Lesson {n}",
        f"    script: {SCRIPT.format(n=n)}",
        f"    voice: {('Sara', 'Mia')[n % 2]}",
        f"    composition: {{frame_style: circle, location: {corner}, border_color: '#1A2B3C'}}",
        "    lifecycle:",
        "      prevent_destroy: false",
        "      ignore_changes: [video_name]",
        "      regenerate_before_expiry: 3d",
        f"    download: out/lessons/lesson-{n:06d}.mp4",
    ]


def write_project(root: Path, files: int, per_file: int, *, realistic: bool = False) -> int:
    """A sandbox project with ``files`` manifests of ``per_file`` videos; returns total bytes.
    ``realistic``: every video carries composition, lifecycle and download (issue 19)."""
    (root / "vidspec.yaml").write_text(PROJECT, encoding="utf-8")
    videos = root / "videos"
    videos.mkdir()
    total = 0
    for f in range(files):
        lines = ["defaults:", "  voice: Sara", "  background: green_screen", "videos:"]
        for v in range(per_file):
            n = f * per_file + v
            if realistic:
                lines += realistic_video(n)
                continue
            lines += [
                f"  lesson-{n:05d}:",
                f"    video_name: Lesson {n}",
                f"    script: {SCRIPT.format(n=n)}",
            ]
            if n % 2:
                lines += [
                    "    voice: Mia",
                    "    background: globe",
                    "    composition: {frame_style: circle, location: upperright,"
                    " border_color: '#1A2B3C'}",
                ]
            else:
                lines += [
                    "    actor:",
                    "      name: Natalia",
                    "      version: 1.0.0",
                    "      style: suitjacket",
                    "      shot: waist",
                    "      size: HD",
                    "    composition: {scale: 0.8, shift: -0.25, crop: 0.9}",
                    "    lifecycle: {ignore_changes: [video_name]}",
                ]
            if n % 10 == 0:
                lines.append(f"    download: out/lesson-{n:05d}.mp4")
        text = "\n".join(lines) + "\n"
        total += len(text.encode("utf-8"))
        (videos / f"part-{f:03d}.yaml").write_text(text, encoding="utf-8")
    return total


def time_c_loader(root: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of PyYAML's C loader on every manifest."""
    started, cpu = time.perf_counter(), time.process_time()
    for path in sorted((root / "videos").glob("*.yaml")):
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    return time.perf_counter() - started, time.process_time() - cpu


IN_PROCESS = """
import resource, sys, time
from pathlib import Path
from vidspec.project.config import load_project
from vidspec.project.loader import load_desired
started, cpu = time.perf_counter(), time.process_time()
desired = load_desired(load_project(Path(sys.argv[1])))
elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
print(elapsed, cpu, len(desired.videos), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def time_load_desired(root: Path) -> tuple[float, float, int, int]:
    """``load_desired`` timed inside a fresh interpreter (imports excluded, caches cold):
    wall and CPU seconds, videos, peak RSS (KB)."""
    done = subprocess.run(
        [sys.executable, "-c", IN_PROCESS, str(root)],
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed, cpu, count, rss_kb = done.stdout.split()
    return float(elapsed), float(cpu), int(count), int(rss_kb)


def time_cli(root: Path) -> tuple[float, str, int]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "vidspec", "-C", str(root), "validate"],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"validate failed:\n{done.stderr}")
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, done.stdout.strip(), child_kb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--videos-per-file", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    parser.add_argument("--realistic", action="store_true", help="issue 19's manifests")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="vidspec-bench-") as tmp:
        root = Path(tmp)
        size = write_project(root, args.files, args.videos_per_file, realistic=args.realistic)
        c_times, ours, count, self_kb = [], [], 0, 0
        for _ in range(args.repeat):
            c_times.append(time_c_loader(root))
            elapsed, cpu, count, rss_kb = time_load_desired(root)
            ours.append((elapsed, cpu))
            self_kb = max(self_kb, rss_kb)
        cli_times, line, child_kb = [], "", 0
        for _ in range(args.repeat):
            elapsed, line, child_kb = time_cli(root)
            cli_times.append(elapsed)

    c_wall, c_cpu = min(t[0] for t in c_times), min(t[1] for t in c_times)
    our_wall, our_cpu = min(t[0] for t in ours), min(t[1] for t in ours)
    cli_best = min(cli_times)
    goal = 2 if args.realistic else 3
    kind = "realistic: composition, lifecycle, download each" if args.realistic else "plain"
    print(f"project: {count:,} videos in {args.files} files, {size / 1e6:.1f} MB of YAML ({kind})")
    print(f"yaml.CSafeLoader parse only:        {c_wall:6.3f} s  (CPU {c_cpu:6.3f} s)")
    print(f"load_desired (validate in process): {our_wall:6.3f} s  (CPU {our_cpu:6.3f} s)")
    ratios = f"{our_wall / c_wall:6.2f}    (CPU {our_cpu / c_cpu:.2f})"
    print(f"ratio (goal <= {goal}):                  {ratios}")
    print(f"vidspec validate (CLI end to end):  {cli_best:6.3f} s   ({line})")
    print(f"ratio, CLI end to end:              {cli_best / c_wall:6.2f}")
    print(f"peak RSS, load_desired process:     {self_kb / 1024:6.1f} MB")
    print(f"peak RSS, CLI process (goal <= 300): {child_kb / 1024:5.1f} MB")


if __name__ == "__main__":
    main()
