"""`vidspec init`: a working sandbox project, never overwriting anything."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_run import Cli
from repo_paths import REPO

from vidspec.cli import main


def test_init_writes_a_project_that_validates(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("init", "acme")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "wrote acme/.gitignore",
        "wrote acme/videos/welcome.yaml",
        "wrote acme/vidspec.yaml",
        "Next: vidspec -C acme validate",
    ]
    code, out, err = cli("-C", "acme", "validate")
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
    assert "vidspec-report/" in lines  # its page may show the service's links to the videos
    assert not any(
        line in (".vidspec/", ".vidspec", ".vidspec/*", ".vidspec/state.json") for line in lines
    )


def test_init_refuses_to_overwrite_and_writes_nothing(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("vidspec.yaml").write_text("version: 1\n# mine\n", encoding="utf-8")
    code, out, err = cli("init")
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
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("taken").write_text("x", encoding="utf-8")
    assert cli("init", "taken") == (1, "", "Error: taken is a file, not a directory\n")


def test_item10_17_init_never_writes_through_a_planted_symlink(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 10 item 17: dangling symlinks in the target directory point wherever they like."""
    project, elsewhere = tmp_path / "acme", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    monkeypatch.chdir(project)
    Path("vidspec.yaml").symlink_to(elsewhere / "owned.yaml")  # dangling
    Path(".gitignore").symlink_to(elsewhere / "bashrc")  # dangling too
    Path("videos").symlink_to(elsewhere / "videos")  # a folder that does not exist
    code, out, err = cli("init")
    assert (code, out) == (1, "")
    assert err == (
        "Error: init would write through the symlink .gitignore, videos, vidspec.yaml\n"
        "  vidspec init never writes through a symlink (it may point anywhere): remove it, or "
        "pick an empty directory (vidspec init DIR)\n"
    )
    assert list(elsewhere.iterdir()) == []


# --- init --example (issue 20 item 11) -----------------------------------------------------------


def _tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file() and not {".vidspec", "out"} & set(p.relative_to(root).parts)
    }


@pytest.mark.parametrize("example", ["quickstart", "bulk", "vidnoz", "synthesia", "heygen"])
def test_init_example_writes_the_example_shipped_in_the_package(
    cli: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    example: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("VIDNOZ_API_KEY", "k")
    code, out, err = cli("init", "--example", example, "demo")
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == "Next: vidspec -C demo validate"
    written = _tree(tmp_path / "demo")
    assert ".gitignore" in written and "vidspec.yaml" in written
    # the repository's examples/ are the package's files, one copy (a link each)
    assert (REPO / "examples" / example).resolve() == REPO / "vidspec" / "examples" / example
    assert written == _tree(REPO / "examples" / example)
    code, out, _ = cli("-C", "demo", "validate")
    assert code == 0 and out.endswith("are valid.\n")


def test_init_example_runs_again_and_never_overwrites_another_text(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli("init", "--example", "quickstart", "demo")[0] == 0
    # the same text already there is kept: the README's Quick start may run twice
    assert cli("init", "--example", "quickstart", "demo") == (
        0,
        "Next: vidspec -C demo validate\n",
        "",
    )
    (tmp_path / "demo" / "vidspec.yaml").write_text("version: 1\n# mine\n", encoding="utf-8")
    code, out, err = cli("init", "--example", "quickstart", "demo")
    assert (code, out) == (1, "")
    assert err.startswith("Error: init would overwrite demo/vidspec.yaml\n")
    assert (tmp_path / "demo" / "vidspec.yaml").read_text(
        encoding="utf-8"
    ) == "version: 1\n# mine\n"


def test_an_unknown_example_is_a_usage_error(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("init", "--example", "nope", "demo")
    assert (code, out) == (1, "")
    assert "'nope' is not one of 'bulk', 'heygen', 'quickstart', 'synthesia', 'vidnoz'" in err
    assert not (tmp_path / "demo").exists()


def test_the_readme_quick_start_writes_the_example_outside_the_source_tree() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    first, _tests = block.splitlines()
    assert "vidspec init --example quickstart vidspec-demo" in first
    assert first.endswith("vidspec -C vidspec-demo apply --auto-approve")
    assert "examples/" not in first


# --- the sandbox's settings and base_url in the README (issue 20 item 12) -----------------------


def test_the_readme_documents_every_sandbox_option_with_its_default_and_base_urls() -> None:
    from dataclasses import fields

    from vidspec.providers.cdnvideo.api import API as CDNVIDEO_API
    from vidspec.providers.vidnoz.api import API as VIDNOZ_API
    from vidspec.sandbox.provider import SandboxOptions

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    defaults = SandboxOptions()
    rows = {
        line.split("|")[1].strip(): line for line in readme.splitlines() if line.startswith("| `")
    }
    for option in fields(SandboxOptions):
        row = rows.get(f"`{option.name}`")
        assert row is not None, f"provider.options.{option.name} is not in the README's table"
        value = getattr(defaults, option.name)
        if isinstance(value, bool):
            shown = "true" if value else "false"
        elif hasattr(value, "count"):  # a Rate
            shown = f"{value.count}/{value.seconds:g}s"
        else:
            shown = f"{value:g}"
        assert row.split("|")[2].strip() == f"`{shown}`", row
    for url in (CDNVIDEO_API.default_base_url, VIDNOZ_API.default_base_url):
        assert f"`{url}`" in readme
    assert "`provider.base_url`" in readme
