"""`vidspec init`: a working sandbox project, never overwriting anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from vidspec.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    out, err = capsys.readouterr()
    assert isinstance(exited.value.code, int)
    return exited.value.code, out, err


def test_init_writes_a_project_that_validates(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "init", "acme")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "wrote acme/.gitignore",
        "wrote acme/videos/welcome.yaml",
        "wrote acme/vidspec.yaml",
        "Next: vidspec -C acme validate",
    ]
    code, out, err = run(capsys, "-C", "acme", "validate")
    assert (code, out) == (0, "2 videos in 1 file are valid.\n")
    assert err.startswith("Not checked against the provider's catalog"), err
    project = (tmp_path / "acme" / "vidspec.yaml").read_text(encoding="utf-8")
    assert "kind: sandbox" in project
    manifest = (tmp_path / "acme" / "videos" / "welcome.yaml").read_text(encoding="utf-8")
    for name in ("Sara", "Mia", "green_screen", "globe"):
        assert name in manifest
    assert "{name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}" in project


def test_gitignore_keeps_local_files_out_but_not_the_state(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["-C", str(tmp_path), "init"])
    lines = (tmp_path / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {".vidspec/lock*", ".vidspec/usage.json", ".vidspec/sandbox/"} <= set(lines)
    assert not any(
        line in (".vidspec/", ".vidspec", ".vidspec/*", ".vidspec/state.json") for line in lines
    )


def test_init_refuses_to_overwrite_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("vidspec.yaml").write_text("version: 1\n# mine\n", encoding="utf-8")
    code, out, err = run(capsys, "init")
    assert (code, out) == (1, "")
    assert err == (
        "Error: init would overwrite vidspec.yaml\n"
        "  vidspec init never overwrites files: pick an empty directory (vidspec init DIR)\n"
    )
    assert Path("vidspec.yaml").read_text(encoding="utf-8") == "version: 1\n# mine\n"
    assert not Path("videos").exists()
    assert not Path(".gitignore").exists()


def test_init_appends_to_an_existing_gitignore(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("node_modules/\n.vidspec/usage.json", encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        main(["-C", str(tmp_path), "init"])
    assert exited.value.code == 0
    lines = (tmp_path / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["node_modules/", ".vidspec/usage.json"]
    assert lines.count(".vidspec/usage.json") == 1
    assert ".vidspec/sandbox/" in lines


def test_init_into_a_file_is_an_error_not_a_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("taken").write_text("x", encoding="utf-8")
    assert run(capsys, "init", "taken") == (1, "", "Error: taken is a file, not a directory\n")


def test_item10_17_init_never_writes_through_a_planted_symlink(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 10 item 17: dangling symlinks in the target directory point wherever they like."""
    project, elsewhere = tmp_path / "acme", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    monkeypatch.chdir(project)
    Path("vidspec.yaml").symlink_to(elsewhere / "owned.yaml")  # dangling
    Path(".gitignore").symlink_to(elsewhere / "bashrc")  # dangling too
    Path("videos").symlink_to(elsewhere / "videos")  # a folder that does not exist
    code, out, err = run(capsys, "init")
    assert (code, out) == (1, "")
    assert err == (
        "Error: init would write through the symlink .gitignore, videos, vidspec.yaml\n"
        "  vidspec init never writes through a symlink (it may point anywhere): remove it, or "
        "pick an empty directory (vidspec init DIR)\n"
    )
    assert list(elsewhere.iterdir()) == []
