"""A sandbox project applied for ``vidspec report``'s tests: a plain video, a ``for_each``
definition of three rows, two videos with hostile names, and one video not applied yet. The
sandbox runs on a ManualClock that starts at the real time (the page reads the viewer's clock
for expiry), so the apply waits for nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from vidspec.app.apply import ApplyRequest, apply_project
from vidspec.core.clock import ManualClock, SystemClock
from vidspec.project.config import load_project

# <img> with an onerror handler; a name that would end the data's <script> element, with a
# right-to-left override and a line separator in it (CDNvideo names are at most 35 characters).
IMG_NAME = "<img src=x onerror=window.pwned=1>"
SCRIPT_NAME = "</script><b>x</b>\u202egnp.exe\u2028"
ROWS = {"a1": "Garden chair", "b2": "Patio table", "c3": "Hammock"}
# Every address of the applied project, as the page lists them (``later`` is not made yet).
ADDRESSES = [
    "hostile-img",
    "hostile-script",
    "later",
    "promo[a1]",
    "promo[b2]",
    "promo[c3]",
    "welcome",
]

PROJECT = """\
version: 1
provider:
  kind: sandbox
  options: {queue_seconds: 0.1, processing_seconds: 0.2, post_limit: 50/1s}
manifests: ["videos/*.yaml"]
defaults:
  actor: {name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}
  voice: Sara
safety: {max_deletes: 30, max_regenerations: 30, max_minutes: 60}
"""
MANIFEST = """\
videos:
  welcome:
    video_name: Welcome to Acme
    script: "Hello and welcome to Acme.\\nWe are glad you are here."
    download: out/welcome.mp4
  promo:
    for_each: {file: data/promos.csv, key: sku}
    video_name: "Offer: ${each.product}"
    script: "Buy the ${each.product} today. It is the best one we have made."
    download: out/promo-${each.key}.mp4
  hostile-img:
    video_name: %s
    script: A name that is markup.
    download: out/hostile img.mp4
  hostile-script:
    video_name: %s
    script: A name that ends a script.
"""
LATER = """\
  later:
    video_name: Not made yet
    script: This one waits for the next apply.
"""


def write_project(root: Path) -> None:
    (root / "videos" / "data").mkdir(parents=True)
    (root / "vidspec.yaml").write_text(PROJECT, encoding="utf-8")
    rows = ["sku,product", *(f"{k},{v}" for k, v in ROWS.items())]
    (root / "videos" / "data" / "promos.csv").write_text("\n".join(rows) + "\n", "utf-8")
    text = MANIFEST % (json.dumps(IMG_NAME), json.dumps(SCRIPT_NAME))
    (root / "videos" / "main.yaml").write_text(text, encoding="utf-8")


def applied_project(root: Path) -> ManualClock:
    """The project written, applied on the sandbox, then ``later`` added (not applied)."""
    write_project(root)
    clock = ManualClock(SystemClock().now().replace(microsecond=0))
    outcome = apply_project(load_project(root), ApplyRequest(), clock)
    assert outcome.results is not None and outcome.results.ok, outcome.results
    with (root / "videos" / "main.yaml").open("a", encoding="utf-8") as manifest:
        manifest.write(LATER)
    return clock


_DATA = re.compile(r'<script type="application/json" id="gallery-data">(.*?)</script>', re.S)


def page_data(page: str) -> dict[str, Any]:
    """The JSON document a report page carries."""
    found = _DATA.findall(page)
    assert len(found) == 1, "one data element"
    document: dict[str, Any] = json.loads(found[0])
    return document
