"""Benchmark of apply's pacing on Synthesia: ``--creates`` new videos applied through the engine
(``vidspec.app.apply.apply_project``, as ``vidspec apply --auto-approve``) against the Synthesia
emulator with write windows of Creator's shape compressed (``--windows``: a short window inside
a longer one inside a day; the default 6 a second, 30 in 10 s, 1,000 a day makes 100 creates
span ten of the short windows and three of the binding one, so the figure measures the pace
kept across windows, not the edge of a single burst), on the real clock.

Serves the emulator in this process (real loopback HTTP), writes a project of kind
``synthesia`` pointing at it, and applies it with a Synthesia client whose capabilities carry
the compressed windows (every one at once: the engine's gate admits a create only when each
has room). Issue 23's goal: keep >= 0.95 of the binding limit's pace with 0 x 429.

Reports, for each of ``--repeat`` runs and as min / median / max:

- pace kept: the time the limits' own model (``vidspec.providers.limits.send_moments``, what
  an ideal sender achieves: a window's count at once, the next when its tokens come back)
  needs from the first create to the last, over the time the apply took (goal >= 0.95);
- the most creates the service counted in any window of each size (<= its limit), and its
  429 answers (goal 0).

    python benchmarks/bench_synthesia_pace.py [--creates 100] [--windows 6/1s,30/10s,1000/86400s]
                                              [--repeat 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bench_apply import most_in_any_window  # this folder is on the path of a script run here

from vidspec.app.apply import ApplyRequest, apply_project
from vidspec.core.clock import Clock, SystemClock
from vidspec.core.rate import parse_rate
from vidspec.emulator import EmulatorServer, EmulatorSettings, serve
from vidspec.project.config import Project, load_project
from vidspec.providers.base import Provider, Rate
from vidspec.providers.limits import GenerationLimits, send_moments
from vidspec.providers.synthesia.api import CAPABILITIES, LIMITS, Limits
from vidspec.providers.synthesia.provider import SynthesiaProvider

KEY = "bench-key"
PROCESSING = 1.0  # seconds a video takes


def write_project(root: Path, server: EmulatorServer, videos: int, kind: str, body: str) -> None:
    """A project of ``kind`` at ``server`` with ``videos`` new videos (``body``: one video's
    fields, formatted with its number ``n``)."""
    (root / "videos").mkdir()
    variable = f"{kind.upper()}_API_KEY"
    (root / "vidspec.yaml").write_text(
        "version: 1\n"
        f"provider: {{kind: {kind}, base_url: {server.root_url}, api_key: env/{variable}}}\n"
        'manifests: ["videos/*.yaml"]\n'
        "safety: {max_minutes: 100000, max_wait: 1h}\n",
        encoding="utf-8",
    )
    lines = ["videos:"] + [f"  v{n:04d}: {body.format(n=n)}" for n in range(videos)]
    (root / "videos" / "main.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_once(creates: int, writes: tuple[Rate, ...]) -> dict[str, Any]:
    limits = Limits(
        writes=writes, reads=tuple(Rate(r.count * 100, r.seconds) for r in LIMITS.reads)
    )
    settings = EmulatorSettings(
        provider="synthesia",
        token=KEY,
        synthesia_write_limits=writes,
        synthesia_read_limits=limits.reads,
        queue_seconds=0.0,
        processing_seconds=PROCESSING,
    )
    caps = dataclasses.replace(
        CAPABILITIES,
        generation_rate=limits.binding_write,
        generation_windows=limits.other_writes,
        generation_seconds=PROCESSING,
    )

    def factory(project: Project, environ: Mapping[str, str], clock: Clock) -> Provider:
        return SynthesiaProvider(
            api_key=KEY, base_url=project.provider.base_url, clock=clock,
            capabilities=caps, limits=limits, trust_env=False,
        )  # fmt: skip

    body = (
        '{{title: "Video {n}", input: [{{avatar: anna_costume1_cameraA, '
        'background: off_white, scriptText: "Video number {n}."}}]}}'
    )
    with serve(settings) as server, tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_project(root, server, creates, "synthesia", body)
        outcome = apply_project(
            load_project(root),
            ApplyRequest(),
            SystemClock(),
            environ={"SYNTHESIA_API_KEY": KEY},
            provider_factory=factory,
        )
        assert outcome.results is not None and outcome.results.ok
        made = sorted(r.created_at.timestamp() for r in server.world.records())
        refused = sum(1 for _, _, s in server.request_log if s == 429)
    ideal = send_moments(creates, GenerationLimits(writes), PROCESSING)[-1]
    span = made[-1] - made[0]
    return {
        "ratio": ideal / span if span > 0 else 1.0,
        "most": {f"{r.count}/{r.seconds:g}s": most_in_any_window(made, r.seconds) for r in writes},
        "refused": refused,
        "span": span,
        "ideal": ideal,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--creates", type=int, default=100)
    parser.add_argument("--windows", default="6/1s,30/10s,1000/86400s")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    writes = tuple(parse_rate(w) for w in args.windows.split(","))
    runs = [run_once(args.creates, writes) for _ in range(args.repeat)]
    ratios = sorted(r["ratio"] for r in runs)
    print(f"{args.creates} creates through apply, write windows {args.windows}")
    print(
        "pace kept (ideal span / span): "
        f"{ratios[0]:.3f} / {statistics.median(ratios):.3f} / {ratios[-1]:.3f} (goal >= 0.95)"
    )
    for run in runs:
        print(
            f"  most in any window {run['most']}; 429s {run['refused']}; "
            f"span {run['span']:.2f} s (ideal {run['ideal']:.2f} s)"
        )


if __name__ == "__main__":
    main()
