"""Reading a Vidnoz form: ``multipart/form-data`` (or, for the small ``task/detail`` call, an
urlencoded body) into a nested dict.

Keys are bracketed as in the vendor's curl example (``voice[tts][text]``). A part sent with
``Content-Type: application/json`` (curl's ``;type=application/json``) is JSON-decoded, so
``"normal"`` is the string ``normal`` and ``3`` the number 3; a plain part stays text (the
checks in ``rules`` read it as the field needs). A JSON part may also carry a whole
object (``avatar={"id": …}``); it merges with bracketed parts. A name given twice, a file
upload and an unreadable body are 400s.
"""

from __future__ import annotations

import json
import re
from email import policy
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qsl

from vidspec.emulator.vidnoz.rules import BAD_REQUEST, VidnozError, bracketed

_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[[A-Za-z0-9_]+\])*)")


def read_form(content_type: str | None, body: bytes) -> dict[str, Any]:
    """The fields of a multipart (or urlencoded) body as a nested dict; ``VidnozError`` if the
    body cannot be read."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        pairs = _multipart(content_type or "", body)
    elif kind == "application/x-www-form-urlencoded" or (not kind and not body):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise VidnozError(BAD_REQUEST, "the form is not UTF-8 text") from exc
        pairs = [(k, v) for k, v in parse_qsl(text, keep_blank_values=True)]
    else:
        raise VidnozError(
            BAD_REQUEST,
            f"Content-Type must be multipart/form-data, not {kind or 'missing'}",
        )
    form: dict[str, Any] = {}
    for key, value in pairs:
        _put(form, key, value)
    return form


def _multipart(content_type: str, body: bytes) -> list[tuple[str, Any]]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    if not message.is_multipart() or message.defects:
        raise VidnozError(BAD_REQUEST, "the multipart/form-data body cannot be read")
    pairs: list[tuple[str, Any]] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or not name:
            raise VidnozError(BAD_REQUEST, "a form part has no name")
        if part.get_filename() is not None:
            raise VidnozError(
                BAD_REQUEST, f"{name}: file uploads are not accepted here; give a url or asset_id"
            )
        raw = part.get_payload(decode=True)
        try:
            text = (raw if isinstance(raw, bytes) else b"").decode(
                part.get_content_charset() or "utf-8"
            )
        except (UnicodeDecodeError, LookupError) as exc:
            raise VidnozError(BAD_REQUEST, f"{name}: the value is not UTF-8 text") from exc
        if part.get_content_type() == "application/json":
            try:
                pairs.append((name, json.loads(text)))
            except json.JSONDecodeError as exc:
                raise VidnozError(
                    BAD_REQUEST, f"{name}: invalid JSON value ({exc.msg} at column {exc.colno})"
                ) from exc
        else:
            pairs.append((name, text))
    return pairs


def _put(form: dict[str, Any], key: str, value: Any) -> None:
    match = _KEY.fullmatch(key)
    if match is None:
        raise VidnozError(BAD_REQUEST, f"bad field name {key!r}: write it like voice[tts][text]")
    path = [match.group(1), *re.findall(r"\[([^\]]+)\]", match.group(2))]
    node = form
    for depth, part in enumerate(path[:-1]):
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise VidnozError(BAD_REQUEST, f"{bracketed(path[: depth + 1])} must be an object")
        node = child
    leaf = path[-1]
    if leaf in node:
        if isinstance(node[leaf], dict) and isinstance(value, dict):
            for inner, inner_value in value.items():
                _put(node[leaf], str(inner), inner_value)
            return
        raise VidnozError(BAD_REQUEST, f"field {bracketed(path)} is given twice")
    node[leaf] = value
