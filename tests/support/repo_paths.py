"""Where the tests find the repository's files: named here once, so a test that moves to
another folder of ``tests/`` reads the same files."""

from __future__ import annotations

from pathlib import Path

SUPPORT = Path(__file__).resolve().parent
TESTS = SUPPORT.parent
REPO = TESTS.parent
EXAMPLES = REPO / "examples"
SCHEMAS = REPO / "vidspec" / "schemas"
# The expected renderings (plans, the report's data); VIDSPEC_UPDATE_GOLDEN=1 rewrites them
# (tests/README.md).
GOLDEN = TESTS / "golden"
