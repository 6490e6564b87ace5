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
every error answer into a ``vidspec.errors.ProviderError`` subclass, via one function,
``to_provider_error``.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, ReadTimeoutError
from urllib3.util.retry import Retry

from vidspec import __version__
from vidspec.clock import Clock, SystemClock
from vidspec.errors import (
    AuthError,
    InvalidRequest,
    NotFound,
    OutcomeUnknown,
    ProviderError,
    RateLimited,
    ServerError,
    TransportError,
    VidspecError,
)
from vidspec.providers.base import DownloadResult, RequestLedger

log = logging.getLogger("vidspec.http")

FormPart = tuple[str, tuple[None, str] | tuple[None, str, str]]
"""One part of a multipart/form-data body: ``(name, (None, value))`` is a plain field,
``(name, (None, value, content_type))`` one with its own type (``application/json``)."""

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PATCH", "PUT", "DELETE"})
_MIN_SECRET = 4  # blanking a shorter "secret" would mangle ordinary words of a message


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


def path_of(url: str) -> str:
    """The path of a URL, without scheme, host or query: the only part errors and logs show."""
    return urlsplit(url).path or "/"


class _LedgerRetry(Retry):
    """urllib3's ``Retry`` that sleeps on the injected clock, counts and logs each retry, and
    never retries a method outside ``allowed_methods`` (POST), not even after a connect error."""

    def __init__(
        self,
        *args: Any,
        clock: Clock | None = None,
        ledger: RequestLedger | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.clock: Clock = clock or SystemClock()
        self.ledger = ledger

    def new(self, **kw: Any) -> _LedgerRetry:
        retry = super().new(**kw)
        retry.clock = self.clock
        retry.ledger = self.ledger
        return retry

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> _LedgerRetry:
        if method is not None and not self._is_method_retryable(method):
            # total=0 makes urllib3 give up at once, through its usual exceptions.
            return Retry.increment(self.new(total=0), method, url, *args, **kwargs)
        retry = super().increment(method, url, *args, **kwargs)
        # Reaching here means urllib3 will send the request again: one more request spent.
        if self.ledger is not None and method is not None:
            self.ledger.record(method)
        last = retry.history[-1] if retry.history else None
        why = f"HTTP {last.status}" if last and last.status else type(kwargs.get("error")).__name__
        log.debug("retrying %s %s after %s", method, path_of(url or ""), why)
        return retry

    def sleep(self, response: Any = None) -> None:
        if self.respect_retry_after_header and response is not None:
            retry_after = self.get_retry_after(response)
            if retry_after:
                self.clock.sleep(retry_after)
                return
        backoff = self.get_backoff_time()
        if backoff > 0:
            self.clock.sleep(backoff)


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
    retry = _LedgerRetry(
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


def server_message(response: requests.Response) -> str | None:
    """The ``message`` of a JSON error answer, or ``None`` (gateways send HTML or nothing)."""
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, Mapping):
        message = body.get("message") or body.get("msg") or body.get("error")
        if isinstance(message, str) and message.strip():
            return message.strip()
    return None


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
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


def to_provider_error(
    method: str,
    url: str,
    *,
    response: requests.Response | None = None,
    exc: requests.RequestException | None = None,
    creates: bool | None = None,
    secrets: Collection[str] = (),
) -> ProviderError:
    """Translate a failed request (an exception or an error answer) into a vidspec error.

    ``creates``: whether the request makes something that costs (default: it is a POST). When
    such a request was sent and its answer was lost or is a 5xx, the result is
    ``OutcomeUnknown``: the work may be done. 4xx answers (429 included) prove nothing was done.
    ``secrets`` are blanked out of the server's message, in case a service echoes one.
    Raise the result ``from exc``.
    """
    method = method.upper()
    path = path_of(url)
    creates = method == "POST" if creates is None else creates
    if response is None:
        assert exc is not None, "to_provider_error needs a response or an exception"
        detail = _describe(exc)
        if creates and not _nothing_sent(exc):
            return OutcomeUnknown(
                f"the answer to a request that creates a video was lost ({detail})",
                method=method,
                path=path,
            )
        return TransportError(f"could not reach the service ({detail})", method=method, path=path)

    status = response.status_code
    message = server_message(response)
    for secret in secrets:
        if message and len(secret) >= _MIN_SECRET:
            message = message.replace(secret, "***")
    kw: dict[str, Any] = {
        "method": method,
        "path": path,
        "status": status,
        "server_message": message,
    }
    if status >= 500:
        if creates:
            return OutcomeUnknown("the service failed after a request that creates a video", **kw)
        return ServerError("the service failed", **kw)
    if status == 429:
        return RateLimited("too many requests", retry_after=_retry_after(response), **kw)
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

    def close(self) -> None:
        self.session.close()


_CHUNK = 1 << 16


def save_stream(response: requests.Response, url: str, dest: Path) -> DownloadResult:
    """Stream a (``stream=True``) answer's body to ``dest`` atomically: a temp file beside it,
    fsync, rename. Returns its size and sha256; a failure leaves no partial file behind."""
    digest = hashlib.sha256()
    size = 0
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    except OSError as exc:
        raise _write_error(dest, exc) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            try:
                for chunk in response.iter_content(_CHUNK):
                    handle.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
            except requests.RequestException as exc:
                raise to_provider_error("GET", url, exc=exc) from exc
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, dest)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise _write_error(dest, exc) from exc
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return DownloadResult(path=dest, size=size, sha256=digest.hexdigest())


def _write_error(dest: Path, exc: OSError) -> VidspecError:
    return VidspecError(
        f"cannot write the downloaded video to {dest}: {exc.strerror or exc}",
        "Check the video's download path and that its directory is writable.",
    )
