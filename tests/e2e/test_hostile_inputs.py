"""Hostile input files (issue 10): every one gets a located, clear error from `vidspec
validate`, never a traceback, never a hang, never a file written or read outside the project.

The corpus is ``tests/e2e/hostile/``: ``manifests/*`` are placed as ``videos/<name>`` beside a plain
vidspec.yaml, ``projects/*`` stand as vidspec.yaml beside a good manifest. ``expected.json``
holds, per file, the exact lines `vidspec validate` prints before "N problems found." (read
and checked by hand when a file was added). Cases that need the file system (symlinks, a FIFO,
a file too deep to keep in git) are made at test time below.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from vidspec.cli import main

HOSTILE = Path(__file__).parent / "hostile"
EXPECTED: dict[str, list[str]] = json.loads((HOSTILE / "expected.json").read_text("utf-8"))

PROJECT = 'version: 1\nmanifests: ["videos/*.yaml"]\n'
GOOD = """\
videos:
  good:
    video_name: Good
    script: Hello.
    actor: {name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}
    voice: Sara
"""


def corpus() -> list[str]:
    return sorted(
        f"{kind}/{path.name}"
        for kind in ("manifests", "projects")
        for path in (HOSTILE / kind).iterdir()
    )


def place(case: str, project: Path) -> None:
    """Lay out a project around one corpus file."""
    kind, name = case.split("/")
    (project / "videos").mkdir(parents=True)
    if kind == "manifests":
        (project / "vidspec.yaml").write_text(PROJECT, encoding="utf-8")
        shutil.copy(HOSTILE / case, project / "videos" / name)
    else:
        shutil.copy(HOSTILE / case, project / "vidspec.yaml")
        (project / "videos" / "good.yaml").write_text(GOOD, encoding="utf-8")


def validate(capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(["validate"])
    out, err = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), out, err


def problem_lines(code: int, out: str, err: str) -> list[str]:
    """The located problems of a refused project (and the checks every refusal passes)."""
    assert (code, out) == (1, ""), err
    assert "Traceback" not in err and "internal error" not in err
    *lines, last = err.splitlines()
    count = len(lines)
    assert last == f"{count} {'problem' if count == 1 else 'problems'} found."
    for line in lines:  # file:line:column: what is wrong
        where = line.split(": ", 1)[0]
        path, row, column = where.rsplit(":", 2)
        assert path and not path.startswith("/") and int(row) >= 1 and int(column) >= 1, line
    return lines


@pytest.mark.parametrize("case", corpus())
def test_every_hostile_file_gets_a_located_clear_error(
    case: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = tmp_path / "project"
    place(case, project)
    monkeypatch.chdir(project)
    assert problem_lines(*validate(capsys)) == EXPECTED[case]
    assert not (project / "owned").exists()  # no tag ran a command


def test_the_corpus_and_its_expectations_match() -> None:
    assert sorted(EXPECTED) == corpus()


# -- made at test time ----------------------------------------------------------------------


def _outside(root: Path) -> Path:
    outside = root.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "v.yaml").write_text(GOOD.replace("good", "stranger"), encoding="utf-8")
    (outside / "secret.txt").write_text("secret", encoding="utf-8")
    return outside


def _manifest_folder_symlinked_out(root: Path) -> None:
    (root / "vidspec.yaml").write_text(
        'version: 1\nmanifests: ["videos/*.yaml", "videos/*/*.yaml"]\n', "utf-8"
    )
    (root / "videos" / "shared").symlink_to(_outside(root), target_is_directory=True)


def _manifest_symlinked_out(root: Path) -> None:
    (root / "videos" / "v.yaml").symlink_to(_outside(root) / "v.yaml")


def _dangling_manifest(root: Path) -> None:
    (root / "vidspec.yaml").write_text('version: 1\nmanifests: ["more/*.yaml"]\n', "utf-8")
    (root / "more").mkdir()
    (root / "more" / "gone.yaml").symlink_to(root / "nowhere.yaml")


def _file_text_symlinked_out(root: Path) -> None:
    (root / "videos" / "good.yaml").write_text(
        GOOD.replace("Hello.", "{file: secret.txt}"), "utf-8"
    )
    (root / "videos" / "secret.txt").symlink_to(_outside(root) / "secret.txt")


def _file_text_fifo(root: Path) -> None:
    (root / "videos" / "good.yaml").write_text(GOOD.replace("Hello.", "{file: pipe}"), "utf-8")
    os.mkfifo(root / "videos" / "pipe")


def _download_folder_symlinked_out(root: Path) -> None:
    (root / "videos" / "good.yaml").write_text(GOOD + "    download: out/good.mp4\n", "utf-8")
    (root / "out").symlink_to(_outside(root), target_is_directory=True)


def _download_folder_symlinked_to_git(root: Path) -> None:
    (root / "videos" / "good.yaml").write_text(GOOD + "    download: media/config\n", "utf-8")
    (root / ".git").mkdir()
    (root / "media").symlink_to(root / ".git", target_is_directory=True)


def _download_onto_a_symlinked_manifest(root: Path) -> None:
    (root / "videos" / "good.yaml").write_text(GOOD + "    download: out/latest.mp4\n", "utf-8")
    (root / "out").mkdir()
    (root / "out" / "latest.mp4").symlink_to(root / "videos" / "good.yaml")


def _state_folder_symlinked_out(root: Path) -> None:
    (root / ".vidspec").symlink_to(_outside(root), target_is_directory=True)


def _nested_100_000_deep(root: Path) -> None:
    (root / "videos" / "deep.yaml").write_text("[" * 100_000 + "]" * 100_000, "utf-8")


OUT = "(move the manifest into the project directory, where vidspec.yaml is)"
OWN = "(give the video a file of its own, e.g. out/good.mp4)"
MADE: dict[str, tuple[Callable[[Path], None], list[str]]] = {
    "manifest_folder_symlinked_out": (
        _manifest_folder_symlinked_out,
        [
            "vidspec.yaml:2:30: manifest videos/shared/v.yaml (matched by 'videos/*/*.yaml') "
            f"leads outside the project directory through a symlink {OUT}"
        ],
    ),
    "manifest_symlinked_out": (
        _manifest_symlinked_out,
        [
            "vidspec.yaml:2:13: manifest videos/v.yaml (matched by 'videos/*.yaml') leads "
            f"outside the project directory through a symlink {OUT}"
        ],
    ),
    "dangling_manifest": (
        _dangling_manifest,
        [
            "vidspec.yaml:2:13: manifest pattern 'more/*.yaml' matches no file (fix the pattern "
            "or remove it (a manifest that is not read plans to delete its videos))"
        ],
    ),
    "file_text_symlinked_out": (
        _file_text_symlinked_out,
        [
            "videos/good.yaml:4:5: script: {file: secret.txt} points outside the project "
            "directory (move the file into the project directory, where vidspec.yaml is)"
        ],
    ),
    "file_text_fifo": (
        _file_text_fifo,
        [
            "videos/good.yaml:4:5: script: videos/pipe is a FIFO (named pipe), not a file "
            "(point at a text file)"
        ],
    ),
    "download_folder_symlinked_out": (
        _download_folder_symlinked_out,
        [
            "videos/good.yaml:7:5: download path 'out/good.mp4' leads outside the project "
            f"directory through a symlinked folder {OWN}"
        ],
    ),
    "download_folder_symlinked_to_git": (
        _download_folder_symlinked_to_git,
        [
            "videos/good.yaml:7:5: download path 'media/config' is inside .git/, git's own "
            f"directory {OWN}"
        ],
    ),
    "download_onto_a_symlinked_manifest": (
        _download_onto_a_symlinked_manifest,
        [f"videos/good.yaml:7:5: download path 'out/latest.mp4' is a manifest {OWN}"],
    ),
    "state_folder_symlinked_out": (
        _state_folder_symlinked_out,
        [
            "vidspec.yaml:1:1: state '.vidspec/state.json' leads outside the project directory "
            "through a symlink (keep the state inside the project, e.g. .vidspec/state.json)"
        ],
    ),
    "nested_100_000_deep": (
        _nested_100_000_deep,
        [
            "videos/deep.yaml:1:65: nested more than 64 levels deep (a manifest needs only a "
            "few levels; flatten the structure)",
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(MADE))
def test_hostile_file_system_layouts_get_a_located_clear_error(
    case: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = tmp_path / "project"
    (project / "videos").mkdir(parents=True)
    (project / "vidspec.yaml").write_text(PROJECT, encoding="utf-8")
    (project / "videos" / "good.yaml").write_text(GOOD, encoding="utf-8")
    make, expected = MADE[case]
    make(project)
    monkeypatch.chdir(project)
    assert problem_lines(*validate(capsys)) == expected
