"""What both forge clients share: one ``HttpClient`` from the project's HTTP seam, the token
kept as a secret, bounded JSON answers, and errors that name the host and say what to do.

The token travels only in a header. ``HttpClient`` blanks it from any server message; the
answers' text reaches a terminal only through ``clean`` (no control characters, bounded).

The bounds are the providers' (``FORGE_POLICY`` bounded by the project's ``safety.max_wait`` and
``safety.request_deadline``, ``app.providers.project_policy``), and so are the messages that
name them: a trickled answer ends at the request deadline, a ``Retry-After`` longer than
``max_wait`` ends the call.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests

from vidspec.core.clock import Clock
from vidspec.core.errors import (
    AuthError,
    ForgeError,
    InvalidRequest,
    NotFound,
    OutcomeUnknown,
    ProviderError,
    RateLimited,
    TransportError,
    UsageError,
    WaitTooLong,
)
from vidspec.core.escape import escape_text
from vidspec.http.client import HttpClient, HttpPolicy, new_session
from vidspec.http.ledger import RequestLedger

MAX_ANSWER_BYTES = 16 * 1024 * 1024  # one page of 100 comments of 65,536 characters, and more
FORGE_POLICY = HttpPolicy(max_body=MAX_ANSWER_BYTES)
"""The seam's policy for forge calls: a comments page needs far less than the default body
bound. The project's bounds are applied on top (``HttpPolicy.bounded``)."""
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def clean(text: str, limit: int = 300) -> str:
    """A server's text made safe for a terminal (``escape_text``: control and bidi characters
    made visible), and bounded."""
    text = escape_text(text.strip())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_api_url(url: str, flag: str) -> str:
    """An API base URL the token may be sent to: https, or http on loopback only (tests and
    local emulators). Returns it without a trailing slash."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{flag} {url!r} is not an http(s) URL", "Pass the API's base URL.")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        raise UsageError(
            f"{flag} {url}: the token would travel unencrypted over http",
            "Use the https:// URL of the API.",
        )
    return url.rstrip("/")


class ForgeHttp:
    """Requests to one forge API as one token, with the forge's words in every error."""

    def __init__(
        self,
        *,
        api_url: str,
        headers: Mapping[str, str],
        token: str,
        forge: str,
        permission_hint: str,
        clock: Clock,
        policy: HttpPolicy | None = None,
    ) -> None:
        self.api_url = api_url
        parts = urlsplit(api_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.host = parts.netloc
        self.forge = forge
        self.permission_hint = permission_hint
        self.ledger = RequestLedger()
        self._headers = dict(headers)
        policy = policy or FORGE_POLICY
        self.max_wait = policy.max_wait
        self._client = HttpClient(
            new_session(self.ledger, policy=policy, clock=clock), secrets=[token], policy=policy
        )

    def send(
        self,
        method: str,
        path_or_url: str,
        *,
        what: str,
        params: Mapping[str, str | int] | None = None,
        body: Any = None,
        forbidden_ok: bool = False,
    ) -> tuple[Any, requests.structures.CaseInsensitiveDict[str]]:
        """Send one call; return its decoded JSON (``None`` for an empty answer) and headers.

        ``what`` names the call for errors (``listing the comments of pull request #7``).
        ``RateLimited`` and ``OutcomeUnknown`` pass through for the caller to handle;
        everything else becomes a ``ForgeError``, but a 403 when ``forbidden_ok`` (a call the
        token may not make): ``None`` and no headers."""
        url = path_or_url if "://" in path_or_url else self.api_url + path_or_url
        if not url.startswith(self.origin + "/"):
            raise ForgeError(
                f"{self.host} pointed to another host ({clean(urlsplit(url).netloc)}) while "
                f"{what}; vidspec does not send the token there.",
                "Check --api-url.",
            )
        try:
            response = self._client.request(
                method, url, params=params, json=body, headers=self._headers
            )
        except (RateLimited, OutcomeUnknown):
            raise
        except AuthError as exc:
            if forbidden_ok and exc.status == 403:
                return None, requests.structures.CaseInsensitiveDict()
            raise self.error(exc, what) from exc
        except ProviderError as exc:
            raise self.error(exc, what) from exc
        try:
            return self._decode(response, method, url, what), response.headers
        finally:
            response.close()

    def _decode(self, response: requests.Response, method: str, url: str, what: str) -> Any:
        data = response.content  # read by the seam, within its deadline and body bound
        if not data.strip():
            return None
        try:
            return json.loads(data)
        except ValueError as exc:
            raise ForgeError(
                f"{self.host} answered something that is not JSON while {what} "
                f"({method} {urlsplit(url).path} -> HTTP {response.status_code}).",
                "Check --api-url: it should be the forge's REST API base URL.",
            ) from exc

    def error(self, exc: ProviderError, what: str) -> ForgeError:
        """The user's view of a failed call: the host, the call, the status, what to do."""
        status = f"HTTP {exc.status}" if exc.status is not None else "no answer"
        said = f": {clean(exc.server_message)}" if exc.server_message else ""
        where = (
            f"{self.forge} ({self.host}) while {what} ({exc.method} {exc.path} -> {status}{said})"
        )
        if isinstance(exc, AuthError):
            if exc.status == 401:
                return ForgeError(
                    f"{where}: the token was refused.",
                    f"Check that the token is valid and not expired. {self.permission_hint}",
                )
            return ForgeError(f"{where}: the token may not do this.", self.permission_hint)
        if isinstance(exc, NotFound):
            return ForgeError(
                f"{where}: not found.",
                "Check --repo and --pr (or the CI variables they come from); a forge also "
                "answers 404 for a repository the token cannot see.",
            )
        if isinstance(exc, InvalidRequest):
            return ForgeError(
                f"{where}: {self.forge} refused the comment body.",
                "vidspec keeps comments under 65,536 characters; if this persists, report it.",
            )
        if isinstance(exc, RateLimited):
            return ForgeError(
                f"{where}: rate limited, and still so after waiting.",
                "Run the job again later; several jobs posting at once hit the secondary limit.",
            )
        if isinstance(exc, OutcomeUnknown):
            return ForgeError(
                f"{where}: the answer was lost; the comment may or may not have been posted.",
                "Run the job again: vidspec finds its comment by its marker and updates it.",
            )
        if isinstance(exc, WaitTooLong):  # names safety.max_wait, as for providers
            return ForgeError(f"{self.forge} ({self.host}) while {what}: {exc.message}", exc.hint)
        if isinstance(exc, TransportError):
            # The seam's words say how the call ended (past safety.request_deadline, a refused
            # connection); its default hint names provider.base_url, which is not ours here.
            hint = exc.hint if exc.hint != TransportError.default_hint else None
            return ForgeError(
                f"{self.forge} ({self.host}) while {what}: {exc.message}",
                hint or "Check the network and --api-url.",
            )
        return ForgeError(f"{where}: the call failed.", "Try again later; -v logs the requests.")

    def close(self) -> None:
        self._client.close()
