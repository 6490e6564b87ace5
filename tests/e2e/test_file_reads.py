"""``{file:}`` texts and ``for_each`` files are not read from the places no download may write
(issue 19, item 0): ``.git/`` (the checkout's credentials are in ``.git/config``), ``.vidspec/``,
the state and vidspec's files beside it, or anything outside the project. A manifest is what
a pull request changes; what it reads is posted on that pull request as the plan. One rule,
``project.protect.read_refusal``, located at the manifest line, and for a path from a
``for_each`` row, at that row and column too."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from apply_env import DEFAULTS

from vidspec.cli import main
from vidspec.core.errors import ManifestError
from vidspec.project.config import load_project
from vidspec.project.loader import load_desired

SECRET = "AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX3NlY3JldA=="


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout: the project at the git root, whose .git/config holds the CI's token."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text(
        f'[http "https://github.com/"]\n\textraheader = {SECRET}\n', encoding="utf-8"
    )
    (tmp_path / "videos" / "data").mkdir(parents=True)
    (tmp_path / "vidspec.yaml").write_text("version: 1\n", encoding="utf-8")
    return tmp_path


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def problems(root: Path) -> list[str]:
    with pytest.raises(ManifestError) as caught:
        load_desired(load_project(root))
    return [str(p) for p in caught.value.problems]


def video(script: str) -> str:
    return DEFAULTS + f"videos:\n  welcome:\n    video_name: Hi\n    script: {script}\n"


def test_a_csv_cell_cannot_read_git_config_into_the_plan(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        root,
        {
            "videos/data/p.csv": "sku,p\nA-1,../.git/config\nB-2,intro.txt\n",
            "videos/intro.txt": "Hello.\n",
            "videos/a.yaml": DEFAULTS
            + "videos:\n  promo:\n    for_each: {file: data/p.csv, key: sku}\n"
            '    video_name: "Promo ${each.sku}"\n    script: {file: "${each.p}"}\n',
        },
    )
    assert problems(root) == [
        "videos/a.yaml:8:5: script: {file: ../.git/config} is inside .git/, git's own directory "
        "(in promo[A-1], from videos/data/p.csv:2, column `p`) (vidspec reads no file of git's "
        "or its own: point at a file of the project)"
    ]
    for command in ("validate", "plan"):
        with pytest.raises(SystemExit) as exited:
            main(["-C", str(root), command, *(["--markdown"] if command == "plan" else [])])
        out, err = capsys.readouterr()
        assert exited.value.code == 1
        assert "is inside .git/" in err and SECRET not in out + err


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("../.git/config", "is inside .git/, git's own directory"),
        ("../.GIT/config", "is inside .git/, git's own directory"),  # any case
        ("../sub/.git/HEAD", "is inside .git/, git's own directory"),  # any depth
        ("../.vidspec/observed.json", "is inside .vidspec/, vidspec's own directory"),
        ("linked/config", "is inside .git/, git's own directory"),  # through a symlink
        ("../../outside.txt", "points outside the project directory"),
    ],
)
def test_a_file_text_is_never_read_from_vidspecs_or_gits_files(
    root: Path, path: str, why: str
) -> None:
    (root / "sub" / ".git").mkdir(parents=True)
    (root / "sub" / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (root / ".vidspec").mkdir()
    (root / ".vidspec" / "observed.json").write_text("{}", encoding="utf-8")
    (root.parent / "outside.txt").write_text("x", encoding="utf-8")
    os.symlink(root / ".git", root / "videos" / "linked")
    write(root, {"videos/a.yaml": video(f"{{file: {path}}}")})
    (found,) = problems(root)
    assert found.startswith(f"videos/a.yaml:7:5: script: {{file: {path}}} {why} (")


def test_the_state_and_its_neighbours_are_not_read_when_the_state_is_at_the_root(
    root: Path,
) -> None:
    write(root, {"vidspec.yaml": "version: 1\nstate: state.json\n"})
    names = {
        "state.json": "is the state file",
        "state.json.journal": "is the state's journal",
        "observed.json": "is what vidspec's last refresh saw, video links included",
    }
    for name in names:
        (root / name).write_text("{}", encoding="utf-8")
    texts = "".join(
        f"  v{i}:\n    video_name: V{i}\n    script: {{file: ../{name}}}\n"
        for i, name in enumerate(names)
    )
    write(root, {"videos/a.yaml": DEFAULTS + "videos:\n" + texts})
    found = problems(root)
    assert [p.split(": ", 2)[2].split(" (")[0] for p in found] == [
        f"{{file: ../{name}}} {why}" for name, why in names.items()
    ]


def test_for_each_rows_are_not_read_from_vidspecs_files(root: Path) -> None:
    (root / ".vidspec").mkdir()
    (root / ".vidspec" / "observed.json").write_text("[]", encoding="utf-8")
    write(
        root,
        {
            "videos/a.yaml": DEFAULTS
            + "videos:\n  promo:\n    for_each: {file: ../.vidspec/observed.json, key: id}\n"
            "    video_name: x\n    script: Hi\n"
        },
    )
    assert problems(root) == [
        "videos/a.yaml:6:16: for_each: {file: ../.vidspec/observed.json} is inside .vidspec/, "
        "vidspec's own directory (vidspec reads no file of git's or its own: point at a file of "
        "the project)"
    ]


def test_a_download_may_not_overwrite_the_journal_of_a_state_at_the_root(root: Path) -> None:
    write(root, {"vidspec.yaml": "version: 1\nstate: state.json\n"})
    write(root, {"videos/a.yaml": video("Hello") + "    download: state.json.journal\n"})
    (found,) = problems(root)
    assert "download path 'state.json.journal' is the state's journal" in found
