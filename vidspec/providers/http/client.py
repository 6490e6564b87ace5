"""The one HTTP seam: every provider gets its session here, and its errors translated here.

``new_session`` builds the only kind of ``requests.Session`` vidspec uses:

- timeouts always set (connect, read), even when a caller forgets them;
- GET, PATCH and DELETE (idempotent) retried by urllib3's ``Retry`` on 429/500/502/503/504,
  dropped connections and timeouts, with exponential backoff + jitter, honouring
  ``Retry-After``; the waiting goes through the injected ``Clock`` (a ``ManualClock`` in tests,
  shared with the emulator, so "retry after 60 s" takes no real time);
- POST never retried: a POST that was sent may have done its (paid) work;
- every attempt, retries included, counted in the provider's ``RequestLedger`` (each one counts
  towards a monthly cap) and logged at DEBUG on ``vidspec.http`` (method, path, status, ms;
  never a header, never a query string).

``HttpClient.request`` sends through such a session and turns every requests exception and
every error answer into a ``vidspec.core.errors.ProviderError`` subclass, via one function,
``to_provider_error``.

The parts, one concept each: ``retry`` (the retry on the injected clock),
``errors`` (``to_provider_error``, ``path_of``) and ``files`` (``save_stream``); this
module re-exports their public names, so callers import everything HTTP from here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from vidspec import __version__
from vidspec.core.clock import Clock, SystemClock
from vidspec.core.errors import AuthError, NotFound, OutcomeUnknown, ProviderError, ServerError
from vidspec.providers.base import DownloadResult, RequestLedger
from vidspec.providers.http.errors import path_of, server_message, to_provider_error
from vidspec.providers.http.files import save_stream
from vidspec.providers.http.retry import IDEMPOTENT_METHODS, RETRY_STATUSES, LedgerRetry

__all__ = [
    "IDEMPOTENT_METHODS",
    "RETRY_STATUSES",
    "FormPart",
    "HttpClient",
    "HttpPolicy",
    "new_session",
    "path_of",
    "save_stream",
    "server_message",
    "to_provider_error",
]

log = logging.getLogger("vidspec.http")

FormPart = tuple[str, tuple[None, str] | tuple[None, str, str]]
"""One part of a multipart/form-data body: ``(name, (None, value))`` is a plain field,
``(name, (None, value, content_type))`` one with its own type (``application/json``)."""


@dataclass(frozen=True)
class HttpPolicy:
    """Timeouts and retry pacing of a session. Tests shrink the backoff; nothing else should."""

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    retries: int = 4
    backoff_factor: float = 0.5  # waits 0, 1, 2, 4 ... seconds (+ jitter) between retries
    backoff_max: float = 30.0
    backoff_jitter: float = 0.5
    retry_after_max: int = 120  # a longer Retry-After is cut to this
    user_agent: str = f"vidspec/{__version__}"

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.connect_timeout, self.read_timeout)


class _VidspecAdapter(HTTPAdapter):
    """Sets the default timeout, counts the first attempt of each request and logs it."""

    def __init__(self, policy: HttpPolicy, ledger: RequestLedger, retry: Retry) -> None:
        super().__init__(max_retries=retry)
        self._policy = policy
        self._ledger = ledger

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        method = (request.method or "GET").upper()
        path = path_of(request.url or "")
        self._ledger.record(method)
        started = time.monotonic()
        try:
            response = super().send(
                request,
                stream=stream,
                timeout=timeout if timeout is not None else self._policy.timeout,
                verify=verify,
                cert=cert,
                proxies=proxies,
            )
        except Exception as exc:
            elapsed = (time.monotonic() - started) * 1000
            log.debug("%s %s failed after %.0f ms: %s", method, path, elapsed, type(exc).__name__)
            raise
        elapsed = (time.monotonic() - started) * 1000
        log.debug("%s %s -> %s in %.0f ms", method, path, response.status_code, elapsed)
        return response


def new_session(
    ledger: RequestLedger,
    *,
    policy: HttpPolicy | None = None,
    clock: Clock | None = None,
    trust_env: bool = True,
) -> requests.Session:
    """The one factory of HTTP sessions. Every request sent through it is counted in ``ledger``.

    ``trust_env=False`` ignores proxy variables and .netrc: for loopback servers (the sandbox).
    """
    policy = policy or HttpPolicy()
    retry = LedgerRetry(
        total=policy.retries,
        connect=policy.retries,
        read=policy.retries,
        status=policy.retries,
        other=0,
        redirect=False,
        allowed_methods=IDEMPOTENT_METHODS,
        status_forcelist=RETRY_STATUSES,
        backoff_factor=policy.backoff_factor,
        backoff_max=policy.backoff_max,
        backoff_jitter=policy.backoff_jitter,
        retry_after_max=policy.retry_after_max,
        respect_retry_after_header=True,
        raise_on_status=False,  # after the last retry, hand back the answer: it has the message
        clock=clock or SystemClock(),
        ledger=ledger,
    )
    session = requests.Session()
    session.trust_env = trust_env
    adapter = _VidspecAdapter(policy, ledger, retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = policy.user_agent
    return session


class HttpClient:
    """Sends requests through one ``new_session`` session and raises vidspec errors.

    ``secrets`` (tokens, passwords) are blanked from any server message that echoes them; they
    travel only in headers or bodies, which nothing logs.
    """

    def __init__(self, session: requests.Session, *, secrets: Sequence[str] = ()) -> None:
        self.session = session
        self._secrets: list[str] = [s for s in secrets if s]

    def add_secret(self, secret: str) -> None:
        if secret and secret not in self._secrets:
            self._secrets.append(secret)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        files: Sequence[FormPart] | None = None,
        headers: Mapping[str, str] | None = None,
        stream: bool = False,
        creates: bool | None = None,
    ) -> requests.Response:
        """Send one request; return the answer if it is a success (< 400), else raise.

        ``files`` sends a multipart/form-data body, one part per ``FormPart`` in order.
        """
        try:
            response = self.session.request(
                method,
                url,
                params=params,
                json=json,
                data=data,
                files=files,
                headers=dict(headers or {}),
                stream=stream,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise to_provider_error(
                method, url, exc=exc, creates=creates, secrets=self._secrets
            ) from exc
        if response.status_code >= 400:
            try:
                raise to_provider_error(
                    method, url, response=response, creates=creates, secrets=self._secrets
                )
            finally:
                response.close()
        return response

    def request_json(self, method: str, url: str, **kw: Any) -> Any:
        """``request`` and decode the JSON answer; an answer that is not JSON is an error."""
        response = self.request(method, url, **kw)
        try:
            return response.json()
        except ValueError as exc:
            creates = kw.get("creates")
            self.fail(
                method,
                url,
                "the service answered something that is not JSON",
                status=response.status_code,
                creates=method.upper() == "POST" if creates is None else bool(creates),
                cause=exc,
            )

    def fail(
        self,
        method: str,
        url: str,
        message: str,
        *,
        status: int | None = None,
        creates: bool,
        cause: BaseException | None = None,
    ) -> NoReturn:
        """Raise for a success answer whose body makes no sense (not JSON, no id...).

        For a request that creates something the work may be done: ``OutcomeUnknown``.
        """
        cls = OutcomeUnknown if creates else ServerError
        raise cls(message, method=method.upper(), path=path_of(url), status=status) from cause

    def download(self, url: str, dest: Path, *, refused_hint: str) -> DownloadResult:
        """Stream the file at ``url`` to ``dest`` atomically (``save_stream``). A file host that
        refuses the link (401/403/404) is reported as that, with ``refused_hint`` saying why a
        link may stop working on this service."""
        try:
            response = self.request("GET", url, stream=True)
        except (AuthError, NotFound) as exc:
            raise ProviderError(
                "the download link was refused",
                method=exc.method,
                path=exc.path,
                status=exc.status,
                server_message=exc.server_message,
                hint=refused_hint,
            ) from exc
        try:
            return save_stream(response, url, dest)
        finally:
            response.close()

    def close(self) -> None:
        self.session.close()
