"""Issue 10, local half: no manifest can make vidspec write, or read, where it must not.

Each test names the item of issue 10 it covers and checks, line for line, what ``vidspec
validate`` prints (the problem located at its file:line:column). Symlinks and FIFOs are made
at test time.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vidspec.cli import main

PROJECT = 'version: 1\nprovider: {kind: sandbox}\nmanifests: ["videos/**/*.yaml"]\n'

GOOD = """\
videos:
  welcome:
    video_name: Welcome
    script: Hello and welcome.
    actor: {name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}
    voice: Sara
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "project").mkdir()
    monkeypatch.chdir(tmp_path / "project")


def write(files: dict[str, str], project: str = PROJECT) -> None:
    for name, content in {"vidspec.yaml": project, **files}.items():
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text(content, encoding="utf-8")


def expect_problems(capsys: pytest.CaptureFixture[str], *lines: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["validate"])
    out, err = capsys.readouterr()
    noun = "problem" if len(lines) == 1 else "problems"
    assert (exited.value.code, out) == (1, "")
    assert err.splitlines() == [*lines, f"{len(lines)} {noun} found."]


def expect_valid(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["validate"])
    out, err = capsys.readouterr()
    assert exited.value.code == 0, err
    assert err.startswith("Not checked against the provider's catalog"), err
    assert out.endswith("are valid.\n") or out.endswith("is valid.\n")


def with_download(path: str, address: str = "welcome") -> str:
    return GOOD.replace("welcome", address) + f"    download: {path}\n"


HINT = "(give the video a file of its own, e.g. out/welcome.mp4)"


@pytest.mark.parametrize(
    ("target", "why"),
    [
        (".vidspec/state.json", "is inside .vidspec/, vidspec's own directory"),
        (".vidspec/lock", "is inside .vidspec/, vidspec's own directory"),
        (".git/config", "is inside .git/, git's own directory"),
        (".GIT/config", "is inside .git/, git's own directory"),  # case-insensitive disks
        ("sub/.git/hooks/pre-commit", "is inside .git/, git's own directory"),
        ("vidspec.yaml", "is the project file vidspec.yaml"),
        ("./videos/a.yaml", "is a manifest"),
        ("videos/scripts/hello.txt", "is a {file:} text of a manifest"),
        ("videos/scripts/hello.txt/x.mp4", "is inside a {file:} text of a manifest"),
    ],
)
def test_item3_a_download_may_not_overwrite_the_project_s_own_files(
    capsys: pytest.CaptureFixture[str], target: str, why: str
) -> None:
    manifest = with_download(target).replace("Hello and welcome.", "{file: scripts/hello.txt}")
    write({"videos/a.yaml": manifest, "videos/scripts/hello.txt": "Hello.\n"})
    shown = os.path.normpath(target)
    expect_problems(capsys, f"videos/a.yaml:7:5: download path '{shown}' {why} {HINT}")


