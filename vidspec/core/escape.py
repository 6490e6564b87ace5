"""Escaping what a server sent before it reaches a terminal or a file. Pure.

A name, id or message from a service is data: an escape sequence in it must not clear the
screen or set a terminal's title, a newline must not forge an output line, and a bidi control
must not reverse the text after it. ``escape_text`` makes such characters visible
(``\\x1b``, ``\\n``, ``\\u202e``) and leaves all else, accents and scripts included, as it is.
``terminal_safe`` does the same to a whole output text but keeps its line structure and
vidspec's own colours, so the CLI can pass everything it prints through it; ``document_safe``
is the same rule for a document that is not shown on a terminal (a PR comment, the job
summary, an issue body): only newlines and tabs are kept, no colour, no carriage return (a
lone ``\\r`` ends a line in Markdown).
"""

from __future__ import annotations

import re

__all__ = ["document_safe", "escape_text", "terminal_safe"]

# Bidirectional overrides, embeddings, isolates and marks, and the Unicode line separators.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029"
)
# Control characters (Unicode category Cc: U+0000-U+001F, U+007F-U+009F) and the bidi ones: one
# regular expression, so a long text without any is checked at C speed.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f" + "".join(sorted(BIDI_CONTROLS)) + "]")
_SGR_OR_UNSAFE = re.compile(r"\x1b\[[0-9;]*m|" + _UNSAFE.pattern)  # a colour, or one character
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_text(text: str) -> str:
    """``text`` with control characters (newlines included) and bidi controls made visible."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(lambda m: _visible(m.group()), text)


def terminal_safe(text: str) -> str:
    """A whole output text made safe to print: newlines, tabs, carriage returns (a progress
    line redraws itself) and colour codes stay; every other control character and every bidi
    control is made visible. Applied to JSON output it keeps the document valid and its
    values equal (a bidi control can only stand inside a JSON string, as ``\\u202e``)."""
    return _made_safe(text, keep="\n\r\t", colours=True)


def document_safe(text: str) -> str:
    """``terminal_safe`` for a document read on a forge or in a file, not a terminal: newlines
    and tabs stay, every other control character (carriage returns and escape sequences,
    colours included) and every bidi control is made visible."""
    return _made_safe(text, keep="\n\t", colours=False)


def _made_safe(text: str, *, keep: str, colours: bool) -> str:
    if not _UNSAFE.search(text):
        return text

    def visible(match: re.Match[str]) -> str:
        found = match.group()
        if len(found) > 1:  # a colour code: kept where colours are, its ESC shown elsewhere
            return found if colours else _visible(found[0]) + found[1:]
        return found if found in keep else _visible(found)

    return _SGR_OR_UNSAFE.sub(visible, text)
