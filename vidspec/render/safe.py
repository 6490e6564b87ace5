"""Text from a server made safe for a terminal: no control character reaches it raw."""

from __future__ import annotations

import unicodedata


def terminal_text(text: str) -> str:
    """``text`` with every control or format character (ESC, CSI, bidi overrides ...) written
    as a visible escape (``\\x1b``, ``\\u202e``); a URL or name that is plain stays unchanged."""
    out = []
    for char in text:
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            code = ord(char)
            out.append(f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)
