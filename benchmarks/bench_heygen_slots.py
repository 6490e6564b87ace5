"""Benchmark of apply on HeyGen's cap on videos generating at once: ``--creates`` new videos
applied through the engine (``vidspec.app.apply.apply_project``) against the HeyGen emulator
with ``--slots`` videos allowed to generate at once, each taking ``--seconds``, on the real
clock. The engine's gate sends a create only while fewer than the cap are generating (a slot
frees when polling sees a video finish); issue 23's goal: >= 0.95 of the slots kept busy,
0 x 429, and polling at most ceil(in flight / 100) requests a round.

Reports, for each of ``--repeat`` runs and as min / median / max:

- slots kept busy: the time the service's slots held a video (each from its create to its
  end), over slots x (first create to last end) (goal >= 0.95);
- the most videos generating at once (<= the cap) and the 429 answers (goal 0);
- polling requests (listing pages and status calls after the first create) per round.

    python benchmarks/bench_heygen_slots.py [--creates 100] [--slots 10] [--seconds 30]
                                            [--repeat 1]

A slot that frees is seen by the next polling round, which looks for each video one second
(``PollTiming.margin``) after it is expected and never within 3 s of the round before: with
renders of minutes (HeyGen's) that is a few per cent; with renders of a few seconds it is most
of the loss (5 s renders keep ~0.7 of the slots busy), so the default is 30 s (a run: ~5 min).
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bench_synthesia_pace import write_project  # this folder is on the path of a script run here

from vidspec.app.apply import ApplyRequest, apply_project
from vidspec.core.clock import Clock, SystemClock
from vidspec.emulator import EmulatorSettings, serve
from vidspec.project.config import Project, load_project
from vidspec.providers.base import Provider
from vidspec.providers.heygen.api import CAPABILITIES
from vidspec.providers.heygen.provider import HeygenProvider

KEY = "bench-key"
LOOK, VOICE = "Angela-inTshirt-20220820", "1bd001e7e50f421d891986aad5158bc8"


def run_once(creates: int, slots: int, seconds: float) -> dict[str, Any]:
    settings = EmulatorSettings(
        provider="heygen",
        token=KEY,
        queue_seconds=0.0,
        processing_seconds=seconds,
        heygen_max_concurrent=slots,
        heygen_wallet_usd=1e9,
    )
    caps = dataclasses.replace(CAPABILITIES, concurrency=slots, generation_seconds=seconds)

    def factory(project: Project, environ: Mapping[str, str], clock: Clock) -> Provider:
        return HeygenProvider(
            api_key=KEY, base_url=project.provider.base_url, clock=clock,
            capabilities=caps, trust_env=False,
        )  # fmt: skip

    body = (
        f'{{{{title: "Video {{n}}", avatar_id: {LOOK}, voice_id: {VOICE}, script: "Hi {{n}}."}}}}'
    )
    with serve(settings) as server, tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_project(root, server, creates, "heygen", body)
        outcome = apply_project(
            load_project(root),
            ApplyRequest(),
            SystemClock(),
            environ={"HEYGEN_API_KEY": KEY},
            provider_factory=factory,
        )
        results = outcome.results
        assert results is not None and results.ok, results.rows
        spans = [(r.created_at.timestamp(), r.done_at.timestamp()) for r in server.world.records()]
        log = list(server.request_log)
    first_post = next(i for i, (m, _, _) in enumerate(log) if m == "POST")
    polling = sum(
        1
        for m, p, _ in log[first_post:]
        if m == "GET" and (p.endswith("/v3/videos") or "/v3/videos/statuses" in p)
    )
    start, end = min(a for a, _ in spans), max(b for _, b in spans)
    busy = sum(b - a for a, b in spans) / (slots * (end - start))
    moments = sorted({a for a, _ in spans})
    at_once = max(sum(1 for a, b in spans if a <= t < b) for t in moments)
    rounds = max(1, len(results.stats.poll_times))
    return {
        "busy": busy,
        "at_once": at_once,
        "refused": sum(1 for _, _, s in log if s == 429),
        "per_round": polling / rounds,
        "rounds": rounds,
        "span": end - start,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--creates", type=int, default=100)
    parser.add_argument("--slots", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    runs = [run_once(args.creates, args.slots, args.seconds) for _ in range(args.repeat)]
    busy = sorted(r["busy"] for r in runs)
    print(f"{args.creates} creates through apply, {args.slots} at once, {args.seconds:g} s each")
    print(
        f"slots kept busy: {busy[0]:.3f} / {statistics.median(busy):.3f} / {busy[-1]:.3f} "
        "(goal >= 0.95)"
    )
    for run in runs:
        print(
            f"  most at once {run['at_once']}; 429s {run['refused']}; "
            f"polling {run['per_round']:.2f} requests a round over {run['rounds']} rounds; "
            f"span {run['span']:.2f} s"
        )


if __name__ == "__main__":
    main()
