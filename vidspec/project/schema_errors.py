"""JSON Schema errors as ``Problem`` lines: where (file:line:column), what is wrong, what to do.

Messages speak the user's language: field paths as written in YAML, what was expected, the
closest known name for a misspelt field. The schemas carry a few hints of their own (keys
``x-expect``, ``x-message``, ``x-hint``, ``x-secret``, ``x-example``) that validators ignore.

A message never shows the value of a field marked ``x-secret``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from jsonschema import ValidationError

from vidspec.core.errors import Problem
from vidspec.core.location import SourceLocation
from vidspec.core.suggest import nearest
from vidspec.project.loctree import LocTree, locate

Path = tuple[str | int, ...]
_WORD = re.compile(r"[A-Za-z0-9_.-]{1,64}")  # a value safe to repeat in a command line hint

_TYPE_NAMES = {
    "string": "text",
    "object": "a mapping",
    "array": "a list",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def dotted(path: Sequence[str | int]) -> str:
    """``actor.size``, ``lifecycle.ignore_changes[0]``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def show(value: Any) -> str:
    """A value as a message shows it: short, YAML-like."""
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return _kind_of(value)


def _kind_of(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, float) and not value.is_integer():
        return "a decimal number"
    if isinstance(value, (int, float)):
        return "a number"
    return "empty (null)"


