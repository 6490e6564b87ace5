"""The hidden marker that makes a comment vidspec's sticky comment for one project. Pure.

``<!-- vidspec:comment project=DIR fingerprint=HEX -->`` opens the body. DIR is the project's
directory relative to the git root (``.`` at the root), percent-encoded so no space or ``-->``
can break the comment; one sticky comment per project, so two projects in one repository keep
one comment each. Only comments that open with a marker are ever edited or deleted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

_MARKER = re.compile(
    r"\A<!-- vidspec:comment project=(?P<project>[^\s>]+) fingerprint=(?P<fp>[0-9a-f]{64}) -->"
)


@dataclass(frozen=True)
class Marker:
    project: str
    fingerprint: str

    def render(self) -> str:
        project = quote(self.project, safe="/._~")
        return f"<!-- vidspec:comment project={project} fingerprint={self.fingerprint} -->"


def parse_marker(body: str) -> Marker | None:
    """The marker a comment body opens with, or ``None`` (not ours)."""
    match = _MARKER.match(body)
    if match is None:
        return None
    return Marker(project=unquote(match["project"]), fingerprint=match["fp"])