def test_item3_the_state_and_its_backup_where_state_says(
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(
        {
            "videos/a.yaml": with_download("data/state.json.backup")
            + with_download("data/usage.json", "bye").removeprefix("videos:\n")
        },
        project=PROJECT + "state: data/state.json\n",
    )
    expect_problems(
        capsys,
        "videos/a.yaml:7:5: download path 'data/state.json.backup' is inside vidspec's "
        f"directory (where the state is) {HINT}",
        "videos/a.yaml:13:5: download path 'data/usage.json' is inside vidspec's directory "
        "(where the state is) (give the video a file of its own, e.g. out/bye.mp4)",
    )


def test_item3_nor_the_rows_of_a_for_each(capsys: pytest.CaptureFixture[str]) -> None:
    write(
        {
            "videos/a.yaml": GOOD.replace(
                "  welcome:\n", "  promo:\n    for_each: {file: rows.csv, key: lang}\n"
            ).replace("Welcome", "Promo ${each.lang}")
            + "    download: videos/rows.csv\n",
            "videos/rows.csv": "lang\nde\n",
        }
    )
    expect_problems(
        capsys,
        "videos/a.yaml:8:5: download path 'videos/rows.csv' is a for_each data file (give the "
        "video a file of its own, e.g. out/promo[de].mp4)",
    )


def test_item3_two_videos_may_not_share_a_download(capsys: pytest.CaptureFixture[str]) -> None:
    write(
        {
            "videos/a.yaml": with_download("out/a.mp4"),
            "videos/b.yaml": with_download("OUT/a.mp4/x.mp4", "bye"),
            "videos/c.yaml": with_download("out/c.mp4", "third")
            + with_download("out/c.mp4", "fourth").removeprefix("videos:\n"),
        }
    )
    expect_problems(
        capsys,
        "videos/b.yaml:7:5: download path 'OUT/a.mp4/x.mp4' is inside the download path of "
        "'welcome' (at videos/a.yaml:7:5) (give the video a file of its own, e.g. out/bye.mp4)",
        "videos/c.yaml:7:5: download path 'out/c.mp4' is also the download path of 'fourth' "
        "(at videos/c.yaml:13:5) (give the video a file of its own, e.g. out/third.mp4)",
        "videos/c.yaml:13:5: download path 'out/c.mp4' is also the download path of 'third' "
        "(at videos/c.yaml:7:5) (give the video a file of its own, e.g. out/fourth.mp4)",
    )


def test_item3_a_symlinked_folder_cannot_lead_a_download_onto_a_protected_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    write({"videos/a.yaml": with_download("out/config")})
    Path(".git").mkdir()
    Path("out").symlink_to(".git", target_is_directory=True)
    expect_problems(
        capsys,
        f"videos/a.yaml:7:5: download path 'out/config' is inside .git/, git's own "
        f"directory {HINT}",
    )


def test_item8_a_manifest_glob_that_matches_nothing_is_an_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(
        {"videos/a.yaml": GOOD},
        project='version: 1\nmanifests: ["videos/*.yaml", "video/*.yaml"]\n',
    )
    expect_problems(
        capsys,
        "vidspec.yaml:2:30: manifest pattern 'video/*.yaml' matches no file (fix the pattern "
        "or remove it (a manifest that is not read plans to delete its videos))",
    )


def test_item8_the_default_glob_may_match_nothing_when_videos_stand_in_vidspec_yaml(
    capsys: pytest.CaptureFixture[str],
) -> None:
    write({}, project="version: 1\n" + GOOD)
    expect_valid(capsys)


@pytest.mark.parametrize(
    ("line", "column", "text"),
    [
        ("    composition: {scale: .nan}\n", 26, ".nan"),
        ("    composition: {shift: -.inf}\n", 26, "-.inf"),
        ("    composition: {scale: 1.0e+400}\n", 26, "1.0e+400"),
    ],
)
def test_item10_nan_and_infinities_are_refused_at_validate(
    capsys: pytest.CaptureFixture[str], line: str, column: int, text: str
) -> None:
    write({"videos/a.yaml": GOOD + line})
    expect_problems(
        capsys,
        f"videos/a.yaml:7:{column}: '{text}' is not a finite number (NaN and infinity cannot "
        "be sent) (write a number such as 0.5, or put text in quotes)",
    )


def test_item10_nan_in_vidspec_yaml_is_refused_too(capsys: pytest.CaptureFixture[str]) -> None:
    write({"videos/a.yaml": GOOD}, project=PROJECT + "safety: {max_minutes: .NaN}\n")
    expect_problems(
        capsys,
        "vidspec.yaml:4:23: '.NaN' is not a finite number (NaN and infinity cannot be sent) "
        "(write a number such as 0.5, or put text in quotes)",
    )


@pytest.mark.parametrize("state", ["../../x/state.json", "/tmp/vidspec-state.json", "a/../../s"])
def test_item14_the_state_may_not_leave_the_project(
    capsys: pytest.CaptureFixture[str], state: str
) -> None:
    write({"videos/a.yaml": GOOD}, project=PROJECT + f"state: {state}\n")
    expect_problems(
        capsys,
        f"vidspec.yaml:4:1: state is '{state}', not a path inside the project directory (write "
        "a path like .vidspec/state.json, without a leading / or ..)",
    )


def test_item14_the_state_may_not_leave_through_a_symlink(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "elsewhere").mkdir()
    write({"videos/a.yaml": GOOD}, project=PROJECT + "state: data/state.json\n")
    Path("data").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    expect_problems(
        capsys,
        "vidspec.yaml:4:1: state 'data/state.json' leads outside the project directory through "
        "a symlink (keep the state inside the project, e.g. .vidspec/state.json)",
    )


def test_item15_manifests_are_not_read_through_a_folder_symlinked_outside(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "b.yaml").write_text(GOOD.replace("welcome", "b"), "utf-8")
    write(
        {"videos/a.yaml": GOOD, "more/c.yaml": GOOD.replace("welcome", "c")},
        project="version: 1\nmanifests: [videos/*.yaml, videos/*/*.yaml]\n",
    )
    Path("videos/shared").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    Path("videos/inside").symlink_to("../more", target_is_directory=True)  # stays inside: fine
    expect_problems(
        capsys,
        "vidspec.yaml:2:28: manifest videos/shared/b.yaml (matched by 'videos/*/*.yaml') leads "
        "outside the project directory through a symlink (move the manifest into the project "
        "directory, where vidspec.yaml is)",
    )


def test_item16_a_download_folder_symlinked_outside_is_refused_at_validate(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "elsewhere").mkdir()
    write({"videos/a.yaml": with_download("out/welcome.mp4")})
    Path("out").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    expect_problems(
        capsys,
        "videos/a.yaml:7:5: download path 'out/welcome.mp4' leads outside the project directory "
        f"through a symlinked folder {HINT}",
    )
    Path("out").unlink()
    Path("out").symlink_to("media", target_is_directory=True)  # a folder inside: fine
    expect_valid(capsys)


def test_item21_a_fifo_in_file_is_named_as_what_it_is(capsys: pytest.CaptureFixture[str]) -> None:
    write({"videos/a.yaml": GOOD.replace("Hello and welcome.", "{file: hello.txt}")})
    os.mkfifo("videos/hello.txt")
    expect_problems(
        capsys,
        "videos/a.yaml:4:5: script: videos/hello.txt is a FIFO (named pipe), not a file (point "
        "at a text file)",
    )


def test_item21_a_fifo_as_for_each_rows_is_named_too(capsys: pytest.CaptureFixture[str]) -> None:
    write(
        {
            "videos/a.yaml": GOOD.replace(
                "  welcome:\n", "  promo:\n    for_each: {file: rows.csv, key: lang}\n"
            ).replace("Welcome", "Promo ${each.lang}")
        }
    )
    os.mkfifo("videos/rows.csv")
    expect_problems(
        capsys, "videos/a.yaml:3:16: for_each: videos/rows.csv is a FIFO (named pipe), not a file"
    )
