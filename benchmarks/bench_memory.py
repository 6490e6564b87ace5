"""Benchmark of peak memory: ``vidspec validate`` and ``vidspec plan --json`` of 10k, 50k and
100k videos (the bench_validate project: 100 videos a file, defaults, nested fields).

Each command runs in a fresh process (``python -m vidspec``); its peak RSS is read from the
kernel when it exits (``os.wait4``), with its wall and CPU time. The plan is of N creates in
a sandbox project, ``--no-refresh`` (the sandbox's quota of 544 minutes would refuse 100k
creates; the account is empty, so the listing would add nothing but the emulator's own
memory); its JSON is read back and its action count checked. Goals: validate of 100,000
videos <= 300 MB; plan --json of 100,000 creates <= 600 MB.

    python benchmarks/bench_memory.py [--sizes 10000,50000,100000] [--repeat 3]
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_validate import write_project

SANDBOX = """\
version: 1
provider:
  kind: sandbox
  options: {monthly_requests: 100000000}
manifests: ["videos/**/*.yaml"]
safety: {max_minutes: 100000000}
defaults:
  actor: {name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}
  lifecycle: {regenerate_before_expiry: 3d}
"""


def run(args: list[str], out: Path | None = None) -> tuple[float, float, float, int]:
    """(peak RSS MB, wall s, CPU s, exit code) of ``python -m vidspec ARGS``."""
    started = time.perf_counter()
    with open(out or os.devnull, "wb") as sink:
        child = subprocess.Popen(
            [sys.executable, "-m", "vidspec", *args], stdout=sink, stderr=subprocess.PIPE
        )
        assert child.stderr is not None
        err = child.stderr.read()
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    code = child.returncode
    if code not in (0, 2):
        raise SystemExit(f"vidspec {' '.join(args)} failed ({code}):\n{err.decode()[-2000:]}")
    return usage.ru_maxrss / 1024, wall, usage.ru_utime + usage.ru_stime, code


def measure(size: int, repeat: int) -> dict[str, list[tuple[float, float, float]]]:
    with tempfile.TemporaryDirectory(prefix="vidspec-mem-") as tmp:
        root = Path(tmp)
        write_project(root, size // 100, 100)
        (root / "vidspec.yaml").write_text(SANDBOX, encoding="utf-8")
        (root / ".vidspec" / "catalog.json").unlink(missing_ok=True)
        results: dict[str, list[tuple[float, float, float]]] = {"validate": [], "plan": []}
        out = root / "plan.json"
        for _ in range(repeat):
            rss, wall, cpu, _ = run(["-C", str(root), "validate"])
            results["validate"].append((rss, wall, cpu))
            rss, wall, cpu, _ = run(["-C", str(root), "plan", "--json", "--no-refresh"], out)
            results["plan"].append((rss, wall, cpu))
            doc = json.loads(out.read_text(encoding="utf-8"))
            assert doc["summary"]["create"] == size, doc["summary"]
    return results


def spread(values: list[float], fmt: str = "{:.0f}") -> str:
    return " / ".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    goals = {"validate": 300, "plan": 600}
    print(
        "videos   command          peak RSS MB (min/med/max)   wall s (min/med/max)   goal",
        flush=True,
    )
    for size in (int(s) for s in args.sizes.split(",")):
        for name, runs in measure(size, args.repeat).items():
            rss = spread([r[0] for r in runs])
            wall = spread([r[1] for r in runs], "{:.1f}")
            label = "validate" if name == "validate" else "plan --json"
            goal = f"<= {goals[name]} MB at 100k" if size >= 100_000 else ""
            print(f"{size:>7,}  {label:<15}  {rss:<26}  {wall:<21}  {goal}", flush=True)


if __name__ == "__main__":
    main()
