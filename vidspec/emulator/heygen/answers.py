"""The success answers of the emulated HeyGen API: the ``{"data": ...}`` envelope, a list page
(``has_more``, ``next_token`` beside ``data`` [doc CLI]), each with an ``X-Request-Id``; and
reading a request's JSON body."""

from __future__ import annotations

import json
from typing import Any

from vidspec.emulator.common.server import Reply, Request
from vidspec.emulator.heygen.errors import invalid, request_id


def ok(data: Any) -> Reply:
    return Reply.json(200, {"data": data}, headers=(("X-Request-Id", request_id()),))


def listed(items: list[Any], following: str | None) -> Reply:
    """One page of a list; ``following`` is the next page's token (``None``: the last)."""
    document = {"data": items, "has_more": following is not None, "next_token": following}
    return Reply.json(200, document, headers=(("X-Request-Id", request_id()),))


def losable(reply: Reply) -> Reply:
    """A create that did its work: its answer may be lost (``lose_response_rate``)."""
    return Reply(reply.status, reply.body, reply.content_type, reply.headers, losable=True)


def json_body(request: Request) -> Any:
    try:
        return json.loads(request.body or b"null")
    except (UnicodeDecodeError, ValueError) as exc:
        raise invalid("body", "the request body is not JSON") from exc
