"""The test suite's own house rules (tests/README.md): no test module imports another (what
tests share lives in tests/support), helpers are not named like tests, and test module names
are unique across the folders (pytest imports them by their base name)."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

from repo_paths import SUPPORT, TESTS


def _test_modules() -> list[Path]:
    return sorted(p for p in TESTS.rglob("test_*.py") if ".venv" not in p.parts)


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_test_module_imports_another() -> None:
    tests = {p.stem for p in _test_modules()}
    offenders = [
        f"{p.relative_to(TESTS)} imports {name}"
        for p in [*_test_modules(), *SUPPORT.glob("*.py"), TESTS / "conftest.py"]
        for name in sorted(_imported_modules(p) & tests)
    ]
    assert offenders == [], "move what they share to tests/support: " + "; ".join(offenders)


def test_support_modules_are_not_collected_as_tests() -> None:
    assert sorted(p.name for p in SUPPORT.glob("test_*.py")) == []


def test_test_module_names_are_unique() -> None:
    counts = Counter(p.name for p in _test_modules())
    assert {name: n for name, n in counts.items() if n > 1} == {}
