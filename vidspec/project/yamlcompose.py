"""Composing YAML parser events into plain values and a location tree, within safety bounds.

Only the plain YAML types are built (any other tag is refused); nesting is bounded
(``MAX_DEPTH``) and so is what aliases expand to (``MAX_VALUES``), so a hostile file is refused
quickly with a problem at its line instead of a crash or a hang. ``yamlload`` reads the file and
drives this.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from vidspec.core.errors import Problem
from vidspec.core.location import SourceLocation
from vidspec.project.loctree import LocTree

MAX_VALUES = 2_000_000
MAX_DEPTH = 64
_NESTING_CAP = "maximum nesting depth"  # libyaml's message when its own cap (1000) is met
TOO_DEEP = (
    f"nested more than {MAX_DEPTH} levels deep",
    "a manifest needs only a few levels; flatten the structure",
)

_YAML_TAG = "tag:yaml.org,2002:"
_STR, _NULL, _BOOL = _YAML_TAG + "str", _YAML_TAG + "null", _YAML_TAG + "bool"
_INT, _FLOAT, _TIMESTAMP = _YAML_TAG + "int", _YAML_TAG + "float", _YAML_TAG + "timestamp"
_SEQ, _MAP = _YAML_TAG + "seq", _YAML_TAG + "map"

if hasattr(yaml, "CSafeLoader"):
    _Loader: type[Any] = yaml.CSafeLoader
else:  # pragma: no cover - PyYAML built without libyaml: same events, slower
    _Loader = yaml.SafeLoader


class _Fatal(Exception):
    """Stop composing this file: what follows cannot be read sensibly."""


class _Frame:
    """A mapping or list being built."""

    __slots__ = ("anchor", "key", "key_loc", "locs", "merges", "size", "start", "value")

    def __init__(self, value: Any, locs: Any, anchor: str | None, start: SourceLocation) -> None:
        self.value = value
        self.locs = locs
        self.anchor = anchor
        self.start = start
        self.size = 1
        self.key: str | None = None  # mapping: the key waiting for its value
        self.key_loc: SourceLocation | None = None
        self.merges: list[tuple[Any, LocTree, SourceLocation]] | None = None


_MERGE_KEY = "\0merge"


# Scalars up to this length are shared (interned): names, voices and styles repeat across
# thousands of videos; longer text (a script) is unique and is kept as it is.
_SHARED_TEXT = 48


class Composer:
    """Turns libyaml events into values and a location tree, with the safety bounds."""

    def __init__(self, display: str, loader: type[Any] = _Loader) -> None:
        self.display = display
        self.loader = loader
        self.libyaml_stop: Any = None  # the mark where libyaml met its own nesting cap
        self.problems: list[Problem] = []
        self.empty = True
        self.placeholders = False  # a text value holds "${"
        self.anchors: dict[str, tuple[Any, LocTree, int]] = {}
        self.values = 0
        self._constructor = SafeConstructor()

    def where(self, mark: Any) -> SourceLocation:
        return SourceLocation(self.display, mark.line + 1, mark.column + 1)

    def problem(self, mark: Any, message: str, hint: str = "") -> None:
        where = self.where(mark) if mark is not None else SourceLocation(self.display, 1, 1)
        self.problems.append(Problem(where, message, hint))

    def compose(self, text: str) -> tuple[Any, LocTree]:
        loader = self.loader(text)
        try:
            return self._compose(loader)
        except yaml.MarkedYAMLError as exc:
            if _NESTING_CAP in str(exc.problem) and self.loader is not yaml.SafeLoader:
                self.libyaml_stop = exc.problem_mark  # met reading ahead: the caller reads again
                return None, None
            mark = exc.problem_mark or exc.context_mark
            if mark is not None and _char_at(text, mark) == "\t":
                self.problem(
                    mark,
                    "a tab character here: YAML indents with spaces only",
                    "replace the tab with spaces",
                )
                return None, None
            what = exc.problem or exc.context or "invalid YAML"
            if exc.problem and exc.context:
                what += f", {exc.context}"
                if exc.context_mark is not None:
                    what += f" started at line {exc.context_mark.line + 1}"
            self.problem(
                mark, f"YAML syntax error: {what}", "check the indentation and quoting here"
            )
        except yaml.reader.ReaderError as exc:
            data = text.encode("utf-8")  # libyaml reports a byte offset
            start = data.rfind(b"\n", 0, exc.position) + 1
            line = data.count(b"\n", 0, exc.position) + 1
            column = len(data[start : exc.position].decode("utf-8", "replace")) + 1
            code = exc.character if isinstance(exc.character, int) else ord(exc.character)
            escape = f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
            self.problems.append(
                Problem(
                    SourceLocation(self.display, line, column),
                    f"character U+{code:04X} cannot stand in a YAML file",
                    f"remove it, or write it as {escape} inside double quotes",
                )
            )
        except yaml.YAMLError as exc:
            self.problem(None, f"cannot read YAML: {exc}", "check the file's content")
        except _Fatal:
            pass
        finally:
            loader.dispose()
        return None, None

    def _compose(self, loader: Any) -> tuple[Any, LocTree]:
        stack: list[_Frame] = []
        result: tuple[Any, LocTree] = (None, None)
        documents = 0
        next_event = loader.get_event  # None after the stream's end (no check_event per event)
        scalar_event = yaml.ScalarEvent  # looked up once: ~50 events a video
        while (event := next_event()) is not None:
            kind = type(event)
            if kind is scalar_event:
                top = stack[-1] if stack else None
                if top is not None and top.key is None and type(top.value) is dict:
                    self._key(top, event)
                    continue
                value = self._scalar(event)
                if event.anchor is not None:
                    self.anchors[event.anchor] = (value, None, 1)
                self._count(1, event.start_mark)
                result = self._add(stack, value, None, event.start_mark, 1)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                stack.append(self._open(stack, event, kind is yaml.MappingStartEvent))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                frame = stack.pop()
                if frame.merges:
                    self._merge(frame)
                if frame.anchor is not None:
                    self.anchors[frame.anchor] = (frame.value, frame.locs, frame.size)
                result = self._add(stack, frame.value, frame.locs, None, frame.size, frame.start)
            elif kind is yaml.AliasEvent:
                result = self._alias(stack, event)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    self.problem(
                        event.start_mark,
                        "more than one YAML document in this file",
                        "remove the '---' line or split the documents into separate files",
                    )
                    raise _Fatal
        return result

    def _open(self, stack: list[_Frame], event: Any, is_map: bool) -> _Frame:
        """The frame of a mapping or list that starts here (within the nesting bound)."""
        if stack and stack[-1].key is None and isinstance(stack[-1].value, dict):
            self.problem(
                event.start_mark,
                "a mapping key must be plain text",
                "write the key as a simple word",
            )
            raise _Fatal
        self._check_tag(event, _MAP if is_map else _SEQ)
        if len(stack) >= MAX_DEPTH:
            self.problem(event.start_mark, *TOO_DEEP)
            raise _Fatal
        self._count(1, event.start_mark)
        start = self.where(event.start_mark)
        if is_map:
            return _Frame({}, {}, event.anchor, start)
        return _Frame([], [], event.anchor, start)

    def _alias(self, stack: list[_Frame], event: Any) -> tuple[Any, LocTree]:
        if stack and stack[-1].key is None and isinstance(stack[-1].value, dict):
            self.problem(event.start_mark, "an alias cannot be a mapping key", "")
            raise _Fatal
        anchored = self.anchors.get(event.anchor)
        if anchored is None:
            self.problem(
                event.start_mark,
                f"alias *{event.anchor} refers to no anchor (or to itself)",
                f"define &{event.anchor} before using it",
            )
            raise _Fatal
        value, locs, size = anchored
        self._count(size, event.start_mark)
        return self._add(stack, value, locs, event.start_mark, size)

    def _count(self, size: int, mark: Any) -> None:
        self.values += size
        if self.values > MAX_VALUES:
            self.problem(
                mark,
                f"the file expands to more than {MAX_VALUES:,} values (aliases repeating aliases?)",
                "write the values out or use fewer nested aliases",
            )
            raise _Fatal

    def _key(self, frame: _Frame, event: Any) -> None:
        if event.tag not in (None, "!", _STR):
            self._check_tag(event, _STR)
        key = sys.intern(event.value)  # every video repeats the same keys: share one string
        if key == "<<" and event.tag is None and event.implicit[0]:
            key = _MERGE_KEY
        elif key in frame.value:
            first = frame.locs[key][0]
            self.problem(
                event.start_mark,
                f"key '{key}' appears twice in this mapping (first at line {first.line})",
                "keep one of them",
            )
        frame.key = key
        frame.key_loc = self.where(event.start_mark)

    def _add(
        self,
        stack: list[_Frame],
        value: Any,
        locs: LocTree,
        mark: Any,
        size: int,
        own_loc: SourceLocation | None = None,
    ) -> tuple[Any, LocTree]:
        self.empty = False
        if not stack:
            return value, locs
        parent = stack[-1]
        parent.size += size
        if isinstance(parent.value, dict):
            key = parent.key
            assert key is not None and parent.key_loc is not None
            if key == _MERGE_KEY:
                if parent.merges is None:
                    parent.merges = []
                parent.merges.append((value, locs, parent.key_loc))
            else:
                parent.value[key] = value
                parent.locs[key] = (parent.key_loc, locs)
            parent.key = None
        else:
            parent.value.append(value)
            parent.locs.append((own_loc or self.where(mark), locs))
        return value, locs

    def _merge(self, frame: _Frame) -> None:
        """``<<: *base`` (or a list of them): the mapping's own keys win, earlier sources next."""
        value: dict[str, Any] = {}
        locs: dict[str, tuple[SourceLocation, LocTree]] = {}
        sources: list[tuple[Any, LocTree, SourceLocation]] = []
        for source, source_locs, where in frame.merges or ():
            if isinstance(source, list) and isinstance(source_locs, list):
                sources.extend(
                    (s, sl, loc) for s, (loc, sl) in zip(source, source_locs, strict=True)
                )
            else:
                sources.append((source, source_locs, where))
        for source, source_locs, where in sources:
            if not isinstance(source, dict) or not isinstance(source_locs, dict):
                self.problems.append(
                    Problem(where, "'<<' merges only mappings", "point '<<' at a mapping alias")
                )
                continue
            for key, item in source.items():
                if key not in value:
                    value[key] = item
                    locs[key] = source_locs[key]
        value.update(frame.value)
        locs.update(frame.locs)
        frame.value.clear()
        frame.value.update(value)
        frame.locs.clear()
        frame.locs.update(locs)

    def _check_tag(self, event: Any, expected: str) -> None:
        tag = event.tag
        if tag is None or tag == "!" or tag == expected:
            return
        shown = tag.replace(_YAML_TAG, "!!")
        self.problem(
            event.start_mark,
            f"YAML tag {shown} is not allowed",
            "vidspec reads plain YAML only: remove the tag",
        )
        raise _Fatal

    def _scalar(self, event: Any) -> Any:
        tag = event.tag
        value: str = event.value
        if len(value) <= _SHARED_TEXT:  # voices, actors, styles repeat: keep one copy of each
            value = sys.intern(value)
        if "${" in value:
            self.placeholders = True
        if tag is None or tag == "!":
            if not event.implicit[0]:
                return value
            tag = _resolve(value)
        if tag in (_STR, _TIMESTAMP):  # a date stays the text that was written
            return value
        if tag == _NULL:
            return None
        if tag == _BOOL:
            flag = self._constructor.bool_values.get(value.lower())
            if flag is None:
                self.problem(event.start_mark, f"'{value}' is not true or false")
                return value
            return flag
        if tag in (_INT, _FLOAT):
            node = yaml.ScalarNode(tag, value)
            try:
                if tag == _INT:
                    return self._constructor.construct_yaml_int(node)
                number = self._constructor.construct_yaml_float(node)
            except ValueError:
                what = tag[len(_YAML_TAG) :]
                self.problem(event.start_mark, f"{_quoted(value)} is not a valid {what}")
                return value
            if not math.isfinite(number):  # no JSON body can carry it; no limit compares it
                self.problem(
                    event.start_mark,
                    f"{_quoted(value)} is not a finite number (NaN and infinity cannot be sent)",
                    "write a number such as 0.5, or put text in quotes",
                )
            return number
        self._check_tag(event, _STR)
        return value  # pragma: no cover - _check_tag raised


def _quoted(text: str) -> str:
    """A scalar as a message quotes it; a huge one (5,000 digits) cut short."""
    if len(text) <= 40:
        return f"'{text}'"
    return f"'{text[:20]}...' ({len(text):,} characters)"


def _char_at(text: str, mark: Any) -> str:
    """The character a parser's mark points at ('' past the end)."""
    lines = text.split("\n")
    line = lines[mark.line] if mark.line < len(lines) else ""
    return line[mark.column : mark.column + 1]


def _resolve(plain: str) -> str:
    """The tag YAML 1.1 gives a plain scalar, as PyYAML's SafeLoader resolves it."""
    resolvers = _IMPLICIT.get(plain[0] if plain else "", [])
    for tag, regexp in resolvers:
        if regexp.match(plain):
            return str(tag)
    return _STR


_IMPLICIT: Mapping[str, list[tuple[str, Any]]] = yaml.SafeLoader.yaml_implicit_resolvers
