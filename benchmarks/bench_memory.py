"""Benchmark of peak memory: ``vidspec validate`` and ``vidspec plan --json`` of 10k, 50k and
100k videos (the bench_validate project: 100 videos a file, defaults, nested fields).

Each command runs in a fresh process (``vidspec.cli.main``, as the console script); its peak
RSS is its own high-water mark (``VmHWM``, reported as it exits), with its wall time. The
plan is of N creates in a sandbox project with ``--no-refresh`` (the sandbox's quota of 544
minutes would refuse 100k creates; the account is empty, so a refresh would add only the
emulator's memory); its JSON is read back and its creates counted. Goals: validate of 100,000
videos <= 300 MB; plan --json of 100,000 creates <= 600 MB. ``--realistic``: every video with its
own composition, lifecycle and download (issue 19: validate <= 3 KB a video, 300 MB at 100,000);
``--only validate`` skips the plan.

    python benchmarks/bench_memory.py [--sizes 10000,50000,100000] [--repeat 3] [--realistic]
                                      [--only validate|plan]
"""

from __future__ import annotations

import argparse
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


# The child reports its own high-water mark (VmHWM) as it exits. The kernel's ru_maxrss of a
# child is no good here: Linux carries the forking parent's resident size across exec, so a
# child of a benchmark that has read a big plan would report the benchmark's memory.
HWM = """
import atexit, sys
def _hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            sys.stderr.write("VMHWM " + line.split()[1] + "\\n")
atexit.register(_hwm)
from vidspec.cli import main
main(sys.argv[1:])
"""


def peak_mb(stderr: bytes) -> float:
    """The child's VmHWM (MB) from its last stderr line."""
    for line in reversed(stderr.decode(errors="replace").splitlines()):
        if line.startswith("VMHWM "):
            return int(line.split()[1]) / 1024
    raise SystemExit(f"no VmHWM reported:\n{stderr.decode()[-2000:]}")


def run(args: list[str], out: Path | None = None) -> tuple[float, float, float, int]:
    """(peak RSS MB, wall s, CPU s, exit code) of ``vidspec ARGS`` in a fresh process."""
    started = time.perf_counter()
    with open(out or os.devnull, "wb") as sink:
        child = subprocess.Popen(
            [sys.executable, "-c", HWM, *args], stdout=sink, stderr=subprocess.PIPE
        )
        assert child.stderr is not None
        err = child.stderr.read()
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    code = child.returncode
    if code not in (0, 2):
        raise SystemExit(f"vidspec {' '.join(args)} failed ({code}):\n{err.decode()[-2000:]}")
    return peak_mb(err), wall, usage.ru_utime + usage.ru_stime, code


def measure(
    size: int, repeat: int, *, realistic: bool, only: str | None
) -> dict[str, list[tuple[float, float, float]]]:
    with tempfile.TemporaryDirectory(prefix="vidspec-mem-") as tmp:
        root = Path(tmp)
        write_project(root, size // 100, 100, realistic=realistic)
        (root / "vidspec.yaml").write_text(SANDBOX, encoding="utf-8")
        (root / ".vidspec" / "catalog.json").unlink(missing_ok=True)
        results: dict[str, list[tuple[float, float, float]]] = {
            name: [] for name in ("validate", "plan") if only in (None, name)
        }
        out = root / "plan.json"
        for _ in range(repeat):
            if "validate" in results:
                rss, wall, cpu, _ = run(["-C", str(root), "validate"])
                results["validate"].append((rss, wall, cpu))
            if "plan" not in results:
                continue
            rss, wall, cpu, _ = run(["-C", str(root), "plan", "--json", "--no-refresh"], out)
            results["plan"].append((rss, wall, cpu))
            with open(out, encoding="utf-8") as plan:  # line by line: this process stays small
                creates = sum(1 for line in plan if line == '      "action": "create",\n')
            assert creates == size, (creates, size)
    return results


def spread(values: list[float], fmt: str = "{:.0f}") -> str:
    return " / ".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--realistic", action="store_true", help="issue 19's manifests")
    parser.add_argument("--only", choices=("validate", "plan"))
    args = parser.parse_args()
    goals = {"validate": 300, "plan": 600}
    print(
        "videos   command          peak RSS MB (min/med/max)   wall s (min/med/max)   "
        "CPU s (min/med/max)   KB a video   goal",
        flush=True,
    )
    for size in (int(s) for s in args.sizes.split(",")):
        runs_of = measure(size, args.repeat, realistic=args.realistic, only=args.only)
        for name, runs in runs_of.items():
            rss = spread([r[0] for r in runs])
            wall = spread([r[1] for r in runs], "{:.1f}")
            cpu = spread([r[2] for r in runs], "{:.1f}")
            per_video = f"{statistics.median(r[0] for r in runs) * 1024 / size:.2f}"
            label = "validate" if name == "validate" else "plan --json"
            goal = f"<= {goals[name]} MB at 100k" if size >= 100_000 else ""
            print(
                f"{size:>7,}  {label:<15}  {rss:<26}  {wall:<21}  {cpu:<20}  {per_video:<11}  "
                f"{goal}",
                flush=True,
            )


if __name__ == "__main__":
    main()
