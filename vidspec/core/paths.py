"""How a path is shown to the user: the one ``display_path`` of every message and output."""

from __future__ import annotations

import os
from pathlib import Path


def display_path(path: Path) -> str:
    """``path`` as a user should read it: relative to the working directory when below it
    (also through a symlink in either), else absolute."""
    absolute = Path(os.path.abspath(path))
    try:
        cwd = Path.cwd()
    except OSError:  # the working directory was removed under us
        return str(absolute)
    try:
        return str(absolute.relative_to(cwd))
    except ValueError:
        pass
    try:
        return str(absolute.resolve().relative_to(cwd.resolve()))
    except (ValueError, OSError):
        return str(absolute)


__all__ = ["display_path"]
