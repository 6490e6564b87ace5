"""Reliability figures over many seeds: the two reliability tests, each run once per seed.

The tests (``tests/e2e/test_reliability_faults.py``, ``tests/e2e/test_reliability_crash.py``)
each run one seed; this script runs the same scenarios, with the same helpers
(``tests/support/apply_env.py``), over many, and counts instead of asserting:

- **fault injection**: the CDNvideo emulator in this process on a ``ManualClock``, 20% of
  answers a gateway 5xx and 30% of successful creates losing their answer. 12 videos are
  applied until a fault-free plan is empty, then a round of 3 renames, 3 regenerates,
  3 deletes and 3 creates, applied the same way. Per seed: the applies each round took, the
  applies that failed, the faulty answers the emulator gave, and after each round the
  duplicates (videos per name beyond one), orphans (remote videos the state does not manage)
  and whether the account holds exactly the manifest; a state that fails to parse ends the
  seed and is counted.
- **crash**: ``vidspec apply --auto-approve`` in a subprocess against an emulator served by
  this process (real clock, videos take half a second, 4 POSTs a second), SIGKILLed at seeded
  random moments, 12 runs while the manifests change (creates, renames, regenerates, deletes,
  downloads), then a final apply. Per seed: kills, POSTs sent, duplicates, orphans.

Seed ``s`` seeds the emulator's faults and (crash) the kill moments and the changes. Exits 1
if any seed ends with a duplicate, an orphan, an unparsable state or a failure.

    python benchmarks/bench_reliability.py [--fault-seeds 20] [--crash-seeds 5] [--first-seed 1]
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "support"))

import pytest
from apply_env import (
    KILL_WINDOW,
    KILLS,
    TOKEN,
    ApplyEnv,
    change_every_kind,
    change_for_run,
    cli_environ,
    converge,
    crash_settings,
    finish_after_kills,
    kill_at_random_moments,
    make_env,
    simple_videos,
    video_names,
    write_project,
)

from vidspec.core.clock import SystemClock
from vidspec.core.errors import StateCorrupt
from vidspec.emulator import serve


@dataclass
class Account:
    """What the emulated account holds against what it should."""

    duplicates: int
    orphans: int
    exact: bool


def account(env: ApplyEnv, wanted: set[str]) -> Account:
    counts = env.names()
    state = env.state()
    orphans = env.live_ids() - set(state.managed_ids())
    exact = (
        set(counts) == wanted
        and state.pending == ()
        and {v.name for v in state.videos.values()} == wanted
    )
    return Account(sum(c - 1 for c in counts.values() if c > 1), len(orphans), exact)


@dataclass
class FaultRun:
    seed: int
    applies: list[int]  # per round
    failed: int = 0
    faulty_answers: int = 0
    duplicates: int = 0
    orphans: int = 0
    exact: bool = True
    parse_failures: int = 0
    error: str = ""
    seconds: float = 0.0

    @property
    def clean(self) -> bool:
        return self.exact and not (
            self.duplicates or self.orphans or self.parse_failures or self.error
        )


def fault_seed(seed: int) -> FaultRun:
    run = FaultRun(seed, [])
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory() as tmp,
        pytest.MonkeyPatch.context() as monkeypatch,
        contextlib.contextmanager(make_env)(
            Path(tmp), monkeypatch, seed=seed, queue_seconds=1.0, processing_seconds=4.0
        ) as env,
    ):
        videos = simple_videos(12)
        for number in range(2):  # the 12 creates, then the round of changes
            if number:
                change_every_kind(videos)
            env.write_videos(videos)
            try:
                applies, failed = converge(env)
            except StateCorrupt as exc:
                run.parse_failures += 1
                run.error = f"state: {exc}"
                break
            except AssertionError as exc:  # no convergence within converge's runs
                run.error = str(exc).splitlines()[0]
                break
            run.applies.append(applies)
            run.failed += failed
            found = account(env, video_names(videos))
            run.duplicates += found.duplicates
            run.orphans += found.orphans
            run.exact = run.exact and found.exact
        run.faulty_answers = sum(1 for _, _, s in env.server.request_log if s in (0, 500, 503))
    run.seconds = time.monotonic() - started
    return run


@dataclass
class CrashRun:
    seed: int
    kills: int = 0
    posts: int = 0
    duplicates: int = 0
    orphans: int = 0
    exact: bool = False
    error: str = ""
    seconds: float = 0.0

    @property
    def clean(self) -> bool:
        return self.exact and not (self.duplicates or self.orphans or self.error)


def crash_seed(seed: int) -> CrashRun:
    run = CrashRun(seed)
    started = time.monotonic()
    rng = random.Random(seed)
    environ = cli_environ(CDN_TOKEN=TOKEN)
    with tempfile.TemporaryDirectory() as tmp, serve(crash_settings(seed)) as server:
        root = Path(tmp)
        write_project(root, server)
        env = ApplyEnv(root, server, SystemClock())  # type: ignore[arg-type]
        videos = simple_videos(6)
        env.write_videos(videos)

        def next_run(number: int) -> None:
            if number:
                change_for_run(videos, number, rng)
                env.write_videos(videos)

        try:
            run.kills = kill_at_random_moments(
                root, environ, rng, runs=KILLS, window=KILL_WINDOW, before_each=next_run
            )
            run.posts = sum(1 for m, _, _ in server.request_log if m == "POST")
            finish_after_kills(root, environ, settle=1.0)
        except (AssertionError, StateCorrupt) as exc:  # a traceback, a bad state, a failure
            run.error = (str(exc).strip().splitlines() or [type(exc).__name__])[-1][:100]
        found = account(env, video_names(videos))
        run.duplicates, run.orphans, run.exact = found.duplicates, found.orphans, found.exact
    run.seconds = time.monotonic() - started
    return run


def table(header: list[str], rows: list[list[object]]) -> None:
    cells = [header, *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for row in cells:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def spread(values: list[int]) -> str:
    if not values:
        return "-"
    return f"{min(values)} / {statistics.median(values):g} / {max(values)}"


def report_faults(runs: list[FaultRun]) -> None:
    print(f"Fault injection: 20% 5xx + 30% lost create answers, {len(runs)} seeds")
    table(
        ["seed", "applies", "failed", "5xx/lost", "dups", "orphans", "parse", "exact", "s"],
        [
            [
                r.seed,
                "+".join(map(str, r.applies)) or "-",
                r.failed,
                r.faulty_answers,
                r.duplicates,
                r.orphans,
                r.parse_failures,
                "yes" if r.exact else "NO",
                f"{r.seconds:.1f}",
            ]
            + ([r.error] if r.error else [])
            for r in runs
        ],
    )
    first = [r.applies[0] for r in runs if r.applies]
    second = [r.applies[1] for r in runs if len(r.applies) > 1]
    total = [sum(r.applies) for r in runs if len(r.applies) == 2]
    print(f"applies until the plan is empty, min / median / max: 12 creates {spread(first)};")
    print(f"  the round of changes {spread(second)}; both {spread(total)}")
    print(
        f"failed applies {sum(r.failed for r in runs)} of {sum(sum(r.applies) for r in runs)}; "
        f"faulty answers {sum(r.faulty_answers for r in runs)}; "
        f"duplicates {sum(r.duplicates for r in runs)}, orphans {sum(r.orphans for r in runs)}, "
        f"parse failures {sum(r.parse_failures for r in runs)} (goal 0 each); "
        f"seeds exactly the manifest {sum(r.exact and not r.error for r in runs)}/{len(runs)}"
    )


def report_crashes(runs: list[CrashRun]) -> None:
    print(f"Crash: {KILLS} runs of `vidspec apply --auto-approve`, each SIGKILLed at a random")
    print(f"moment {KILL_WINDOW[0]}-{KILL_WINDOW[1]} s in, then a final apply, {len(runs)} seeds")
    table(
        ["seed", "kills", "POSTs", "dups", "orphans", "exact", "s"],
        [
            [
                r.seed,
                r.kills,
                r.posts,
                r.duplicates,
                r.orphans,
                "yes" if r.exact else "NO",
                f"{r.seconds:.1f}",
            ]
            + ([r.error] if r.error else [])
            for r in runs
        ],
    )
    print(
        f"kills {sum(r.kills for r in runs)} of {KILLS * len(runs)} runs; "
        f"POSTs {sum(r.posts for r in runs)}; duplicates {sum(r.duplicates for r in runs)}, "
        f"orphans {sum(r.orphans for r in runs)} (goal 0 each); "
        f"seeds exactly the manifest {sum(r.exact and not r.error for r in runs)}/{len(runs)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fault-seeds", type=int, default=20)
    parser.add_argument("--crash-seeds", type=int, default=5)
    parser.add_argument("--first-seed", type=int, default=1)
    args = parser.parse_args()
    seeds = range(args.first_seed, args.first_seed + max(args.fault_seeds, args.crash_seeds))
    started = time.monotonic()
    faults = [fault_seed(s) for s in seeds[: args.fault_seeds]]
    if faults:
        report_faults(faults)
        print()
    crashes = [crash_seed(s) for s in seeds[: args.crash_seeds]]
    if crashes:
        report_crashes(crashes)
        print()
    print(f"total {time.monotonic() - started:.1f} s")
    if not all(r.clean for r in [*faults, *crashes]):
        sys.exit(1)


if __name__ == "__main__":
    main()
