"""Benchmark of the Synthesia client's pacing: creates against the Synthesia emulator with
Creator's windows compressed (``--scale``: the default 1/12 makes 60 a minute 60 in 5 s, 300
an hour 300 in 5 minutes, 1,000 a day 1,000 in 2 hours), on the real clock. (At 1/60 a window
of 1 s is a quarter spent sending 60 calls one after another: the figure then measures the
calls' latency more than the pacing.)

Serves the emulator in this process (real loopback HTTP) with those windows and sends
``--creates`` videos through ``SynthesiaProvider.create`` one after another, the client
pacing itself by the same windows (``vidspec.providers.synthesia.windows``). No engine: this
measures the client's own share of issue 23's goal (an apply keeps >= 0.95 of the binding
limit with 0 x 429).

Reports, for each of ``--repeat`` runs and as min / median / max:

- achieved create rate / binding limit: the first ``N`` creates go at once (a full window);
  the rate is measured over what follows, ``(creates - N) / (last - first)``, exactly the
  limit for an ideal schedule when ``creates`` is a multiple of ``N`` (goal >= 0.95);
- the most creates the service counted in any window of each size (must be <= its limit),
  and its 429 answers (goal 0).

    python benchmarks/bench_synthesia_pace.py [--creates 300] [--scale 0.0833] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from bench_apply import most_in_any_window  # this folder is on the path of a script run here

from vidspec.core.clock import SystemClock
from vidspec.emulator import EmulatorSettings, serve
from vidspec.providers.base import Rate
from vidspec.providers.synthesia.api import LIMITS, Limits
from vidspec.providers.synthesia.provider import SynthesiaProvider

KEY = "bench-key"
SPEC = {
    "input": [{"avatar": "anna_costume1_cameraA", "background": "off_white", "scriptText": "Hi"}]
}


def run_once(creates: int, scale: float) -> dict[str, Any]:
    writes = tuple(Rate(r.count, r.seconds * scale) for r in LIMITS.writes)
    limits = Limits(writes=writes, reads=LIMITS.reads)
    settings = EmulatorSettings(
        provider="synthesia", token=KEY, synthesia_write_limits=writes, queue_seconds=0.0
    )
    with serve(settings) as server:
        client = SynthesiaProvider(
            api_key=KEY, base_url=server.base_url, clock=SystemClock(), limits=limits,
            trust_env=False,
        )  # fmt: skip
        sent: list[float] = []
        for _ in range(creates):
            client.create(SPEC)
            sent.append(time.monotonic())
        client.close()
        made = sorted(r.created_at.timestamp() for r in server.world.records())
        refused = sum(1 for m, _, s in server.request_log if m == "POST" and s == 429)
    binding = limits.binding_write
    span = made[-1] - made[0]
    return {
        "ratio": ((len(made) - binding.count) / span) / (binding.count / binding.seconds),
        "most": {f"{r.count}/{r.seconds:g}s": most_in_any_window(made, r.seconds) for r in writes},
        "refused": refused,
        "span": span,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--creates", type=int, default=300)
    parser.add_argument("--scale", type=float, default=1 / 12)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runs = [run_once(args.creates, args.scale) for _ in range(args.repeat)]
    ratios = sorted(r["ratio"] for r in runs)
    print(f"{args.creates} creates, Creator's windows x {args.scale:g}")
    print(
        "rate / binding limit: "
        f"{ratios[0]:.3f} / {statistics.median(ratios):.3f} / {ratios[-1]:.3f} (goal >= 0.95)"
    )
    for run in runs:
        print(
            f"  most in any window {run['most']}; 429s {run['refused']}; span {run['span']:.2f} s"
        )


if __name__ == "__main__":
    main()
