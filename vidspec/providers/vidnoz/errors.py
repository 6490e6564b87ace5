"""Vidnoz's envelope codes (``{code, message, data}``) as vidspec errors, the API key blanked."""

from __future__ import annotations

from typing import Any

from vidspec.core.errors import (
    AuthError,
    InvalidRequest,
    NotFound,
    OutcomeUnknown,
    ProviderError,
    QuotaExhausted,
    ServerError,
)
from vidspec.http.client import path_of
from vidspec.providers.vidnoz.api import API
from vidspec.providers.vidnoz.wire import Envelope

KEY_HINT = "Check the variable named by provider.api_key in vidspec.yaml (the Vidnoz API key)."


def blank_key(message: str, key: str) -> str:
    """``message`` with the API key blanked out, in case the service echoes it."""
    return message.replace(key, "***") if len(key) >= 4 else message


def envelope_error(
    method: str, url: str, envelope: Envelope, creates: bool, *, key: str
) -> ProviderError:
    """The error for an envelope whose code is not a success (nor "too frequent")."""
    message = blank_key(envelope.message, key)
    code = envelope.code
    kw: dict[str, Any] = {
        "method": method,
        "path": path_of(url),
        "server_message": message or None,
    }
    text = message.lower()
    if code == API.auth_code:
        return AuthError(f"Vidnoz refused the API key (code {code})", hint=KEY_HINT, **kw)
    if code == API.bad_request_code:
        if any(marker in text for marker in API.credit_refusals):
            return QuotaExhausted(
                f"Vidnoz refused the video: the account's credits are spent (code {code})",
                hint="Buy credits (a video costs 4 a minute) or wait for the plan's renewal.",
                **kw,
            )
        if any(marker in text for marker in API.not_found_markers):
            return NotFound(f"Vidnoz knows no such task (code {code})", **kw)
        return InvalidRequest(f"Vidnoz refused the request (code {code})", **kw)
    if code == API.server_error_code:
        if creates:
            return OutcomeUnknown(
                f"Vidnoz failed after a request that creates a video (code {code})", **kw
            )
        return ServerError(f"Vidnoz failed (code {code})", **kw)
    return ProviderError(f"Vidnoz refused the request (code {code})", **kw)
