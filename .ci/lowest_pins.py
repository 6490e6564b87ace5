"""Print pip constraints pinning every dependency to the lowest version pyproject.toml declares.

``.ci/run`` installs vidspec with these pins in a second virtual environment and runs the fast
tests there, so a lower bound that no longer works is seen in CI, not by a user. Every runtime
dependency must declare a ``>=`` bound (a missing one fails here); the test extra's entries
without one (the ``types-*`` stubs) are left to pip.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

try:
    import tomllib
except ImportError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

_LOWER = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*>=\s*([0-9][^,;\s]*)")


def lowest_pins(pyproject: Path) -> list[str]:
    project = tomllib.loads(pyproject.read_text("utf-8"))["project"]
    pins = []
    for requirement in project["dependencies"]:
        match = _LOWER.match(requirement)
        if match is None:
            raise SystemExit(f"lowest_pins: {requirement!r} declares no '>=' lower bound")
        pins.append(f"{match[1]}=={match[2]}")
    for requirement in project.get("optional-dependencies", {}).get("test", []):
        match = _LOWER.match(requirement)
        if match is not None:
            pins.append(f"{match[1]}=={match[2]}")
    return pins


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
    print("\n".join(lowest_pins(root / "pyproject.toml")))
