"""Read one YAML file into plain values plus where every value was written.

Safe by construction: only the plain YAML types (mappings, lists, strings, numbers, booleans,
null) are built, any other tag (``!!python/object`` ...) is refused. Hostile files are refused
quickly: a size bound before parsing, a nesting bound, and an expansion budget that counts the
values aliases would produce, so an alias bomb ("billion laughs") stops after a few aliases.

libyaml's C parser produces the events; they are composed here, iteratively, into values and a
location tree. (PyYAML's C *composer* recurses in C and crashes on deep nesting, and its Python
constructor would lose the marks, so neither is used.) libyaml reads ahead while a ``[`` might
still open a key, so on ``[[[[...`` it meets its own nesting cap (1000 levels, since PyYAML
6.0.4) before our bound sees an event. Such a file is read again by PyYAML's Python parser,
whose look-ahead stops after 1024 characters, so our bound and its located message apply; past
``REREAD_CHARS`` (the Python parser reads ~0.3 MB/s) our message is given where libyaml
stopped.

Where each value was written comes back as a location tree (``vidspec.project.loctree``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from vidspec.core.errors import ManifestError, Problem
from vidspec.core.location import SourceLocation
from vidspec.core.paths import display_path
from vidspec.project.loctree import LocTree
from vidspec.project.yamlcompose import TOO_DEEP, Composer

MAX_FILE_BYTES = 8 * 1024 * 1024
REREAD_CHARS = 256 * 1024


@dataclass(frozen=True)
class YamlDocument:
    """One parsed file. ``value`` is ``None`` and ``empty`` true for a file with no content.
    ``placeholders``: a text value holds ``${`` (a for_each placeholder, or a stray one)."""

    path: Path
    display: str
    value: Any
    root: SourceLocation
    locs: LocTree
    empty: bool
    placeholders: bool = True


def read_text(path: Path, display: str, location: SourceLocation | None = None) -> str:
    """The UTF-8 text of a user's file, or ``ManifestError`` saying what is wrong with it.

    ``location`` is where the file was named (a ``{file:}`` reference); problems that concern
    the file as a whole are reported there, problems inside it at their own line.
    """
    where = location or SourceLocation(display, 1, 1)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ManifestError(
                [
                    Problem(
                        where,
                        f"{display} is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,}",
                        "split it into smaller files",
                    )
                ]
            )
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ManifestError([Problem(where, f"file {display} does not exist", "")]) from exc
    except IsADirectoryError as exc:
        raise ManifestError([Problem(where, f"{display} is a directory, not a file", "")]) from exc
    except OSError as exc:
        raise ManifestError(
            [Problem(where, f"cannot read {display}: {exc.strerror}", "check its permissions")]
        ) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ManifestError(
            [
                Problem(
                    SourceLocation(display, line, column),
                    f"{display} is not UTF-8 text (byte 0x{data[exc.start]:02x})",
                    "save the file as UTF-8",
                )
            ]
        ) from exc


def load_yaml(path: Path) -> YamlDocument:
    """Parse one YAML file with locations; ``ManifestError`` with every problem found."""
    display = display_path(path)
    text = read_text(path, display)
    composer = Composer(display)
    value, locs = composer.compose(text)
    stop = composer.libyaml_stop
    if stop is not None:  # see the module's docstring: our lower bound applies first
        if stop.index <= REREAD_CHARS:
            composer = Composer(display, yaml.SafeLoader)
            value, locs = composer.compose(text)
        if not composer.problems:
            composer.problem(stop, *TOO_DEEP)
    if composer.problems:
        raise ManifestError(composer.problems)
    return YamlDocument(
        path=path,
        display=display,
        value=value,
        root=SourceLocation(display, 1, 1),
        locs=locs,
        empty=composer.empty,
        placeholders=composer.placeholders,
    )
