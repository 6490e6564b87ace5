"""``vidspec init [DIR]``: write a working sandbox project; never overwrite a file."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import click

from vidspec.cli.context import global_options
from vidspec.core.errors import ProjectError
from vidspec.project.yamlload import display_path

if TYPE_CHECKING:
    from importlib.abc import Traversable

# Template names that cannot be stored as they are written (package data skips dotfiles).
_RENAMES = {"gitignore": ".gitignore"}


def template_files() -> dict[str, str]:
    """The project ``init`` writes: relative POSIX path -> text."""
    files: dict[str, str] = {}
    _collect(resources.files("vidspec") / "templates" / "init", "", files)
    return files


def _collect(folder: Traversable, prefix: str, files: dict[str, str]) -> None:
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        name = _RENAMES.get(entry.name, entry.name) if not prefix else entry.name
        if entry.is_dir():
            _collect(entry, f"{prefix}{name}/", files)
        elif not entry.name.startswith((".", "__")):
            files[f"{prefix}{name}"] = entry.read_text("utf-8")


def init_project(target: Path) -> list[Path]:
    """Write the template project into ``target``; ``.gitignore`` lines are appended to an
    existing one. Refuses (writing nothing) if any other file exists already."""
    if target.exists() and not target.is_dir():
        raise ProjectError(f"{display_path(target)} is a file, not a directory")
    files = template_files()
    links = sorted({link for name in files if (link := _symlink_on_the_way(target, name))})
    if links:
        shown = ", ".join(display_path(link) for link in links)
        raise ProjectError(
            f"init would write through the symlink {shown}",
            "vidspec init never writes through a symlink (it may point anywhere): remove it, "
            "or pick an empty directory (vidspec init DIR)",
        )
    existing = [name for name in files if name != ".gitignore" and (target / name).exists()]
    if existing:
        shown = ", ".join(display_path(target / name) for name in existing)
        raise ProjectError(
            f"init would overwrite {shown}",
            "vidspec init never overwrites files: pick an empty directory (vidspec init DIR)",
        )
    written: list[Path] = []
    for name, text in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if name == ".gitignore" and path.exists():
            if not _append_missing_lines(path, text):
                continue
        else:
            try:
                with open(path, "x", encoding="utf-8") as handle:  # O_EXCL: never via a link
                    handle.write(text)
            except FileExistsError as exc:  # appeared since the check above
                raise ProjectError(f"init would overwrite {display_path(path)}") from exc
        written.append(path)
    return written


def _symlink_on_the_way(target: Path, name: str) -> Path | None:
    """The first symlink (dangling ones too) among ``target/name`` and its folders below
    ``target``: writing there would write wherever it points."""
    path = target
    for part in name.split("/"):
        path = path / part
        if path.is_symlink():
            return path
    return None


def _append_missing_lines(path: Path, text: str) -> bool:
    present = set(path.read_text(encoding="utf-8").splitlines())
    missing = [line for line in text.splitlines() if line and line not in present]
    if not any(line and not line.startswith("#") for line in missing):
        return False
    current = path.read_text(encoding="utf-8")
    separator = "" if current.endswith("\n") or not current else "\n"
    path.write_text(current + separator + "\n".join(missing) + "\n", encoding="utf-8")
    return True


@click.command("init")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.pass_context
def command(ctx: click.Context, directory: Path | None) -> None:
    """Create a sandbox project (vidspec.yaml, videos/, .gitignore) in DIR (default: here)."""
    base = global_options(ctx).directory
    target = base / directory if directory is not None else base
    written = init_project(target)
    for path in written:
        click.echo(f"wrote {display_path(path)}")
    where = display_path(target)
    step = "vidspec validate" if where == "." else f"vidspec -C {where} validate"
    click.echo(f"Next: {step}")
