"""The ``vidspec-validate`` pre-commit hook, run by pre-commit itself in a temporary git
repository (slow: a real ``git`` and ``pre-commit`` process).

Offline: the hook's definition is read from this repository's ``.pre-commit-hooks.yaml`` and
declared as a ``repo: local`` hook with ``language: system`` (the ``vidspec`` installed beside
this interpreter); the id, entry, args, file pattern and ``pass_filenames`` are the real ones.
A remote ``language: python`` install would need the network to pip-install vidspec.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from repo_paths import REPO

pytestmark = pytest.mark.slow
ROOT = REPO
GOOD = """\
videos:
  welcome:
    video_name: Welcome
    script: Hello and welcome.
    actor: {name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}
    voice: Sara
"""


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_vidspec_validate_hook_blocks_a_bad_manifest(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit")
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "vidspec-validate" and hook["pass_filenames"] is False
    local = {**hook, "language": "system"}
    repo = tmp_path / "videos-repo"
    (repo / "videos").mkdir(parents=True)
    (repo / "vidspec.yaml").write_text(
        "version: 1\nprovider: {kind: sandbox}\nmanifests: ['videos/*.yaml']\n", encoding="utf-8"
    )
    (repo / "videos" / "main.yaml").write_text(GOOD, encoding="utf-8")
    config = {"repos": [{"repo": "local", "hooks": [local]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    env.pop("GITHUB_ACTIONS", None)

    def pre_commit() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "vidspec-validate"],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    passed = pre_commit()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "vidspec validate" in passed.stdout and "Passed" in passed.stdout

    (repo / "videos" / "main.yaml").write_text(GOOD.replace("Sara", "12"), encoding="utf-8")
    git(repo, "add", ".")
    failed = pre_commit()
    assert failed.returncode == 1
    assert "Failed" in failed.stdout
    assert "videos/main.yaml:6:5: voice must be text" in failed.stdout
