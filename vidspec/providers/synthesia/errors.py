"""Synthesia's refusals as vidspec errors, and the ids vidspec puts in a path.

A 403 is the key [doc SW: "Forbidden - Wrong API key"; there is no 401]; a 4xx on create that
names credits or quota is spent credits, fatal for the run [vidspec: running out gives an
undocumented error]. The key never appears: the HTTP seam blanks it from what the service
says, and these messages name only the variable that holds it.
"""

from __future__ import annotations

from vidspec.core.errors import AuthError, NotFound, ProviderError, QuotaExhausted
from vidspec.providers.synthesia.api import API
from vidspec.providers.synthesia.wire import is_uuid

KEY_HINT = (
    "Check the variable named by provider.api_key in vidspec.yaml: a Synthesia API key "
    "(Creator plan or above; a Legacy (v2)-scoped key), sent as it is, without 'Bearer'."
)
LINK_HINT = "Synthesia's download links are time-limited; run apply again for a fresh one."


def refusal(exc: ProviderError, *, creates: bool) -> ProviderError:
    """The error to raise for a refused call: the key's, spent credits', or ``exc`` itself."""
    if isinstance(exc, AuthError):
        return rewrapped(AuthError, "Synthesia refused the API key", exc, KEY_HINT)
    text = (exc.server_message or "").lower()
    refused = exc.status is not None and 400 <= exc.status < 500 and exc.status != 429
    if creates and refused and any(marker in text for marker in API.quota_markers):
        return rewrapped(
            QuotaExhausted,
            "Synthesia refused the video: the account's credits look spent",
            exc,
            "Add credits (a second of video uses 2) or wait for the plan's renewal.",
        )
    return exc


def check_video_id(video_id: str, method: str) -> None:
    """An id from the state goes into a path only when it is a UUID."""
    if not is_uuid(video_id):
        raise NotFound(
            f"{video_id[:80]!r} is not a Synthesia video id (a UUID)",
            method=method,
            path=API.video_path,
            hint="The state holds an id Synthesia never gave; run vidspec plan.",
        )


def rewrapped(
    cls: type[ProviderError], message: str, exc: ProviderError, hint: str
) -> ProviderError:
    return cls(
        message,
        method=exc.method,
        path=exc.path,
        host=exc.host,
        status=exc.status,
        server_message=exc.server_message,
        hint=hint,
    )
