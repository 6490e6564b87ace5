"""Check that the example workflows read only outputs the composite action declares, and that
each declared output is written by the step it names.

A composite action's caller sees only the outputs under ``outputs:`` of ``action.yml``: a
``steps.<id>.outputs.<name>`` that a workflow reads of a step using the action, for a name the
action does not declare, is empty at run time, silently (the drift workflow once opened its
issue from an empty ``--body-file`` that way). And a declared output whose ``value`` reads
``steps.<step>.outputs.<name>`` is empty too unless that step of the action writes ``<name>=``
to ``$GITHUB_OUTPUT``.

    python .ci/check_action_outputs.py [--action action.yml] [WORKFLOW.yml ...]

Without workflows, every ``examples/github/*.yml``. Prints each problem as ``FILE:LINE: ...``
and exits 1 when there is one. Run by ``.ci/run``.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ACTION_USES = re.compile(r"^vidspec/vidspec@")  # how a workflow names this action
_READ = re.compile(r"steps\.([A-Za-z_][A-Za-z0-9_-]*)\.outputs\.([A-Za-z_][A-Za-z0-9_-]*)")


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _written(run: str) -> set[str]:
    """The names a step's script writes to ``$GITHUB_OUTPUT`` (``echo "name=..." >> ...``,
    also where an ``if``/``else`` picks the value on one line)."""
    names = set()
    for line in run.splitlines():
        if "$GITHUB_OUTPUT" in line:
            names.update(re.findall(r"""(?:^|[\s"'])([A-Za-z_][A-Za-z0-9_-]*)=""", line))
    return names


def check_action(action_path: Path) -> tuple[set[str], list[str]]:
    """The outputs ``action.yml`` declares, and the problems of their ``value``s."""
    action = _load(action_path)
    declared = action.get("outputs") or {}
    steps = {s["id"]: s for s in action.get("runs", {}).get("steps", []) if "id" in s}
    text = action_path.read_text(encoding="utf-8")
    problems = []
    for name, output in declared.items():
        for match in _READ.finditer(str(output.get("value", ""))):
            step_id, written = match.groups()
            step = steps.get(step_id)
            where = f"{action_path}:{_line(text, text.find(f'  {name}:'))}"
            if step is None:
                problems.append(
                    f"{where}: output {name!r} reads step {step_id!r}, which is not a step"
                )
            elif written not in _written(str(step.get("run", ""))):
                problems.append(
                    f"{where}: output {name!r} reads steps.{step_id}.outputs.{written}, which "
                    f"step {step_id!r} never writes to $GITHUB_OUTPUT"
                )
    return set(declared), problems


def check_workflow(path: Path, declared: set[str]) -> list[str]:
    """Every output ``path`` reads of a step using the action that the action does not declare."""
    workflow = _load(path) or {}
    ours = {
        step["id"]
        for job in (workflow.get("jobs") or {}).values()
        for step in job.get("steps", [])
        if "id" in step and ACTION_USES.match(str(step.get("uses", "")))
    }
    text = path.read_text(encoding="utf-8")
    problems = []
    for match in _READ.finditer(text):
        step_id, name = match.groups()
        if step_id in ours and name not in declared:
            problems.append(
                f"{path}:{_line(text, match.start())}: steps.{step_id}.outputs.{name} is read, "
                f"but action.yml declares no output {name!r} (it declares: "
                f"{', '.join(sorted(declared))}); an undeclared output is always empty"
            )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--action", type=Path, default=Path("action.yml"))
    parser.add_argument("workflows", nargs="*", type=Path)
    args = parser.parse_args(argv)
    workflows = args.workflows or sorted(Path("examples/github").glob("*.yml"))
    declared, problems = check_action(args.action)
    for workflow in workflows:
        problems += check_workflow(workflow, declared)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
