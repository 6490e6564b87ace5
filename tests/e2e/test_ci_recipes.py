"""``.ci/check_action_outputs.py``, run by ``.ci/run`` (issue 19, item 9): an example workflow
may read only outputs ``action.yml`` declares (a composite action's undeclared output is empty
for its caller: the drift workflow's ``steps.drift.outputs.report`` was), and each declared
output must be written by the step its value reads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from repo_paths import REPO

ROOT = REPO
SCRIPT = ROOT / ".ci" / "check_action_outputs.py"
DRIFT = ROOT / "examples" / "github" / "vidspec-drift.yml"


def check(*args: str | Path, cwd: Path = ROOT) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, done.stderr


def test_the_recipes_read_only_declared_outputs() -> None:
    assert check() == (0, "")


def test_a_planted_undeclared_output_is_caught_with_its_line(tmp_path: Path) -> None:
    text = DRIFT.read_text(encoding="utf-8")
    planted = tmp_path / "drift.yml"
    planted.write_text(
        text.replace("steps.drift.outputs.report", "steps.drift.outputs.report-path"),
        encoding="utf-8",
    )
    code, err = check("--action", ROOT / "action.yml", planted)
    line = text[: text.index("steps.drift.outputs.report")].count("\n") + 1
    assert code == 1
    assert err == (
        f"{planted}:{line}: steps.drift.outputs.report-path is read, but action.yml declares no "
        "output 'report-path' (it declares: drift, fingerprint, has-changes, report); an "
        "undeclared output is always empty\n"
    )


def test_the_drift_workflow_against_an_action_without_report_fails(tmp_path: Path) -> None:
    action = (ROOT / "action.yml").read_text(encoding="utf-8")
    start = action.index("  report:\n")
    end = action.index("\n", action.index("value:", start)) + 1
    older = tmp_path / "action.yml"
    older.write_text(action[:start] + action[end:], encoding="utf-8")  # the output as it was
    code, err = check("--action", older, DRIFT)
    assert code == 1 and "steps.drift.outputs.report is read" in err


def test_outputs_of_other_steps_are_not_the_actions(tmp_path: Path) -> None:
    workflow = tmp_path / "other.yml"
    workflow.write_text(
        "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - id: other\n        uses: actions/github-script@v7\n"
        "      - run: echo ${{ steps.other.outputs.result }}\n",
        encoding="utf-8",
    )
    assert check("--action", ROOT / "action.yml", workflow) == (0, "")


def test_a_declared_output_its_step_never_writes_is_caught(tmp_path: Path) -> None:
    action = (ROOT / "action.yml").read_text(encoding="utf-8")
    broken = tmp_path / "action.yml"
    broken.write_text(
        action.replace("steps.drift.outputs.report }}", "steps.drift.outputs.report_file }}"),
        encoding="utf-8",
    )
    code, err = check("--action", broken, DRIFT)
    assert code == 1
    assert "output 'report' reads steps.drift.outputs.report_file, which step 'drift' never " in err
