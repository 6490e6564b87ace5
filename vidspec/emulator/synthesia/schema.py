"""A strict reader of JSON bodies, in the manner of the marshmallow schemas behind the API.

``Fields`` reads one object of a body: each reader names the field by its dotted path
(``input.0.avatarSettings.style``), and every problem is collected, not only the first, in
marshmallow's words (``Missing data for required field.``, ``Unknown field.``, ``Not a valid
string.``). ``SynthesiaError`` is an error answer, ``{"error": …, "context": …}`` [doc SW
``Error``]; a 400 lists every problem in ``context``, ``; ``-separated [vidspec: the docs give
no message, marshmallow reports all].
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_HEX = re.compile(r"#[0-9a-fA-F]{6}")

REASONS = {
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    429: "Too Many Requests",
}


class SynthesiaError(Exception):
    """An error answer of the emulated API (internal to the emulator)."""

    def __init__(self, status: int, context: str | None = None, error: str | None = None) -> None:
        super().__init__(context or error or str(status))
        self.status = status
        self.error = error or REASONS.get(status, "Error")
        self.context = context

    def document(self) -> dict[str, str]:
        out = {"error": self.error}
        if self.context:
            out["context"] = self.context
        return out


def is_uuid(value: object) -> bool:
    return isinstance(value, str) and _UUID.fullmatch(value) is not None


def is_url(value: object) -> bool:
    return isinstance(value, str) and re.match(r"https?://[^\s/]+", value) is not None


def read_json(body: bytes) -> dict[str, Any]:
    """The body as a JSON object, or a 400 saying why not."""
    try:
        value = json.loads(body.decode("utf-8")) if body else None
    except (UnicodeDecodeError, ValueError) as exc:
        raise SynthesiaError(400, f"The body is not valid JSON: {exc}.") from exc
    if not isinstance(value, dict):
        raise SynthesiaError(400, "_schema: Invalid input type: the body must be a JSON object.")
    return value


class Problems:
    """Every problem of one body, in the order found."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.found.append(f"{path}: {message}")

    def raise_any(self) -> None:
        if self.found:
            raise SynthesiaError(400, "; ".join(self.found))


class Fields:
    """The fields of one JSON object at ``path``, read one by one; problems go to ``problems``.

    Each reader returns the value when it is valid, else ``None`` (and records why)."""

    def __init__(self, value: Mapping[str, Any], path: str, problems: Problems) -> None:
        self.value = value
        self.path = path
        self.problems = problems

    def at(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def only(self, allowed: Sequence[str]) -> None:
        for name in self.value:
            if name not in allowed:
                self.problems.add(self.at(name), "Unknown field.")

    def _get(self, name: str, required: bool, nullable: bool = False) -> Any:
        if name not in self.value:
            if required:
                self.problems.add(self.at(name), "Missing data for required field.")
            return None
        value = self.value[name]
        if value is None and not nullable:
            self.problems.add(self.at(name), "Field may not be null.")
        return value

    def string(
        self,
        name: str,
        *,
        required: bool = False,
        choices: Sequence[str] = (),
        kind: str = "",
    ) -> str | None:
        """A string; ``choices`` limits it, ``kind`` (``uuid``, ``url``, ``hex``, ``word``: not
        blank) shapes it."""
        value = self._get(name, required)
        if value is None:
            return None
        return (
            None
            if self._keep(name, value, _string_problem(value, choices, kind)) is None
            else str(value)
        )

    def boolean(self, name: str) -> bool | None:
        value = self._get(name, False)
        if value is None:
            return None
        problem = None if isinstance(value, bool) else "Not a valid boolean."
        return None if self._keep(name, value, problem) is None else bool(value)

    def number(self, name: str, *, low: float = 0.0, high: float | None = None) -> float | None:
        value = self._get(name, False)
        if value is None:
            return None
        problem = None
        if isinstance(value, bool) or not isinstance(value, int | float):
            problem = "Not a valid number."
        elif value < low or (high is not None and value > high):
            top = "" if high is None else f" and less than or equal to {high:g}"
            problem = f"Must be greater than or equal to {low:g}{top}."
        return None if self._keep(name, value, problem) is None else float(value)

    def mapping(self, name: str, *, required: bool = False, nullable: bool = False) -> Any:
        """A JSON object as it is (``Fields(...)`` reads its fields), or ``None``."""
        value = self._get(name, required, nullable)
        if value is None:
            return None
        return self._keep(
            name, value, None if isinstance(value, dict) else "Not a valid mapping type."
        )

    def fields(self, name: str, *, required: bool = False, nullable: bool = False) -> Fields | None:
        value = self.mapping(name, required=required, nullable=nullable)
        return None if value is None else Fields(value, self.at(name), self.problems)

    def array(self, name: str, *, required: bool = False, low: int = 0, high: int) -> list[Any]:
        value = self._get(name, required)
        if value is None:
            return []
        problem = None
        if not isinstance(value, list):
            problem = "Not a valid list."
        elif not low <= len(value) <= high:
            problem = f"Length must be between {low} and {high}."
        return [] if self._keep(name, value, problem) is None else list(value)

    def _keep(self, name: str, value: Any, problem: str | None) -> Any:
        """``value``, or ``None`` with ``problem`` recorded."""
        if problem is None:
            return value
        self.problems.add(self.at(name), problem)
        return None


def _string_problem(value: object, choices: Sequence[str], kind: str) -> str | None:
    if not isinstance(value, str):
        return "Not a valid string."
    if choices and value not in choices:
        return f"Must be one of: {', '.join(choices)}."
    if kind == "uuid" and not is_uuid(value):
        return "Not a valid UUID."
    if kind == "url" and not is_url(value):
        return "Not a valid URL."
    if kind == "hex" and _HEX.fullmatch(value) is None:
        return "Not a valid hex colour (#RRGGBB)."
    if kind == "word" and not value.strip():
        return "Shorter than minimum length 1."
    return None
