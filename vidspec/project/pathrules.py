"""What a filesystem accepts in a path, judged on the text before any file call. Pure.

Every path vidspec reads or writes in a project (``download:`` targets, ``{file:}`` texts,
``for_each`` sources, ``state:``) is checked when the manifests are loaded, at the line (and,
for an instance, the row and column) that wrote it: a path the filesystem refuses would
otherwise be found only after a video was paid for, with a ``ValueError`` (a NUL byte) or an
``OSError`` (a name too long) from deep inside ``pathlib``.

The rules, each what some filesystem vidspec's users share manifests across refuses:

- no NUL and no control character (C0, DEL, C1): POSIX refuses NUL, Windows every C0
  character, and no editor, shell or CI log shows the others;
- each part (between ``/``) at most 255 bytes in UTF-8 (``NAME_MAX`` of ext4, APFS, NTFS);
- the whole path, from the filesystem root, shorter than 4096 bytes (Linux ``PATH_MAX``);
- no part named as a Windows device (``CON``, ``PRN``, ``AUX``, ``NUL``, ``COM1``-``COM9``,
  ``LPT1``-``LPT9``, with any extension and in any letter case): manifests live in git and are
  shared across systems, and a teammate on Windows could neither check out nor write
  ``out/con.mp4``.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

from vidspec.core.escape import escape_text

NAME_MAX = 255  # bytes of one part of a path
PATH_MAX = 4096  # bytes of a whole path, its final NUL included
WINDOWS_DEVICES = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"COM{n}" for n in range(1, 10)]
    + [f"LPT{n}" for n in range(1, 10)]
)
_SHOWN = 40  # characters of a long part shown in a message
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # C0, DEL and C1


def path_problem(path: str, root: Path | None = None) -> str | None:
    """Why a filesystem would refuse ``path`` (relative to ``root``, the project directory,
    when given: the whole path's length counts from the filesystem root), as the end of a
    sentence (``holds a NUL byte``); ``None`` when every system vidspec runs on accepts it."""
    control = _CONTROL.search(path)
    if control is not None:
        char = control.group()
        what = "a NUL byte" if char == "\x00" else f"the control character {escape_text(char)}"
        return f"holds {what} (character {control.start() + 1})"
    try:
        encoded = path.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid text (a lone surrogate)"
    for part in path.split("/"):
        size = len(part.encode("utf-8"))
        if size > NAME_MAX:
            return (
                f"has a part of {size} bytes ({_short(part)}), over the {NAME_MAX} bytes a "
                "file or folder name may have"
            )
        device = part.split(".", 1)[0].rstrip(" ").upper()
        if device in WINDOWS_DEVICES:
            return (
                f"has a part named {part!r}, a device name on Windows ({device}): a teammate "
                "on Windows could neither check it out nor write it"
            )
    whole = len(encoded) if root is None else len(encoded) + 1 + _root_bytes(root)
    if whole >= PATH_MAX:
        return f"is {whole} bytes long from the filesystem root, over the {PATH_MAX - 1} allowed"
    return None


@functools.lru_cache(maxsize=64)
def _root_bytes(root: Path) -> int:
    """The length of ``root`` from the filesystem root, in bytes (few roots: cached)."""
    return len(os.fsencode(os.path.abspath(root)))


def _short(part: str) -> str:
    return repr(part if len(part) <= _SHOWN else part[: _SHOWN - 3] + "...")


__all__ = ["NAME_MAX", "PATH_MAX", "WINDOWS_DEVICES", "path_problem"]
