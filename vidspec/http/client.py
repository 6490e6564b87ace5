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

Bounds a server cannot push (issue 10): a wait a server asks for (``Retry-After``) is at most
``max_wait`` (``safety.max_wait``; longer: ``WaitTooLong`` naming the host), and shown while
it lasts (``vidspec.wait`` log); every API request ends within ``deadline``
(``safety.request_deadline``, 60 s) from sending to its last byte, and an API answer within
``max_body`` bytes; a download gets its answer's head within ``deadline`` and its body no
slower than ``min_speed`` over ``stall_time`` (issue 19), follows at most ``max_redirects``
http(s) redirects (the token-less file client only) and is saved only when it is a video
(``files``).

The parts, one concept each: ``policy`` (``HttpPolicy``), ``retry`` (the retry on
the injected clock), ``errors`` (``to_provider_error``, ``path_of``), ``body``
(reading within the deadline and size), ``speed`` (a download's speed floor), ``watchdog``
(cutting a request off at its deadline in any phase) and ``files`` (``save_stream``); this
module re-exports their
public names, so callers import everything HTTP from here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import math
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from vidspec.core.clock import Clock, SystemClock
from vidspec.core.errors import (
    AuthError,
    NotFound,
    OutcomeUnknown,
    ProviderError,
    ServerError,
    WaitTooLong,
)
from vidspec.core.videos import DownloadResult
from vidspec.http.body import BodyBounds, read_body, seconds_text
from vidspec.http.errors import host_of, path_of, retry_after, server_message, to_provider_error
from vidspec.http.files import check_answer, save_stream
from vidspec.http.ledger import RequestLedger
from vidspec.http.policy import HttpPolicy
from vidspec.http.retry import IDEMPOTENT_METHODS, RETRY_STATUSES, LedgerRetry
from vidspec.http.speed import SpeedFloor
from vidspec.http.watchdog import POOL_CLASSES, deadline

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


class _VidspecAdapter(HTTPAdapter):
    """Sets the default timeout, counts the first attempt of each request and logs it."""

    def __init__(self, policy: HttpPolicy, ledger: RequestLedger, retry: Retry) -> None:
        super().__init__(max_retries=retry)
        self._policy = policy
        self._ledger = ledger

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        # connections that the request deadline's watchdog can cut off (http_watchdog)
        self.poolmanager.pool_classes_by_scheme = POOL_CLASSES

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
        max_wait=policy.max_wait,
        wait_headers=policy.wait_headers,
        retry_after_max=10**9,  # compare what was asked with max_wait, uncut
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
    session.vidspec_policy = policy  # type: ignore[attr-defined]  # read by HttpClient
    return session


class HttpClient:
    """Sends requests through one ``new_session`` session and raises vidspec errors.

    ``secrets`` (tokens, passwords) are blanked from any server message that echoes them; they
    travel only in headers or bodies, which nothing logs. ``policy`` (default: the one the
    session was made with) bounds each request's time and size.
    """

    def __init__(
        self,
        session: requests.Session,
        *,
        secrets: Sequence[str] = (),
        policy: HttpPolicy | None = None,
    ) -> None:
        self.session = session
        self.policy: HttpPolicy = policy or getattr(session, "vidspec_policy", None) or HttpPolicy()
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
        bounds: BodyBounds | None = None,
    ) -> requests.Response:
        """Send one request; return the answer if it is a success (< 400), else raise.

        ``files`` sends a multipart/form-data body, one part per ``FormPart`` in order. The
        body is read within the policy's deadline and ``max_body`` unless ``stream``: then the
        caller reads it with ``read_chunks(response, bounds)`` (``bounds`` given, or made here
        and left on ``response.bounds``).
        """
        creates = method.upper() == "POST" if creates is None else creates
        bounds = bounds or BodyBounds.start(
            method, url, self.policy.deadline, self.policy.max_body, creates=creates
        )
        # A streamed body is read by the caller, who keeps the watchdog armed (``download``).
        with contextlib.nullcontext() if stream else deadline(bounds.left()):
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    data=data,
                    files=files,
                    headers=dict(headers or {}),
                    stream=True,
                    allow_redirects=False,
                    timeout=_timeout(self.policy, bounds),
                )
            except requests.RequestException as exc:
                if bounds.left() <= 0:
                    raise bounds.late() from exc
                raise to_provider_error(
                    method, url, exc=exc, creates=creates, secrets=self._secrets
                ) from exc
            response.bounds = bounds  # type: ignore[attr-defined]
            try:
                if not stream or response.status_code >= 400:
                    read_body(response, bounds)
            except BaseException:
                response.close()
                raise
        if response.status_code >= 400:
            raise self._refused(method, url, response, creates)
        return response

    def _refused(
        self, method: str, url: str, response: requests.Response, creates: bool
    ) -> ProviderError:
        """The error of an answer >= 400 (its body read and the response closed)."""
        try:
            error = to_provider_error(
                method,
                url,
                response=response,
                creates=creates,
                secrets=self._secrets,
                wait_headers=self.policy.wait_headers,
            )
            asked = retry_after(response, self.policy.wait_headers)
        finally:
            response.close()
        return self._bounded_wait(error, asked, url)

    def _bounded_wait(self, error: ProviderError, asked: float | None, url: str) -> ProviderError:
        """An error answer asking for a longer wait than ``max_wait`` (``Retry-After``) ends
        the call (any call, a create's too): ``WaitTooLong`` naming the host and the wait."""
        if asked is None or asked <= self.policy.max_wait:
            return error
        return WaitTooLong(
            f"{host_of(url)} asked to wait {asked:.0f} s (Retry-After), longer than "
            f"safety.max_wait ({seconds_text(self.policy.max_wait)})",
            method=error.method,
            path=error.path,
            host=error.host,
            status=error.status,
            server_message=error.server_message,
        )

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
        raise cls(
            message, method=method.upper(), path=path_of(url), host=host_of(url), status=status
        ) from cause

    def download(self, url: str, dest: Path, *, refused_hint: str) -> DownloadResult:
        """Stream the video at ``url`` to ``dest`` atomically (``save_stream``) through at most
        ``max_redirects`` http(s) redirects (the token-less file client only): each head within
        the request deadline, the body no slower than the speed floor. A refused link
        (401/403/404) gets ``refused_hint``; an answer that is not a video is refused."""
        floor = SpeedFloor(self.policy.min_speed, self.policy.stall_time)
        bounds = BodyBounds.start("GET", url, self.policy.deadline, None, floor=floor)
        for _ in range(self.policy.max_redirects + 1):
            bounds = dataclasses.replace(bounds, url=url)
            response = self._fetch(url, bounds, refused_hint)
            location = response.headers.get("Location")
            if response.status_code not in _REDIRECTS or not location:
                break
            response.close()
            url = urljoin(url, location)
        else:
            raise ProviderError(
                f"the download from {host_of(url)} redirected more than "
                f"{self.policy.max_redirects} times",
                method="GET",
                path=path_of(url),
            )
        try:
            check_answer(response, bounds, self.policy.max_bytes)
            body = dataclasses.replace(bounds, deadline_at=math.inf)  # the floor bounds it now
            return save_stream(response, body, dest, self.policy.max_bytes)
        finally:
            response.close()

    def _fetch(self, url: str, bounds: BodyBounds, refused_hint: str) -> requests.Response:
        """The answer's status and headers, within what is left of the request deadline."""
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            raise ProviderError(
                f"the download link is not http(s) but {scheme or 'relative'}: refused",
                hint="A file link must be an http or https URL; check the service.",
            )
        try:
            with deadline(bounds.left()):
                response = self.request("GET", url, stream=True, bounds=bounds)
        except (AuthError, NotFound) as exc:
            raise ProviderError(
                "the file host refused the download link",
                method=exc.method,
                path=exc.path,
                host=exc.host,
                status=exc.status,
                server_message=exc.server_message,
                hint=refused_hint,
            ) from exc
        if bounds.left() <= 0:  # the watchdog may have cut the connection as the head came
            response.close()
            raise bounds.late()
        return response

    def close(self) -> None:
        self.session.close()


_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def _timeout(policy: HttpPolicy, bounds: BodyBounds) -> tuple[float, float]:
    """Connect and read timeouts, never past what is left of the request's deadline. A
    download's reads wait ``stall_time``: its body outlives the deadline (the watchdog cuts
    the head at the deadline), and a read that long without a byte is under any floor."""
    left = max(bounds.left(), 0.001)
    connect, read = policy.timeout
    if bounds.floor is not None:
        return (min(connect, left), bounds.floor.stall_time)
    return (min(connect, left), min(read, left))
