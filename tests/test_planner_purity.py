"""The planner is pure: its modules import nothing that reads files, the network, the clock or
the environment, and never ask for the current time. A change that breaks this fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import vidspec

ROOT = Path(vidspec.__file__).parent
PURE_MODULES = (
    "plan/planner.py",
    "plan/cost.py",
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
    "core/times.py",
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
    "vidspec.core.clock",
    "vidspec.core.atomic",
    "vidspec.project.config.load_project",
    "vidspec.app.workflow",
    "vidspec.providers.pacing",
    "vidspec.state.store",
    "vidspec.state.lock",
    "vidspec.plan.saved",
    "vidspec.providers.http.client",
    "vidspec.providers.http.errors",
    "vidspec.providers.http.files",
    "vidspec.providers.http.retry",
    "vidspec.providers.cdnvideo.provider",
    "vidspec.project.loader",
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
    tree = ast.parse(
        "import os\nfrom vidspec.core.clock import SystemClock\nfrom pathlib import Path\n"
    )
    assert sorted(n for n in _imports(tree) if _forbidden(n)) == [
        "os",
        "pathlib",
        "pathlib.Path",
        "vidspec.core.clock",
        "vidspec.core.clock.SystemClock",
    ]
