"""Where a value came from: a file, a line and a column, for messages that point at the line."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, order=True, slots=True)
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


class FieldLocations(Mapping[str, SourceLocation]):
    """Where each field of one video was written (dotted path -> location), kept compactly.

    100,000 videos hold about a million field locations; as a dict of ``SourceLocation``s with
    a fresh dotted string each they took ~2.6 KB a video (half of ``validate``'s memory). Here
    a video keeps one array of line/column numbers; the paths and the files are tuples shared
    by every video of the same shape (``LocationPool``), and a ``SourceLocation`` is built
    only when an error asks for one.
    """

    __slots__ = ("_files", "_index", "_keys", "_points")

    def __init__(
        self,
        keys: tuple[str, ...],
        index: Mapping[str, int],
        files: tuple[str, ...],
        points: array[int],
    ) -> None:
        self._keys = keys
        self._index = index
        self._files = files
        self._points = points

    def __getitem__(self, path: str) -> SourceLocation:
        i = self._index[path]
        return SourceLocation(self._files[i], self._points[2 * i], self._points[2 * i + 1])

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


class LocationPool:
    """Builds ``FieldLocations`` sharing the key and file tuples of equal shapes (one pool per
    load; the shapes are few: the fields a video writes and where its defaults come from)."""

    def __init__(self) -> None:
        self._shapes: dict[Hashable, tuple[tuple[str, ...], dict[str, int]]] = {}
        self._files: dict[tuple[str, ...], tuple[str, ...]] = {}

    def build(
        self,
        shape: Hashable,
        paths: Callable[[], Sequence[str]],
        locations: Sequence[SourceLocation],
    ) -> FieldLocations:
        """The ``FieldLocations`` of ``zip(paths(), locations)``. ``shape`` stands for the
        paths (equal shapes, equal paths): ``paths`` is only called for a shape not seen
        before, so thousands of videos of one shape build their dotted paths once."""
        shared = self._shapes.get(shape)
        if shared is None:
            keys = tuple(paths())
            shared = self._shapes[shape] = (keys, {k: i for i, k in enumerate(keys)})
        numbers: list[int] = []
        for where in locations:
            numbers += (where.line, where.column)
        try:
            points = array("I", numbers)
        except OverflowError:  # a negative number (no file makes one): kept as 0
            points = array("I", (max(0, n) for n in numbers))
        file_tuple = tuple([where.path for where in locations])
        file_tuple = self._files.setdefault(file_tuple, file_tuple)
        return FieldLocations(shared[0], shared[1], file_tuple, points)
