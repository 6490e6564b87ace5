"""Paths the filesystem refuses are found at validate, at their line, row and column (issue 20,
item 6): a NUL byte or a 300-byte name from a CSV cell used to pass validate and plan, be paid
for, and then crash apply (``ValueError: embedded null byte``) and every later validate and
plan (``OSError: File name too long`` in project/protect.py)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from cli_run import Cli
from paid_env import account_videos, sandbox_project

from vidspec.core.errors import ManifestError
from vidspec.engine.localfiles import DownloadPathError, download_target
from vidspec.project.config import load_project
from vidspec.project.loader import load_desired
from vidspec.project.pathrules import path_problem
from vidspec.state import LocalStateStore

LONG = "x" * 256
PROMO = (
    "videos:\n  promo:\n    for_each: {file: data/p.csv, key: sku}\n"
    "    video_name: Offer ${each.key}\n    script: Buy it today.\n"
    "    download: out/${each.file}.mp4\n"
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # messages name files relative to the working directory


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("out/a\x00b.mp4", "holds a NUL byte (character 6)"),
        ("out/a\tb.mp4", "holds the control character \\t (character 6)"),
        ("out/a\x85b.mp4", "holds the control character \\x85 (character 6)"),
        (
            f"out/{LONG}.mp4",
            "has a part of 260 bytes ('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'), over the 255 "
            "bytes a file or folder name may have",
        ),
        (  # 128 two-byte letters: 128 characters, 256 bytes
            "out/" + "é" * 128,
            "has a part of 256 bytes ('ééééééééééééééééééééééééééééééééééééé...'), over the 255 "
            "bytes a file or folder name may have",
        ),
        (
            "/".join(["d" * 200] * 21),
            "is 4220 bytes long from the filesystem root, over the 4095 allowed",
        ),
        (
            "out/con.mp4",
            "has a part named 'con.mp4', a device name on Windows (CON): a teammate on Windows "
            "could neither check it out nor write it",
        ),
        (
            "Lpt9/a.mp4",
            "has a part named 'Lpt9', a device name on Windows (LPT9): a teammate "
            "on Windows could neither check it out nor write it",
        ),
    ],
)
def test_what_a_filesystem_refuses(path: str, why: str) -> None:
    assert path_problem(path) == why


@pytest.mark.parametrize(
    "path", ["out/welcome.mp4", "out/console.mp4", "out/con-promo.mp4", "out/é" * 10, "x" * 255]
)
def test_what_every_filesystem_accepts(path: str) -> None:
    assert path_problem(path) is None


def test_the_whole_length_counts_from_the_filesystem_root(tmp_path: Path) -> None:
    root = tmp_path / ("r" * 200) / ("r" * 200)
    path = "/".join(["d" * 200] * 19)  # 3818 bytes: fine alone, over 4095 below root
    assert path_problem(path) is None
    assert (path_problem(path, root) or "").endswith("over the 4095 allowed")


def _problems(root: Path) -> list[str]:
    with pytest.raises(ManifestError) as caught:
        load_desired(load_project(root))
    return [str(p) for p in caught.value.problems]


def test_each_path_a_manifest_reads_or_writes_is_checked_at_its_place(tmp_path: Path) -> None:
    root = sandbox_project(
        tmp_path,
        {
            "videos/data/p.csv": "sku,file\na,ok\nb,x\x00y\n",
            "videos/data/nul.yaml": "- {sku: a}\n",
            "videos/main.yaml": PROMO
            + "  plain:\n    script: {file: 'scripts/aux.txt'}\n    download: out/plain.mp4\n"
            + "  rows:\n    for_each: {file: data/nul.yaml, key: sku}\n    script: Hi\n"
            + f"  long:\n    script: Hi\n    download: out/{LONG}.mp4\n",
        },
    )
    assert _problems(root) == [
        "videos/main.yaml:6:5: download path 'out/x\\x00y.mp4' holds a NUL byte (character 6) "
        "(in promo[b], from videos/data/p.csv:3, column `file`) (write a path every system "
        "accepts, e.g. out/video.mp4)",
        "videos/main.yaml:8:5: script: the path 'scripts/aux.txt' of {file:} has a part named "
        "'aux.txt', a device name on Windows (AUX): a teammate on Windows could neither check "
        "it out nor write it (write a path every system accepts)",
        "videos/main.yaml:11:16: for_each: the path 'data/nul.yaml' of {file:} has a part named "
        "'nul.yaml', a device name on Windows (NUL): a teammate on Windows could neither check "
        "it out nor write it (write a path every system accepts)",
        f"videos/main.yaml:15:5: download path 'out/{LONG}.mp4' has a part of 260 bytes "
        "('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'), over the 255 bytes a file or folder "
        "name may have (write a path every system accepts, e.g. out/video.mp4)",
    ]


def test_a_state_path_the_filesystem_refuses_is_a_problem_at_its_line(tmp_path: Path) -> None:
    sandbox_project(tmp_path, {}, extra=f"state: {'s' * 250}.json\n")
    with pytest.raises(ManifestError) as caught:
        load_project(tmp_path)
    (problem,) = caught.value.problems
    assert str(problem.location) == "vidspec.yaml:9:1"
    assert problem.message.endswith(
        "('sssssssssssssssssssssssssssssssssssss...'), over the 255 bytes a file or folder name "
        "may have (vidspec writes .journal beside it)"
    )


def test_a_nul_byte_from_a_csv_cell_is_refused_before_anything_is_paid(
    tmp_path: Path, cli: Cli
) -> None:
    root = sandbox_project(
        tmp_path, {"videos/data/p.csv": "sku,file\na,a\x00b\n", "videos/main.yaml": PROMO}
    )
    expected = (
        "videos/main.yaml:6:5: download path 'out/a\\x00b.mp4' holds a NUL byte (character 6) "
        "(in promo[a], from videos/data/p.csv:2, column `file`)"
    )
    for command in (["validate"], ["plan"], ["apply", "--auto-approve"]):
        code, _, err = cli(root, *command)
        assert code == 1 and expected in err, (command, err)
    assert account_videos(root) == []


def test_a_state_of_an_older_vidspec_naming_such_a_path_brings_no_traceback(
    tmp_path: Path, cli: Cli
) -> None:
    root = sandbox_project(
        tmp_path, {"videos/data/p.csv": "sku,file\na,good\n", "videos/main.yaml": PROMO}
    )
    assert cli(root, "apply", "--auto-approve")[0] == 0
    assert (root / "out" / "good.mp4").is_file()
    # An older vidspec paid for this one and recorded a name the filesystem refuses.
    store = LocalStateStore(load_project(root))
    with store.lock("test"):
        state = store.load()
        record = state.videos["promo[a]"]
        assert record.download is not None
        bad = replace(record.download, path=f"out/{LONG}.mp4")
        store.save(state.with_video("promo[a]", replace(record, download=bad)))
    (root / "videos" / "data" / "p.csv").write_text(f"sku,file\na,{LONG}\n")
    for command in (["validate"], ["plan"], ["apply", "--auto-approve"]):
        code, _, err = cli(root, *command)
        assert code == 1 and "has a part of 260 bytes" in err, (command, err)
    # Fixed in the manifest: the plan saves the video at the new path, nothing is generated.
    (root / "videos" / "data" / "p.csv").write_text("sku,file\na,better\n")
    code, out, err = cli(root, "plan", "--json")
    assert code == 0, err
    (action,) = json.loads(out)["actions"]
    assert (action["action"], action["reason"]) == (
        "download",
        f"download: changed from out/{LONG}.mp4",
    )
    assert cli(root, "apply", "--auto-approve")[0] == 0
    assert (root / "out" / "better.mp4").is_file()
    assert len(account_videos(root)) == 1


@pytest.mark.parametrize("path", ["out/a\x00b.mp4", f"out/{LONG}.mp4", "out/nul"])
def test_apply_refuses_such_a_path_before_it_writes(tmp_path: Path, path: str) -> None:
    # the last guard, for a plan file or a state that names such a path: an error that fails
    # this one download, never a ValueError or OSError out of pathlib
    (tmp_path / "out").mkdir()
    with pytest.raises(DownloadPathError, match="nothing was written"):
        download_target(tmp_path, path)


def test_deleting_a_video_whose_recorded_file_no_system_accepts(tmp_path: Path, cli: Cli) -> None:
    """The saved file goes with its deleted video (issue 20 item 9); a recorded path that no
    filesystem accepts is looked at, and left, without a traceback."""
    root = sandbox_project(
        tmp_path, {"videos/data/p.csv": "sku,file\na,good\n", "videos/main.yaml": PROMO}
    )
    assert cli(root, "apply", "--auto-approve")[0] == 0
    store = LocalStateStore(load_project(root))
    with store.lock("test"):
        state = store.load()
        record = state.videos["promo[a]"]
        assert record.download is not None
        bad = replace(record.download, path="out/a\x00b.mp4")
        store.save(state.with_video("promo[a]", replace(record, download=bad)))
    code, out, err = cli(root, "destroy", "--auto-approve")
    assert code == 0, err
    assert "Destroy complete! Videos: 1 deleted." in out
    assert account_videos(root) == []  # deleted from the account
