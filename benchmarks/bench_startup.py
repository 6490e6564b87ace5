"""Benchmark of start-up: ``vidspec --help`` and ``vidspec --version`` against a bare
``python -c "import click"`` (the least any click program pays) and ``python -c pass``.

Each command runs ``--runs`` times in a fresh process (the console script's own import, ``from
vidspec.cli import main``); the figure is the median wall time. Goal: ``--help`` and
``--version`` within 2x of ``import click``. Run it ``--repeat`` times for min/median/max of
the medians.

    python benchmarks/bench_startup.py [--runs 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

MAIN = "from vidspec.cli import main; main()"  # what the console script runs
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    'python -c "import click"': [sys.executable, "-c", "import click"],
    "vidspec --version": [sys.executable, "-c", MAIN, "--version"],
    "vidspec --help": [sys.executable, "-c", MAIN, "--help"],
}


def wall(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def medians(runs: int) -> dict[str, float]:
    """Each command's median of ``runs``; the commands take turns, run by run, so that a busy
    moment of a shared machine falls on all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, argv in COMMANDS.items():
            times[name].append(wall(argv))
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    found: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.repeat):
        for name, value in medians(args.runs).items():
            found[name].append(value)
    click_ref = found['python -c "import click"']
    print(f"median of {args.runs} runs, {args.repeat} times: min / median / max")
    for name, values in found.items():
        line = f"{name:<28} {min(values) * 1000:5.0f} / {statistics.median(values) * 1000:5.0f} / "
        line += f"{max(values) * 1000:5.0f} ms"
        if name.startswith("vidspec"):
            ratios = [v / c for v, c in zip(values, click_ref, strict=True)]
            line += (
                f"   x import click: {min(ratios):.2f} / {statistics.median(ratios):.2f} / "
                f"{max(ratios):.2f} (goal <= 2)"
            )
        print(line)


if __name__ == "__main__":
    main()
