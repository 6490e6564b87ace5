"""The hidden marker that makes a comment vidspec's sticky comment for one project. Pure.

``<!-- vidspec:comment project=DIR fingerprint=HEX summary=create:2,rename:1,... -->`` opens
the body. DIR is the project's directory relative to the git root (``.`` at the root),
percent-encoded so no space or ``-->`` can break the comment; one sticky comment per project,
so two projects in one repository keep one comment each. Only comments that open with a
marker are ever edited or deleted.

``summary`` carries the reviewed plan's counts per kind, so ``vidspec pr fingerprint`` can say
what was reviewed (the fingerprint alone cannot). Comments posted before it was added have no
``summary``: they still parse, with ``summary`` ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote

_COUNT = r"[a-z]{1,20}:[0-9]{1,9}"
_MARKER = re.compile(
    r"\A<!-- vidspec:comment project=(?P<project>[^\s>]+) fingerprint=(?P<fp>[0-9a-f]{64})"
    rf"(?: summary=(?P<summary>{_COUNT}(?:,{_COUNT}){{0,19}}))? -->"
)


@dataclass(frozen=True)
class Marker:
    project: str
    fingerprint: str
    summary: Mapping[str, int] | None = None
    """Actions per kind of the plan in the comment (``create: 2``); ``None`` in older comments."""

    def render(self) -> str:
        project = quote(self.project, safe="/._~")
        text = f"<!-- vidspec:comment project={project} fingerprint={self.fingerprint}"
        if self.summary:
            text += " summary=" + ",".join(f"{k}:{n}" for k, n in self.summary.items())
        return text + " -->"


def parse_marker(body: str) -> Marker | None:
    """The marker a comment body opens with, or ``None`` (not ours)."""
    match = _MARKER.match(body)
    if match is None:
        return None
    summary = None
    if match["summary"]:
        pairs = (item.split(":") for item in match["summary"].split(","))
        summary = {kind: int(count) for kind, count in pairs}
    return Marker(project=unquote(match["project"]), fingerprint=match["fp"], summary=summary)
