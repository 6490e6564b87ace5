"""`vidspec validate`: one test per kind of problem, checked line for line as the user sees it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from vidspec.cli import main

PROJECT = "version: 1\nprovider: {kind: sandbox}\n"

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
    monkeypatch.chdir(tmp_path)


def write(files: dict[str, str | bytes], project: str = PROJECT) -> None:
    files = {"vidspec.yaml": project, **files}
    for name, content in files.items():
        path = Path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def validate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main([*args, "validate"])
    out, err = capsys.readouterr()
    code = exited.value.code
    assert isinstance(code, int)
    return code, out, err


def expect_problems(capsys: pytest.CaptureFixture[str], *lines: str) -> None:
    code, out, err = validate(capsys)
    noun = "problem" if len(lines) == 1 else "problems"
    assert (code, out) == (1, "")
    assert err.splitlines() == [*lines, f"{len(lines)} {noun} found."]


def test_valid_project_prints_the_one_line_summary(capsys: pytest.CaptureFixture[str]) -> None:
    write({"videos/a.yaml": GOOD, "videos/b.yaml": GOOD.replace("welcome", "bye")})
    code, out, err = validate(capsys)
    assert (code, out) == (0, "2 videos in 2 files are valid.\n")
    assert err.startswith("Not checked against the provider's catalog"), err


def test_summary_counts_videos_in_vidspec_yaml_and_speaks_singular(
    capsys: pytest.CaptureFixture[str],
) -> None:
    write({}, project=PROJECT + GOOD)
    code, out, err = validate(capsys)
    assert (code, out) == (0, "1 video in 1 file is valid.\n")
    assert err.startswith("Not checked against the provider's catalog"), err


def test_minus_c_names_the_project_directory(capsys: pytest.CaptureFixture[str]) -> None:
    write({"proj/videos/a.yaml": GOOD, "proj/vidspec.yaml": PROJECT})
    Path("vidspec.yaml").unlink()
    code, out, err = validate(capsys, "-C", "proj")
    assert (code, out) == (0, "1 video in 1 file is valid.\n")
    assert "none is kept yet (proj/.vidspec/catalog.json)" in err


def test_no_vidspec_yaml(capsys: pytest.CaptureFixture[str]) -> None:
    assert validate(capsys) == (
        1,
        "",
        "Error: no vidspec.yaml in . or above it (run `vidspec init` or pass -C DIR)\n",
    )


def test_yaml_syntax_error_names_the_line(capsys: pytest.CaptureFixture[str]) -> None:
    write({"videos/a.yaml": "videos:\n  welcome:\n    script: Hello\n   voice: Sara\n"})
    expect_problems(
        capsys,
        "videos/a.yaml:4:4: YAML syntax error: did not find expected key, while parsing a block "
        "mapping started at line 2 (check the indentation and quoting here)",
    )


def test_unknown_field_suggests_the_closest_name(capsys: pytest.CaptureFixture[str]) -> None:
    write({"videos/a.yaml": GOOD + "    voise: Mia\n    backgruond: globe\n    zzz: 1\n"})
    expect_problems(
        capsys,
        "videos/a.yaml:7:5: unknown field 'voise' (did you mean 'voice'?)",
        "videos/a.yaml:8:5: unknown field 'backgruond' (did you mean 'background'?)",
        "videos/a.yaml:9:5: unknown field 'zzz' (known fields here: script, actor, voice, "
        "background, emotion, video_name, composition, circle, lifecycle, download, for_each)",
    )


def test_wrong_types(capsys: pytest.CaptureFixture[str]) -> None:
    write(
        {
            "videos/a.yaml": GOOD.replace("version: 4.0.0", "version: 4.0")
            + "    composition: circle\n    lifecycle: {prevent_destroy: 'yes please'}\n"
        }
    )
    expect_problems(
        capsys,
        "videos/a.yaml:5:28: actor.version must be text, not a number "
        "(put the value in quotes: '4.0')",
        "videos/a.yaml:7:5: composition must be a mapping, not text (write a mapping)",
        "videos/a.yaml:8:17: lifecycle.prevent_destroy must be true or false, not text "
        "(write true or false)",
    )


def test_every_problem_of_every_file_is_reported_at_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(
        {
            "videos/a.yaml": GOOD.replace("HD}", "XL}"),
            "videos/b.yaml": GOOD.replace("welcome", "b").replace("Sara", "[Sara]"),
            "videos/c.yaml": "videos: [\n",
        }
    )
    code, _, err = validate(capsys)
    assert code == 1
    assert [line.split(":")[0] for line in err.splitlines()] == [
        "videos/a.yaml",
        "videos/b.yaml",
        "videos/c.yaml",
        "3 problems found.",
    ]


def test_missing_required_fields_name_the_video(capsys: pytest.CaptureFixture[str]) -> None:
    write({"videos/a.yaml": "videos:\n  bare:\n    video_name: Bare\n    actor: {size: HD}\n"})
    expect_problems(
        capsys,
        "videos/a.yaml:2:3: missing field 'script' in video 'bare' (add it to the video or to "
        "defaults)",
        "videos/a.yaml:2:3: missing field 'voice' in video 'bare' (add it to the video or to "
        "defaults)",
        "videos/a.yaml:4:5: missing field 'actor.name' in video 'bare' (add it to the video or "
        "to defaults)",
        "videos/a.yaml:4:5: missing field 'actor.shot' in video 'bare' (add it to the video or "
        "to defaults)",
    )


def test_script_over_3000_characters(capsys: pytest.CaptureFixture[str]) -> None:
    write({"videos/a.yaml": GOOD.replace("Hello and welcome.", "a" * 3001)})
    expect_problems(
        capsys,
        "videos/a.yaml:4:5: script is 3,001 characters long, over the limit of 3,000 (shorten it)",
    )


def test_video_name_over_35_characters(capsys: pytest.CaptureFixture[str]) -> None:
    write({"videos/a.yaml": GOOD.replace("video_name: Welcome", "video_name: " + "n" * 36)})
    expect_problems(
        capsys,
        "videos/a.yaml:3:5: video_name is 36 characters long, over the limit of 35 (shorten it)",
    )


def test_a_problem_in_defaults_is_reported_once_where_it_was_written(
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(
        {
            "videos/a.yaml": "defaults:\n  actor: {size: XL}\n"
            + GOOD.replace(", size: HD", "").replace("welcome", "a")
            + GOOD.replace(", size: HD", "").split("videos:\n")[1].replace("welcome", "b")
        }
    )
    expect_problems(
        capsys,
        "videos/a.yaml:2:11: actor.size is 'XL', not one of 'SD', 'HD', 'FullHD', '4K' "
        "(use one of them)",
    )


def test_duplicate_address_across_files_names_both_places(
    capsys: pytest.CaptureFixture[str],
) -> None:
    write({"videos/a.yaml": GOOD, "videos/b.yaml": "# same again\n" + GOOD})
    expect_problems(
        capsys,
        "videos/a.yaml:2:3: address 'welcome' is defined again at videos/b.yaml:3:3 "
        "(addresses are unique across all files: rename one of them)",
        "videos/b.yaml:3:3: address 'welcome' is already defined at videos/a.yaml:2:3 "
        "(addresses are unique across all files: rename one of them)",
    )


def test_invalid_address(capsys: pytest.CaptureFixture[str]) -> None:
    write({"videos/a.yaml": GOOD.replace("  welcome:", "  '-welcome':")})
    expect_problems(
        capsys,
        "videos/a.yaml:2:3: '-welcome' is not a valid address (use letters, digits, '_', '.' and "
        "'-', starting with a letter or digit, at most 128 characters)",
    )


def test_moved_to_an_unknown_address(capsys: pytest.CaptureFixture[str]) -> None:
    write({"videos/a.yaml": GOOD + "moved:\n  - {from: intro, to: welcom}\n"})
    expect_problems(
        capsys,
        "videos/a.yaml:8:19: moved to 'welcom', which is not a video in any manifest "
        "(point `to` at the video's current address)",
    )


def test_moved_from_an_address_that_still_exists_collides(
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(
        {
            "videos/a.yaml": GOOD,
            "videos/b.yaml": GOOD.replace("welcome", "intro") + "moved:\n  - from: intro\n"
            "    to: welcome\n",
        }
    )
    expect_problems(
        capsys,
        "videos/b.yaml:8:5: moved from 'intro', which is still a video (at videos/b.yaml:2:3) "
        "(remove the old video, or remove this moved block)",
    )


def test_moved_twice_from_the_same_address(capsys: pytest.CaptureFixture[str]) -> None:
    write(
        {
            "videos/a.yaml": GOOD
            + GOOD.split("videos:\n")[1].replace("welcome", "hello")
            + "moved:\n  - {from: intro, to: welcome}\n  - {from: intro, to: hello}\n"
        }
    )
    expect_problems(
        capsys,
        "videos/a.yaml:13:5: two moved blocks have from 'intro' (the other at "
        "videos/a.yaml:14:5) (keep one of them)",
        "videos/a.yaml:14:5: two moved blocks have from 'intro' (the other at "
        "videos/a.yaml:13:5) (keep one of them)",
    )


def test_file_reference_missing(capsys: pytest.CaptureFixture[str]) -> None:
    write({"videos/a.yaml": GOOD.replace("Hello and welcome.", "{file: scripts/hello.txt}")})
    expect_problems(
        capsys,
        "videos/a.yaml:4:5: script: file videos/scripts/hello.txt does not exist "
        "(the path is relative to videos/a.yaml)",
    )


def test_file_reference_escaping_the_project(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path.parent / "outside.txt").write_text("secret plans", encoding="utf-8")
    write({"videos/a.yaml": GOOD.replace("Hello and welcome.", "{file: ../../outside.txt}")})
    expect_problems(
        capsys,
        "videos/a.yaml:4:5: script: {file: ../../outside.txt} points outside the project "
        "directory (move the file into the project directory, where vidspec.yaml is)",
    )


def test_file_reference_through_a_symlink_out_of_the_project(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path.parent / "outside.txt").write_text("secret plans", encoding="utf-8")
    write({"videos/a.yaml": GOOD.replace("Hello and welcome.", "{file: link.txt}")})
    Path("videos/link.txt").symlink_to(tmp_path.parent / "outside.txt")
    expect_problems(
        capsys,
        "videos/a.yaml:4:5: script: {file: link.txt} points outside the project "
        "directory (move the file into the project directory, where vidspec.yaml is)",
    )


def test_file_reference_not_utf8(capsys: pytest.CaptureFixture[str]) -> None:
    write(
        {
            "videos/a.yaml": GOOD.replace("Hello and welcome.", "{file: hello.txt}"),
            "videos/hello.txt": b"Hello\n\xff\xfe",
        }
    )
    expect_problems(
        capsys,
        "videos/hello.txt:2:1: videos/hello.txt is not UTF-8 text (byte 0xff) "
        "(save the file as UTF-8)",
    )


def test_file_reference_text_is_held_to_the_limits(capsys: pytest.CaptureFixture[str]) -> None:
    write(
        {
            "videos/a.yaml": GOOD.replace("Hello and welcome.", "{file: long.txt}"),
            "videos/long.txt": "b" * 3001 + "\n",
        }
    )
    expect_problems(
        capsys,
        "videos/a.yaml:4:5: script is 3,001 characters long, over the limit of 3,000 (shorten it)",
    )


def test_non_utf8_manifest(capsys: pytest.CaptureFixture[str]) -> None:
    write({"videos/a.yaml": GOOD.replace("Hello and welcome.", "Caf\xe9").encode("latin-1")})
    expect_problems(
        capsys,
        "videos/a.yaml:4:16: videos/a.yaml is not UTF-8 text (byte 0xe9) (save the file as UTF-8)",
    )


def test_empty_manifest(capsys: pytest.CaptureFixture[str]) -> None:
    write({"videos/a.yaml": GOOD, "videos/empty.yaml": "# to do\n"})
    expect_problems(
        capsys,
        "videos/empty.yaml:1:1: videos/empty.yaml is empty (add `videos:` with at least one "
        "video, or delete the file)",
    )


def test_download_must_stay_inside_the_project(capsys: pytest.CaptureFixture[str]) -> None:
    write({"videos/a.yaml": GOOD + "    download: ../../welcome.mp4\n"})
    expect_problems(
        capsys,
        "videos/a.yaml:7:5: download path '../../welcome.mp4' leaves the project directory "
        "(write a path inside the project, e.g. out/video.mp4)",
    )


def test_python_object_tag_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    write(
        {
            "videos/a.yaml": GOOD.replace(
                "Hello and welcome.", "!!python/object/apply:os.system [touch owned]"
            )
        }
    )
    expect_problems(
        capsys,
        "videos/a.yaml:4:13: YAML tag !!python/object/apply:os.system is not allowed "
        "(vidspec reads plain YAML only: remove the tag)",
    )
    assert not Path("owned").exists()


def test_alias_bomb_is_refused_fast(capsys: pytest.CaptureFixture[str]) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        prev, name = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]")
    write({"videos/bomb.yaml": "\n".join(lines) + "\n"})
    started = time.perf_counter()
    expect_problems(
        capsys,
        "videos/bomb.yaml:7:8: the file expands to more than 2,000,000 values (aliases "
        "repeating aliases?) (write the values out or use fewer nested aliases)",
    )
    assert time.perf_counter() - started < 2.0


def test_oversize_file_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from vidspec.project import yamlload

    monkeypatch.setattr(yamlload, "MAX_FILE_BYTES", 4096)
    write({"videos/big.yaml": GOOD + "# " + "x" * 5000 + "\n"})
    expect_problems(
        capsys,
        "videos/big.yaml:1:1: videos/big.yaml is 5,178 bytes, over the limit of 4,096 "
        "(split it into smaller files)",
    )


def test_bad_input_never_shows_a_traceback(tmp_path: Path) -> None:
    """End to end through the real console entry: every kind of bad input at once."""
    write(
        {
            "videos/a.yaml": "videos: !!python/object:os.system x\n",
            "videos/b.yaml": b"\xff\xfe\x00",
            "videos/c.yaml": "videos:\n  a: [\n",
            "videos/d.yaml": "&a [*a]\n",
            "videos/e.yaml": GOOD + "    script: {file: /etc/passwd}\n",
            "videos/f.yaml": "[1, 2]\n",
            "videos/g.yaml": "videos: {a: 1, b: [], c: null}\nmoved: {from: a}\n",
            "videos/h.yaml": GOOD.replace("welcome", "h") + "    lifecycle: yes\n    download: 5\n",
            "videos/i.yaml": GOOD.replace("welcome", "i")
            + "    lifecycle: {regenerate_before_expiry: 3 days, ignore_changes: video_name}\n",
        }
    )
    done = subprocess.run(
        [sys.executable, "-m", "vidspec", "validate"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert "internal error" not in done.stderr
    assert done.stderr.splitlines()[-1].endswith("problems found.")
    assert all(line.startswith("videos/") for line in done.stderr.splitlines()[:-1])
