"""What a new video is, in one line: its name and the first words of its script, so a reviewer
reads "Welcome to Acme: "Hello and welcome to Acme. We make talking…"" in the plan comment's
table instead of only the names of its fields (issue 25). Pure.

The fields are found by their names in the vendor's request (CDNvideo ``video_name`` and
``script``; Vidnoz ``name`` and ``voice.tts.text``; HeyGen's and Synthesia's ``title`` and
``…input_text`` / ``…scriptText``; a name at the top level only, never an actor's), so a new
vendor's shape needs no entry here. SSML tags are dropped; the text is bounded (``WORDS``
words, ``CHARS`` characters); the renderer escapes it.
"""

from __future__ import annotations

import re

from vidspec.plan.actions import Action

WORDS = 12
CHARS = 80
NAME_CHARS = 60
_NAMES = ("video_name", "name", "title")
_TAG = re.compile(r"<[^>]*>")


def create_preview(action: Action) -> str | None:
    """``Name: "first words…"`` of a create (either part may be missing), else ``None``."""
    if action.kind != "create":
        return None
    name = text = None
    for change in action.changes:
        if not isinstance(change.after, str):
            continue
        leaf = change.path.rsplit(".", 1)[-1].lower()
        if name is None and change.path in _NAMES:  # top level: not an actor's name
            name = _clip(change.after, NAME_CHARS, words=None)
        elif text is None and ("script" in leaf or leaf.endswith("text")):
            text = _first_line(change.after)
    if name is None and not text:
        return None
    quoted = f'"{text}"' if text else ""
    return f"{name}: {quoted}" if name and quoted else name or quoted


def _first_line(text: str) -> str:
    plain = _TAG.sub(" ", text)
    first = next((line.strip() for line in plain.splitlines() if line.strip()), "")
    more = first != plain.strip()
    return _clip(first, CHARS, words=WORDS, more=more)


def _clip(text: str, chars: int, *, words: int | None, more: bool = False) -> str:
    parts = text.split()
    kept = parts if words is None else parts[:words]
    clipped = " ".join(kept)
    if len(clipped) > chars:
        clipped = clipped[:chars].rsplit(" ", 1)[0] if " " in clipped[:chars] else clipped[:chars]
        more = True
    if more or len(kept) < len(parts):
        clipped += "…"
    return clipped
