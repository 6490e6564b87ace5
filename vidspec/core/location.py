"""Where a value came from: a file, a line and a column, for messages that point at the line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class SourceLocation:
    """A position in a user's file. ``line`` and ``column`` are 1-based, as editors show them.

    ``path`` is as the user should read it: relative to the working directory when the file
    lies below it, absolute otherwise.
    """

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.path
        if self.column <= 0:  # a row of a data file (data/promos.csv:4)
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.column}"
