"""urllib3's ``Retry`` on the injected clock, counting and logging every retry it makes."""

from __future__ import annotations

import logging
from typing import Any

from urllib3.util.retry import Retry

from vidspec.core.clock import Clock, SystemClock
from vidspec.providers.base import RequestLedger
from vidspec.providers.http.errors import path_of

log = logging.getLogger("vidspec.http")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PATCH", "PUT", "DELETE"})


class LedgerRetry(Retry):
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

    def new(self, **kw: Any) -> LedgerRetry:
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
    ) -> LedgerRetry:
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
