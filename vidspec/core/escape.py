"""Escaping what a server sent before it reaches a terminal or a file. Pure.

A name, id or message from a service is data: an escape sequence in it must not clear the
screen or set a terminal's title, a newline must not forge an output line, and a bidi control
must not reverse the text after it. ``escape_text`` makes such characters visible
(``\\x1b``, ``\\n``, ``\\u202e``) and leaves all else, accents and scripts included, as it is.
``terminal_safe`` does the same to a whole output text but keeps its line structure and
vidspec's own colours, so the CLI can pass everything it prints through it.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["escape_text", "terminal_safe"]

# Bidirectional overrides, embeddings, isolates and marks, and the Unicode line separators.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029"
)
_SGR = re.compile(r"\x1b\[[0-9;]*m")  # a colour: the only escape sequence vidspec prints
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _unsafe(char: str) -> bool:
    return char in BIDI_CONTROLS or unicodedata.category(char) == "Cc"


def escape_text(text: str) -> str:
    """``text`` with control characters (newlines included) and bidi controls made visible."""
    if not any(_unsafe(c) for c in text):
        return text
    return "".join(_visible(c) if _unsafe(c) else c for c in text)


def terminal_safe(text: str) -> str:
    """A whole output text made safe to print: newlines, tabs, carriage returns (a progress
    line redraws itself) and colour codes stay; every other control character and every bidi
    control is made visible. Applied to JSON output it keeps the document valid and its
    values equal (a bidi control can only stand inside a JSON string, as ``\\u202e``)."""
    if not any(_unsafe(c) for c in text):
        return text
    out: list[str] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char == "\x1b":
            colour = _SGR.match(text, pos)
            if colour:
                out.append(colour.group())
                pos = colour.end()
                continue
        out.append(_visible(char) if _unsafe(char) and char not in "\n\r\t" else char)
        pos += 1
    return "".join(out)
