"""Benchmark of ``vidspec report`` (issue 25): a gallery of 10,000 videos stays responsive.

Writes a sandbox project whose one manifest is a ``for_each`` over a 10,000-row CSV, a state
that manages every instance (done, expiring in 30 days, each with its saved file on disk: the
emulator's 1.3 KB clip), then measures:

- generation: ``vidspec report`` as a fresh process (imports included), beside ``vidspec
  validate`` of the same project (loading 10,000 ``for_each`` instances is most of it), and
  in process the two halves (``app.report.gallery``: manifests, state, files;
  ``render_report``);
- in Debian's Chromium (``tests/support/browser.py``), over ``file://``: the time to the first
  render
  (navigation start to the page's ``vidspec-ready`` mark: HTML and JSON parsed, the list
  built, the visible cards drawn), a search (typing one query: the list rebuilt and drawn, to
  the next frame), a status filter, and a jump to the last video by its anchor; and how many
  cards are in the DOM (windowing).

    python benchmarks/bench_report.py [--videos 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from vidspec.app.report import gallery
from vidspec.core.clock import SystemClock
from vidspec.core.videos import TaskState
from vidspec.emulator.common.media import fake_mp4
from vidspec.project.config import load_project
from vidspec.project.loader import load_desired
from vidspec.project.model import spec_hash
from vidspec.render.report import render_report
from vidspec.state import DownloadRecord, LocalStateStore, VideoRecord

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "support"))
from browser import launch_options, missing

PROJECT = """\
version: 1
provider: {kind: sandbox}
manifests: ["videos/*.yaml"]
defaults:
  actor: {name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}
  voice: Sara
"""
MANIFEST = """\
videos:
  lesson:
    for_each: {file: lessons.csv, key: id}
    video_name: "Lesson ${each.id}"
    script: "Lesson ${each.id}: ${each.topic}. We look at it step by step, with examples."
    download: out/lesson-${each.id}.mp4
"""
TOPICS = ("safety at work", "the new expense tool", "meeting rooms", "security basics")


def write_project(root: Path, videos: int) -> None:
    (root / "videos").mkdir(parents=True)
    (root / "out").mkdir()
    (root / "vidspec.yaml").write_text(PROJECT, encoding="utf-8")
    rows = ["id,topic", *(f"{n:05d},{TOPICS[n % len(TOPICS)]}" for n in range(videos))]
    (root / "videos" / "lessons.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (root / "videos" / "main.yaml").write_text(MANIFEST, encoding="utf-8")
    project = load_project(root)
    now = SystemClock().now().replace(microsecond=0)
    records = {}
    for n, (address, video) in enumerate(load_desired(project).videos.items()):
        remote_id = f"00000000-0000-4000-8000-{n:012d}"
        data = fake_mp4(remote_id)
        assert video.download is not None
        (root / video.download).write_bytes(data)
        records[address] = VideoRecord(
            id=remote_id,
            status=TaskState.DONE,
            spec_hash=spec_hash(video.spec),
            spec=dict(video.spec),
            name=str(video.spec["video_name"]),
            created_at=now - timedelta(minutes=n % 600),
            expires_at=now + timedelta(days=30) - timedelta(minutes=n % 600),
            download=DownloadRecord(video.download, len(data), "0" * 64),
        )
    store = LocalStateStore(project)
    with store.lock("bench"):
        store.save(replace(store.load(), videos=records))


def spread(values: list[float], unit: str = "s", scale: float = 1.0) -> str:
    shown = [v * scale for v in (min(values), statistics.median(values), max(values))]
    return " / ".join(f"{v:.3f}" if unit == "s" else f"{v:.0f}" for v in shown) + f" {unit}"


def generation(root: Path, repeat: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"command": [], "validate": [], "gallery": [], "render": []}
    for _ in range(repeat):
        for command in ("report", "validate"):  # validate: the manifests' share alone
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "vidspec", "-C", str(root), command],
                check=True,
                capture_output=True,
            )
            times[command if command == "validate" else "command"].append(
                time.perf_counter() - started
            )
        started = time.perf_counter()
        view = gallery(load_project(root), root / "vidspec-report", SystemClock().now())
        times["gallery"].append(time.perf_counter() - started)
        started = time.perf_counter()
        render_report(view)
        times["render"].append(time.perf_counter() - started)
    return times


# Runs in the page: one interaction, then the time to the frame after the list was redrawn.
TIMED = """async ([what, value]) => {
  const next = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const box = document.getElementById(what);
  const started = performance.now();
  box.value = value;
  box.dispatchEvent(new Event(what === "search" ? "input" : "change"));
  await next();
  return [performance.now() - started, document.getElementById("count").textContent];
}"""
JUMP = """async (address) => {
  const next = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const started = performance.now();
  location.hash = "#" + address;
  await next();
  const card = document.querySelector("article.card.target");
  return [performance.now() - started, card ? card.id : null];
}"""


def in_browser(page_url: str, last: str, repeat: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {"first": [], "search": [], "filter": [], "jump": []}
    cards: list[float] = []
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(**launch_options())
        for _ in range(repeat):
            tab = chromium.new_page(viewport={"width": 1280, "height": 900})
            tab.goto(page_url)
            tab.wait_for_selector("body[data-ready]")
            first = tab.evaluate("performance.getEntriesByName('vidspec-ready')[0].startTime")
            times["first"].append(first / 1000)
            cards.append(tab.locator("article.card").count())
            searched, count = tab.evaluate(TIMED, ["search", "lesson[0999"])
            assert count.startswith("10 of "), count
            times["search"].append(searched / 1000)
            tab.evaluate(TIMED, ["search", ""])
            filtered, count = tab.evaluate(TIMED, ["status", "done"])
            times["filter"].append(filtered / 1000)
            jumped, found = tab.evaluate(JUMP, last)
            assert found == last, found
            times["jump"].append(jumped / 1000)
            tab.close()
        chromium.close()
    times["cards"] = cards
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--videos", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vidspec-bench-report-") as tmp:
        root = Path(tmp) / "lessons"
        write_project(root, args.videos)
        made = generation(root, args.repeat)
        page = root / "vidspec-report" / "index.html"
        print(f"{args.videos} videos, page {page.stat().st_size / 1e6:.1f} MB; min / median / max")
        print(f"  vidspec report (a process):     {spread(made['command'])}")
        print(f"  vidspec validate (a process):   {spread(made['validate'])}")
        print(f"    gallery (manifests, state):   {spread(made['gallery'])}")
        print(f"    render_report:                {spread(made['render'])}")
        why = missing()
        if why is not None:
            print(f"  browser: skipped, {why}")
            return
        seen = in_browser(page.as_uri(), f"lesson[{args.videos - 1:05d}]", args.repeat)
        print(f"  Chromium, first render:         {spread(seen['first'])}")
        print(f"  search (to the next frame):     {spread(seen['search'])}")
        print(f"  status filter (next frame):     {spread(seen['filter'])}")
        print(f"  anchor to the last video:       {spread(seen['jump'])}")
        print(f"  cards in the DOM:               {spread(seen['cards'], unit='cards')}")


if __name__ == "__main__":
    main()
