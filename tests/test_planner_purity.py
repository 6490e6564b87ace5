"""The planner is pure: its modules import nothing that reads files, the network, the clock or
the environment, and never ask for the current time. A change that breaks this fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import vidspec

ROOT = Path(vidspec.__file__).parent
PURE_MODULES = (
    "planner.py",
    "cost.py",
    "plan/actions.py",
    "plan/build.py",
    "plan/checks.py",
    "plan/compare.py",
    "plan/diff.py",
    "plan/downloads.py",
    "plan/drift.py",
    "plan/model.py",
    "plan/normalize.py",
    "plan/pending.py",
    "plan/remove.py",
    "plan/run.py",
    "state/model.py",
    "state/times.py",
)
FORBIDDEN = {
    "requests",
    "urllib",
    "http",
    "socket",
    "os",
    "pathlib",
    "io",
    "shutil",
    "tempfile",
    "subprocess",
    "time",
    "random",
    "filelock",
    "yaml",
    "vidspec.clock",
    "vidspec.atomic",
    "vidspec.config.load_project",
    "vidspec.workflow",
    "vidspec.pacing",
    "vidspec.state.store",
    "vidspec.state.lock",
    "vidspec.plan.saved",
    "vidspec.providers.http",
    "vidspec.providers.http_errors",
    "vidspec.providers.http_files",
    "vidspec.providers.http_retry",
    "vidspec.providers.cdnvideo",
    "vidspec.manifest.loader",
}
CLOCK_CALLS = {"now", "utcnow", "today", "time", "monotonic", "getenv"}


def _imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_module_imports_no_io(module: str) -> None:
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    bad = sorted(name for name in _imports(tree) if _forbidden(name))
    assert bad == [], f"{module} imports {bad}: the planner must stay pure"


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_module_never_reads_the_time_or_environment(module: str) -> None:
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    calls = sorted(
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in CLOCK_CALLS
    )
    assert calls == [], f"{module} calls {calls}: pass `now` in instead"


def test_the_check_itself_catches_an_impure_import() -> None:
    tree = ast.parse("import os\nfrom vidspec.clock import SystemClock\nfrom pathlib import Path\n")
    assert sorted(n for n in _imports(tree) if _forbidden(n)) == [
        "os",
        "pathlib",
        "pathlib.Path",
        "vidspec.clock",
        "vidspec.clock.SystemClock",
    ]
