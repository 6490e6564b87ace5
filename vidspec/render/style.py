"""ANSI styles for coloured output: the same escape codes ``click.style`` writes.

Render is pure (values in, text out) and imports no terminal library; the CLI decides whether
colour is wanted and prints.
"""

from __future__ import annotations

_COLORS = {
    "black": 30,
    "red": 31,
    "green": 32,
    "yellow": 33,
    "blue": 34,
    "magenta": 35,
    "cyan": 36,
    "white": 37,
}
_RESET = "\033[0m"


def style(text: str, *, fg: str | None = None, bold: bool = False, dim: bool = False) -> str:
    """``text`` in colour ``fg`` (a name of the 8 basic colours), bold or dim, then a reset."""
    bits = []
    if fg is not None:
        bits.append(f"\033[{_COLORS[fg]}m")
    if bold:
        bits.append("\033[1m")
    if dim:
        bits.append("\033[2m")
    return "".join(bits) + text + _RESET
