"""The house of docs/design.md, checked: the layers and the pure planner (import-linter's
contracts in pyproject.toml), no import cycles (grimp), small modules and functions, and a
planner that runs with files and sockets out of reach."""

from __future__ import annotations

import ast
import builtins
import io
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from plan_fixtures import CDN, NOW, SCRIPT, TinyCatalog, desired, listed, record, spec, state
from plan_fixtures import want as wanted

import vidspec
from vidspec.plan.planner import PlanOptions, plan

ROOT = Path(vidspec.__file__).parent
PYPROJECT = ROOT.parent / "pyproject.toml"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
CLOCK_CALLS = {"now", "utcnow", "today", "time", "monotonic", "getenv"}


def _modules() -> list[Path]:
    return sorted(ROOT.rglob("*.py"))


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT.parent))


# -- the layers ---------------------------------------------------------------------------------


def _lint_imports() -> str | None:
    """The ``lint-imports`` command of this environment (the test extra installs it)."""
    beside = Path(sys.executable).parent / "lint-imports"
    return str(beside) if beside.exists() else shutil.which("lint-imports")


@pytest.mark.skipif(not PYPROJECT.is_file(), reason="needs the source tree's pyproject.toml")
@pytest.mark.skipif(_lint_imports() is None, reason="import-linter comes with the test extra")
def test_the_import_contracts_hold() -> None:
    """layers, independence (providers/emulator, cdnvideo/vidnoz), forbidden (pure layers)."""
    command = _lint_imports()
    assert command is not None
    done = subprocess.run(
        [command], cwd=PYPROJECT.parent, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_import_cycles_among_vidspec_modules() -> None:
    grimp = pytest.importorskip("grimp", reason="grimp comes with the test extra")
    graph = grimp.build_graph("vidspec")
    modules = sorted(m for m in graph.modules if m.startswith("vidspec"))
    edges = {
        m: sorted(x for x in graph.find_modules_directly_imported_by(m) if x.startswith("vidspec"))
        for m in modules
    }
    cycles = _strongly_connected(edges)
    assert cycles == [], "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def _strongly_connected(edges: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's components of more than one module (iterative: no recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in edges:
        if start in index:
            continue
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges.get(child, []))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    edges = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}
    assert _strongly_connected(edges) == [["a", "b", "c"]]


# -- sizes --------------------------------------------------------------------------------------


def test_no_module_over_400_lines_and_no_function_over_60() -> None:
    offenders = []
    for path in _modules():
        source = path.read_text(encoding="utf-8")
        lines = len(source.splitlines())
        if lines > MAX_MODULE_LINES:
            offenders.append(f"{_name(path)}: {lines} lines (at most {MAX_MODULE_LINES})")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    offenders.append(
                        f"{_name(path)}:{node.lineno} {node.name}(): {length} lines "
                        f"(at most {MAX_FUNCTION_LINES})"
                    )
    assert offenders == [], "split by concept:\n" + "\n".join(offenders)


# -- the pure planner ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted((ROOT / "plan").glob("*.py")), ids=_name)
def test_no_planning_module_asks_for_the_time_or_the_environment(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = sorted(
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in CLOCK_CALLS
    )
    assert calls == [], f"{_name(path)} calls {calls}: pass `now` in instead"


def test_the_planner_runs_with_open_and_socket_made_to_raise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A whole plan (create, rename, regenerate, delete) with every file and socket refused."""
    renamed, changed, gone = spec(name="Old name"), spec(), spec(name="Gone")
    records = {
        "renamed": record("id-renamed", renamed),
        "changed": record("id-changed", changed),
        "gone": record("id-gone", gone),
    }
    desired_ = desired(
        wanted("new", spec(name="New")),
        wanted("renamed", spec(name="New name")),
        wanted("changed", spec(script=SCRIPT + " More.")),
    )
    now_state = state(records)
    remote = [listed(r.id, r.name, body=r.spec) for r in records.values()]
    catalog = TinyCatalog()

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"the planner tried to open a file or socket: {args!r}")

    for target, name in ((builtins, "open"), (io, "open"), (socket, "socket")):
        monkeypatch.setattr(target, name, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(sys.modules["os"], "open", refuse)

    result = plan(desired_, now_state, remote, catalog, CDN, NOW, PlanOptions())

    assert sorted((a.address, a.kind) for a in result.actions) == [
        ("changed", "regenerate"),
        ("gone", "delete"),
        ("new", "create"),
        ("renamed", "rename"),
    ]
