"""Translating a failed request (an exception or an error answer) into a vidspec error."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import ConnectTimeoutError, InvalidHeader, ReadTimeoutError
from urllib3.util.retry import Retry

from vidspec.core.errors import (
    AuthError,
    InvalidRequest,
    NotFound,
    OutcomeUnknown,
    ProviderError,
    RateLimited,
    ServerError,
    TransportError,
)

_MIN_SECRET = 4  # blanking a shorter "secret" would mangle ordinary words of a message
_NO_CAP = 10**9  # urllib3 cuts a Retry-After to 6 h by default: read what was asked


def path_of(url: str) -> str:
    """The path of a URL, without scheme, host or query: the only part errors and logs show."""
    return urlsplit(url).path or "/"


def host_of(url: str) -> str:
    """``host[:port]`` of a URL, without any ``user:password@``: what errors name, so a user
    knows which server misbehaved (issue 10), and nothing secret."""
    netloc = urlsplit(url).netloc.rpartition("@")[2]
    return netloc or "the service"


def server_message(response: requests.Response) -> str | None:
    """The ``message`` of a JSON error answer, or ``None`` (gateways send HTML or nothing).

    An ``error`` object (``{"error": {"code", "message", "param"}}``, HeyGen's shape) reads as
    ``code: message (param: name)``, so a caller can tell its codes apart; an ``error`` string
    with a ``context`` (Synthesia's ``{"error": "Bad Request", "context": "input.0.avatar:
    Unknown field."}``) is both: the context says what was wrong."""
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, Mapping):
        nested = body.get("error")
        if isinstance(nested, Mapping):
            return _error_object(nested)
        message = body.get("message") or body.get("msg") or nested
        if isinstance(message, str) and message.strip():
            context = body.get("context")
            if isinstance(context, str) and context.strip():
                return f"{message.strip()}: {context.strip()}"
            return message.strip()
    return None


def _error_object(error: Mapping[str, Any]) -> str | None:
    parts = [error.get(k) for k in ("code", "message")]
    text = ": ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    param = error.get("param")
    if text and isinstance(param, str) and param.strip():
        text += f" (param: {param.strip()})"
    return text or None


def retry_after(
    response: requests.Response, headers: Sequence[str] = ("Retry-After",)
) -> float | None:
    """The seconds the first readable of ``headers`` asks for (a number or an HTTP date), or
    ``None`` when the server sent none of them (or nothing readable)."""
    for name in headers:
        value = response.headers.get(name, "").strip()
        if not value:
            continue
        try:
            return max(0.0, Retry(retry_after_max=_NO_CAP).parse_retry_after(value))
        except InvalidHeader:
            continue
    return None


def _nothing_sent(exc: requests.RequestException) -> bool:
    """True when the request provably never reached the server (connect failed, bad URL)."""
    if isinstance(exc, requests.ConnectTimeout | requests.exceptions.InvalidURL):
        return True
    if isinstance(exc, requests.exceptions.MissingSchema | requests.exceptions.InvalidSchema):
        return True
    if isinstance(exc, requests.ConnectionError):
        reason: object = exc.args[0] if exc.args else None
        reason = getattr(reason, "reason", reason)  # MaxRetryError wraps the cause
        return isinstance(reason, ConnectTimeoutError)  # NewConnectionError is one
    return False


def _unanswered(
    exc: requests.RequestException, *, method: str, path: str, host: str, creates: bool
) -> ProviderError:
    """A request that got no answer: lost (the work may be done) when it creates a video and
    may have been sent, else the service could not be reached."""
    detail = _describe(exc)
    if creates and not _nothing_sent(exc):
        return OutcomeUnknown(
            f"the answer to a request that creates a video was lost ({detail})",
            method=method,
            path=path,
            host=host,
        )
    return TransportError(
        f"could not reach the service ({detail})", method=method, path=path, host=host
    )


def to_provider_error(
    method: str,
    url: str,
    *,
    response: requests.Response | None = None,
    exc: requests.RequestException | None = None,
    creates: bool | None = None,
    secrets: Collection[str] = (),
    wait_headers: Sequence[str] = ("Retry-After",),
) -> ProviderError:
    """Translate a failed request (an exception or an error answer) into a vidspec error.

    ``creates``: whether the request makes something that costs (default: it is a POST). When
    such a request was sent and its answer was lost or is a 5xx, the result is
    ``OutcomeUnknown``: the work may be done. 4xx answers (429 included) prove nothing was done.
    ``secrets`` are blanked out of the server's message, in case a service echoes one.
    ``wait_headers``: where a 429 says how long to wait (``HttpPolicy.wait_headers``).
    Raise the result ``from exc``.
    """
    method = method.upper()
    path = path_of(url)
    host = host_of(url)
    creates = method == "POST" if creates is None else creates
    if response is None:
        assert exc is not None, "to_provider_error needs a response or an exception"
        return _unanswered(exc, method=method, path=path, host=host, creates=creates)

    status = response.status_code
    message = server_message(response)
    for secret in secrets:
        if message and len(secret) >= _MIN_SECRET:
            message = message.replace(secret, "***")
    kw: dict[str, Any] = {
        "method": method,
        "path": path,
        "host": host,
        "status": status,
        "server_message": message,
    }
    if status >= 500:
        if creates:
            return OutcomeUnknown("the service failed after a request that creates a video", **kw)
        return ServerError("the service failed", **kw)
    if status == 429 or (status == 403 and "rate limit" in (message or "").lower()):
        # GitHub answers its secondary rate limit with 403 + Retry-After: a wait, not a refusal.
        return RateLimited(
            "too many requests", retry_after=retry_after(response, wait_headers), **kw
        )
    if status in (401, 403):
        return AuthError("the service refused the credentials", **kw)
    if status == 404:
        return NotFound("not found", **kw)
    if status in (400, 422):
        return InvalidRequest("the service refused the request", **kw)
    return ProviderError("the service refused the request", **kw)


def _describe(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.ConnectTimeout):
        return "connect timeout"
    reason = getattr(exc.args[0] if exc.args else None, "reason", None)  # after retries
    if isinstance(exc, requests.ReadTimeout) or isinstance(reason, ReadTimeoutError):
        return "no answer in time"
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS error"
    if isinstance(exc, requests.ConnectionError):
        return "connection refused" if _nothing_sent(exc) else "connection lost"
    return type(exc).__name__
