"""``vidspec init [DIR] [--example NAME]``: write a working sandbox project, or one of the
examples shipped in the package (``vidspec/examples/``, which the repository's ``examples/``
links to: one copy); never overwrite a file (one already holding the same text is kept)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import click

from vidspec.cli.context import global_options
from vidspec.core.errors import ProjectError
from vidspec.core.paths import display_path

if TYPE_CHECKING:
    from importlib.abc import Traversable

# Template names that cannot be stored as they are written (package data skips dotfiles).
_RENAMES = {"gitignore": ".gitignore"}
EXAMPLES = tuple(
    sorted(
        item.name for item in (resources.files("vidspec") / "examples").iterdir() if item.is_dir()
    )
)
"""The example projects ``init --example`` writes: the folders of ``vidspec/examples/``."""


def template_files(example: str | None = None) -> dict[str, str]:
    """The project ``init`` writes (the template, or ``example``): relative POSIX path -> text.
    An example's own ``.gitignore`` comes along; what it ignores at its top (``out/``,
    ``.vidspec/``: left by a run in the repository's ``examples/``) does not."""
    files: dict[str, str] = {}
    if example is None:
        _collect(resources.files("vidspec") / "templates" / "init", "", files, _RENAMES)
        return files
    folder = resources.files("vidspec") / "examples" / example
    ignore = folder / ".gitignore"
    skipped = {
        line.strip().rstrip("/")
        for line in (ignore.read_text("utf-8").splitlines() if ignore.is_file() else ())
        if line.strip().endswith("/") and "/" not in line.strip().rstrip("/")
    }
    _collect(folder, "", files, {".gitignore": ".gitignore"}, skipped)
    return files


def _collect(
    folder: Traversable,
    prefix: str,
    files: dict[str, str],
    renames: dict[str, str],
    skipped: set[str] | frozenset[str] = frozenset(),
) -> None:
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        name = renames.get(entry.name, entry.name) if not prefix else entry.name
        if not prefix and entry.name in skipped:
            continue
        if entry.is_dir():
            if not entry.name.startswith((".", "__")):
                _collect(entry, f"{prefix}{name}/", files, renames)
        elif not name.startswith(("__", ".")) or (not prefix and name in renames.values()):
            files[f"{prefix}{name}"] = entry.read_text("utf-8")


def init_project(target: Path, example: str | None = None) -> list[Path]:
    """Write the template project (or ``example``) into ``target``; ``.gitignore`` lines are
    appended to an existing one, a file already holding the same text is kept. Refuses
    (writing nothing) if any other file exists already."""
    if target.exists() and not target.is_dir():
        raise ProjectError(f"{display_path(target)} is a file, not a directory")
    files = template_files(example)
    links = sorted({link for name in files if (link := _symlink_on_the_way(target, name))})
    if links:
        shown = ", ".join(display_path(link) for link in links)
        raise ProjectError(
            f"init would write through the symlink {shown}",
            "vidspec init never writes through a symlink (it may point anywhere): remove it, "
            "or pick an empty directory (vidspec init DIR)",
        )
    existing = [
        name
        for name, text in files.items()
        if name != ".gitignore" and (target / name).exists() and not _same(target / name, text)
    ]
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
        elif path.exists():  # the same text already (checked above): nothing to write
            continue
        else:
            try:
                with open(path, "x", encoding="utf-8") as handle:  # O_EXCL: never via a link
                    handle.write(text)
            except FileExistsError as exc:  # appeared since the check above
                raise ProjectError(f"init would overwrite {display_path(path)}") from exc
        written.append(path)
    return written


def _same(path: Path, text: str) -> bool:
    try:
        return path.is_file() and path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False


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
@click.option(
    "--example",
    type=click.Choice(EXAMPLES),
    help="Write this example project instead: quickstart (three videos on the sandbox), bulk "
    "(for_each over a spreadsheet, on the sandbox), vidnoz (a Vidnoz project), synthesia or "
    "heygen (on the sandbox emulating that service: templates, previews).",
)
@click.pass_context
def command(ctx: click.Context, directory: Path | None, example: str | None) -> None:
    """Create a sandbox project (vidspec.yaml, videos/, .gitignore) in DIR (default: here)."""
    base = global_options(ctx).directory
    target = base / directory if directory is not None else base
    written = init_project(target, example)
    for path in written:
        click.echo(f"wrote {display_path(path)}")
    where = display_path(target)
    step = "vidspec validate" if where == "." else f"vidspec -C {where} validate"
    click.echo(f"Next: {step}")
