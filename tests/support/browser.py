"""Debian's Chromium driven by Playwright for Python: the browser tests of ``vidspec report``,
its benchmark and the README's screenshot (``benchmarks/`` imports this file).

No browser is downloaded (Playwright's own builds cannot be fetched here): the system's
``/usr/bin/chromium`` (``apt-get install chromium``) is launched headless with the flags
below. Without it or without ``playwright`` (``pip install '.[browser]'``) the browser tests
skip, saying which is missing; with ``VIDSPEC_REQUIRE_BROWSER=1`` (set by ``.ci/run``) they
fail instead, so CI cannot pass by skipping them.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("VIDSPEC_CHROMIUM", "/usr/bin/chromium"))
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def missing() -> str | None:
    """Why the browser cannot run here, or ``None``."""
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install '.[browser]')"
    if not CHROMIUM.is_file():
        return f"Chromium is not at {CHROMIUM} (apt-get install chromium)"
    return None


def required() -> bool:
    return os.environ.get("VIDSPEC_REQUIRE_BROWSER") == "1"


def launch_options() -> dict[str, object]:
    """``playwright.chromium.launch(**launch_options())``."""
    return {"executable_path": str(CHROMIUM), "args": FLAGS}