class ErrorTranslator:
    """Turns the errors of one validation into problems.

    ``root`` and ``locs`` locate the validated instance; ``label`` names a path inside it as the
    user should read it; ``subject`` (e.g. `` in video 'welcome'``) ends "missing field"
    messages, ``required_hint`` is their advice.
    """

    def __init__(
        self,
        root: SourceLocation,
        locs: LocTree,
        label: Callable[[Path], str] = dotted,
        subject: str = "",
        required_hint: str = "add it",
    ) -> None:
        self.root = root
        self.locs = locs
        self.label = label
        self.subject = subject
        self.required_hint = required_hint

    def problems(self, errors: Iterable[ValidationError]) -> list[Problem]:
        found: list[Problem] = []
        for error in errors:
            found.extend(self.translate(error))
        return found

    def where(self, path: Path) -> SourceLocation:
        return locate(self.root, self.locs, path)

    def translate(self, error: ValidationError) -> list[Problem]:
        path: Path = tuple(error.absolute_path)
        schema = error.schema if isinstance(error.schema, dict) else {}
        keyword = str(error.validator)
        name = self.label(path)
        here = self.where(path)
        instance = error.instance

        if schema.get("x-secret"):
            field = str(path[-1]) if path else "secret"
            example = schema.get("x-example", "env/NAME")
            return [
                Problem(
                    here,
                    f"{name} must name an environment variable (env/NAME), "
                    "never hold the secret itself",
                    f"write {field}: {example} and export {example[4:]} in the environment",
                )
            ]
        if "x-message" in schema and keyword not in ("required", "additionalProperties"):
            return [Problem(here, f"{name} {schema['x-message']}", schema.get("x-hint", ""))]
        if keyword in ("additionalProperties", "unevaluatedProperties"):
            return self._unknown_fields(path, instance, schema)
        if keyword == "required":
            return self._missing(path, instance, schema)
        if "propertyNames" in error.absolute_schema_path:
            key_path = (*path, str(instance))
            return [
                Problem(
                    self.where(key_path),
                    f"{show(instance)} is not {schema.get('x-expect', 'a valid name')}",
                    schema.get("x-hint", ""),
                )
            ]
        message, hint = self._describe(keyword, name, instance, schema, error)
        return [Problem(here, message, schema.get("x-hint", hint))]

    def _describe(
        self,
        keyword: str,
        name: str,
        instance: Any,
        schema: dict[str, Any],
        error: ValidationError,
    ) -> tuple[str, str]:
        if keyword == "type":
            expected = schema.get("x-expect") or _expected_types(schema.get("type"))
            hint = f"write {expected}"
            if "string" in _types(schema.get("type")) and isinstance(instance, (int, float)):
                hint = f"put the value in quotes: '{show(instance)}'"
            return f"{name} must be {expected}, not {_kind_of(instance)}", hint
        if keyword in ("enum", "const"):
            allowed = schema["enum"] if keyword == "enum" else [schema["const"]]
            shown = ", ".join(show(v) for v in allowed)
            close = _closest(instance, [v for v in allowed if isinstance(v, str)])
            hint = f"did you mean {show(close)}?" if close else "use one of them"
            if schema.get("x-unknown-hint"):  # e.g. how a provider kind is installed
                value = str(instance) if _WORD.fullmatch(str(instance)) else "NAME"
                hint = f"{hint} {schema['x-unknown-hint'].replace('{value}', value)}"
            if len(allowed) == 1:
                return f"{name} must be {shown}, not {show(instance)}", ""
            if len(allowed) > 8:
                return (
                    f"{name} is {show(instance)}, not a known value",
                    hint if close else "vidspec schema manifest lists the known values",
                )
            return f"{name} is {show(instance)}, not one of {shown}", hint
        if keyword == "minLength":
            if instance == "":
                return f"{name} is empty", "write a value or remove the field"
            return (
                f"{name} is {len(instance)} characters long, under the minimum of "
                f"{schema['minLength']}",
                "lengthen it",
            )
        if keyword == "maxLength":
            return (
                f"{name} is {len(instance):,} characters long, over the limit of "
                f"{schema['maxLength']:,}",
                "shorten it",
            )
        if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            return f"{name} is {show(instance)}, out of range", f"use {_range(schema)}"
        if keyword == "pattern":
            expected = schema.get("x-expect", f"matching {schema['pattern']}")
            return f"{name} is {show(instance)}, not {expected}", ""
        if keyword == "uniqueItems":
            return f"{name} lists the same value twice", "remove the repeat"
        return f"{name}: {error.message}", ""

    def _unknown_fields(self, path: Path, instance: Any, schema: dict[str, Any]) -> list[Problem]:
        known = list(schema.get("properties", {}))
        patterns = list(schema.get("patternProperties", {}))
        found = []
        for key in instance if isinstance(instance, dict) else ():
            if key in known or any(re.search(p, key) for p in patterns):
                continue
            key_path = (*path, key)
            close = _closest(key, known)
            if close:
                hint = f"did you mean '{close}'?"
            elif known:
                hint = "known fields here: " + ", ".join(known)
            else:
                hint = "remove it"
            found.append(
                Problem(self.where(key_path), f"unknown field '{self.label(key_path)}'", hint)
            )
        return found

    def _missing(self, path: Path, instance: Any, schema: dict[str, Any]) -> list[Problem]:
        found = []
        for key in schema.get("required", ()):
            if isinstance(instance, dict) and key not in instance:
                hint = schema.get("properties", {}).get(key, {}).get("x-hint", self.required_hint)
                found.append(
                    Problem(
                        self.where(path),
                        f"missing field '{self.label((*path, key))}'{self.subject}",
                        hint,
                    )
                )
        return found


def _types(declared: Any) -> list[str]:
    if isinstance(declared, str):
        return [declared]
    return list(declared or ())


def _expected_types(declared: Any) -> str:
    return " or ".join(_TYPE_NAMES.get(t, t) for t in _types(declared)) or "something else"


def _range(schema: dict[str, Any]) -> str:
    low, high = schema.get("minimum"), schema.get("maximum")
    xlow, xhigh = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    kind = "a whole number" if schema.get("type") == "integer" else "a number"
    if low is not None and high is not None:
        return f"{kind} from {low} to {high}"
    parts = []
    if low is not None:
        parts.append(f"at least {low}")
    if xlow is not None:
        parts.append(f"greater than {xlow}")
    if high is not None:
        parts.append(f"at most {high}")
    if xhigh is not None:
        parts.append(f"less than {xhigh}")
    return f"{kind} " + " and ".join(parts)


def _closest(word: Any, candidates: list[str]) -> str | None:
    if not isinstance(word, str) or not candidates:
        return None
    found = nearest(word, candidates, count=1)
    return found[0] if found else None
