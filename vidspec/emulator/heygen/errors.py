"""HeyGen's error answers: ``{"error": {"code", "message", "param", "doc_url"}}`` with the
HTTP status of HeyGen's error table [doc ERR].

``HeygenError`` is raised anywhere in the emulated service and turned into that answer by the
service, once. ``param`` is set only for validation errors (``invalid_parameter``).
"""

from __future__ import annotations

import secrets

from vidspec.emulator.common.server import Reply

DOC_URL = "https://developers.heygen.com/docs/error-codes"

BAD_REQUEST = 400
UNAUTHORIZED = 401
PAYMENT_REQUIRED = 402
FORBIDDEN = 403
NOT_FOUND = 404
METHOD_NOT_ALLOWED = 405
CONFLICT = 409
TOO_MANY = 429


class HeygenError(Exception):
    """An error answer of the emulated API. Internal to the emulator."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        param: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.param = param
        self.retry_after = retry_after

    def reply(self) -> Reply:
        error: dict[str, str] = {"code": self.code, "message": self.message}
        if self.param is not None:
            error["param"] = self.param
        error["doc_url"] = DOC_URL
        headers = [("X-Request-Id", request_id())]
        if self.retry_after is not None:
            headers.append(("Retry-After", str(self.retry_after)))
        return Reply.json(self.status, {"error": error}, headers=tuple(headers))


def invalid(param: str, message: str) -> HeygenError:
    """A 400 ``invalid_parameter`` naming the field as it was sent (``voice_settings.speed``)."""
    return HeygenError(BAD_REQUEST, "invalid_parameter", message, param=param)


def request_id() -> str:
    """An ``X-Request-Id`` value, new for each answer."""
    return "req_" + secrets.token_hex(12)
