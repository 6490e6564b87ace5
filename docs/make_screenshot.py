"""Make ``docs/report.png``, the README's picture of ``vidspec report``: ``examples/bulk`` (a
copy) applied on the sandbox, its gallery page written, and a screenshot taken in Debian's
Chromium (``tests/support/browser.py``) once the saved videos' first frames are loaded.

    python docs/make_screenshot.py [--out docs/report.png]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "support"))
from browser import launch_options, missing  # noqa: E402

# Resolves once every player in view shows a frame: each is moved to 1 s and has drawn it.
FRAMES_LOADED = """() => Promise.all(Array.from(document.querySelectorAll("video")).map(v =>
  new Promise(done => {
    v.addEventListener("seeked", done); v.addEventListener("error", done);
    v.currentTime = 1;
  })))"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "report.png")
    args = parser.parse_args()
    why = missing()
    if why is not None:
        raise SystemExit(f"make_screenshot: {why}")
    with tempfile.TemporaryDirectory(prefix="vidspec-screenshot-") as tmp:
        root = Path(tmp) / "bulk"
        shutil.copytree(REPO / "examples" / "bulk", root)
        for command in (["apply", "--auto-approve"], ["report"]):
            subprocess.run(
                [sys.executable, "-m", "vidspec", "-C", str(root), *command],
                check=True,
                capture_output=True,
            )
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(**launch_options())
            tab = chromium.new_page(viewport={"width": 1280, "height": 860})
            tab.goto((root / "vidspec-report" / "index.html").as_uri() + "#promo")
            tab.wait_for_selector("body[data-ready]")
            tab.evaluate(FRAMES_LOADED)
            tab.wait_for_timeout(500)  # the players' controls settle (no loading spinner)
            tab.screenshot(path=str(args.out))
            chromium.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
