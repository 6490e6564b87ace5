"""urllib3's ``Retry`` on the injected clock, counting and logging every retry it makes."""

from __future__ import annotations

import logging
from typing import Any

from urllib3.util.retry import Retry

from vidspec.core.clock import Clock, SystemClock
from vidspec.http.errors import path_of
from vidspec.http.ledger import RequestLedger
from vidspec.http.watchdog import expired

log = logging.getLogger("vidspec.http")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PATCH", "PUT", "DELETE"})


waits = logging.getLogger("vidspec.wait")  # shown on stderr by the CLI, also without -v

_SHOWN_WAIT = 1.0  # shorter waits pass unannounced


class LedgerRetry(Retry):
    """urllib3's ``Retry`` that sleeps on the injected clock, counts and logs each retry, and
    never retries a method outside ``allowed_methods`` (POST), not even after a connect error.
    The wait a server asks for is read from ``wait_headers`` (``HttpPolicy.wait_headers``).

    A ``Retry-After`` longer than ``max_wait`` is not waited for: the answer goes back to the
    caller (``HttpClient`` turns it into ``WaitTooLong``). Every wait of a second or more is
    announced on the ``vidspec.wait`` logger: what it waits for, on which host."""

    def __init__(
        self,
        *args: Any,
        clock: Clock | None = None,
        ledger: RequestLedger | None = None,
        max_wait: float = 120.0,
        wait_headers: tuple[str, ...] = ("Retry-After",),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.clock: Clock = clock or SystemClock()
        self.ledger = ledger
        self.max_wait = max_wait
        self.wait_headers = wait_headers
        self._next: tuple[str, str, str] | None = None  # method, path, host of the next retry

    def new(self, **kw: Any) -> LedgerRetry:
        retry = super().new(**kw)
        retry.clock = self.clock
        retry.ledger = self.ledger
        retry.max_wait = self.max_wait
        retry.wait_headers = self.wait_headers
        return retry

    def get_retry_after(self, response: Any) -> float | None:
        """The wait the first of ``wait_headers`` present asks for (urllib3 reads only
        ``Retry-After``; Synthesia says ``RateLimit-Reset``)."""
        for name in self.wait_headers:
            value = response.headers.get(name)
            if value is not None:
                return self.parse_retry_after(value)
        return None

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> LedgerRetry:
        if expired() or (method is not None and not self._is_method_retryable(method)):
            # total=0 makes urllib3 give up at once, through its usual exceptions. Past the
            # request's deadline nothing is sent again either.
            return Retry.increment(self.new(total=0), method, url, *args, **kwargs)
        response = kwargs.get("response")
        asked = self.get_retry_after(response) if response is not None else None
        if asked is not None and asked > self.max_wait:
            # Give up at once: with raise_on_status off, urllib3 hands the 429 back.
            return Retry.increment(self.new(total=0), method, url, *args, **kwargs)
        retry = super().increment(method, url, *args, **kwargs)
        pool = kwargs.get("_pool")
        host = f"{pool.host}:{pool.port}" if pool is not None else "the service"
        retry._next = (method or "GET", path_of(url or ""), host)
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
                self._wait(min(retry_after, self.max_wait), response, "Retry-After")
                return
        backoff = min(self.get_backoff_time(), self.max_wait)
        if backoff > 0:
            self._wait(backoff, response, "backing off")

    def _wait(self, seconds: float, response: Any, why: str) -> None:
        if seconds >= _SHOWN_WAIT:
            method, path, host = self._next or ("", "", "the service")
            status = getattr(response, "status", None)
            answer = f"HTTP {status}" if status else "a failed request"
            waits.info(
                "waiting %.0f s before retrying %s %s on %s (%s, %s)",
                seconds,
                method,
                path,
                host,
                answer,
                why,
            )
        self.clock.sleep(seconds)
