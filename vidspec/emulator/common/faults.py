"""Fault injection: gateway errors before any work, and answers lost after the work was done.

One seeded random generator decides every fault, so a run with ``seed`` set misbehaves the
same way each time (for a given order of requests).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

GATEWAY_HTML = (
    "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{code} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
T = TypeVar("T")
_REASONS = {500: "Internal Server Error", 503: "Service Temporarily Unavailable"}


class LostAnswer(Enum):
    """How the answer to a request that did its work goes missing."""

    SERVER_ERROR = "500"  # the work is done, the gateway answers 500 anyway
    DROPPED = "drop"  # the connection is closed without any answer


@dataclass(frozen=True)
class GatewayError:
    """A 5xx as a proxy in front of a real service sends it: no JSON, maybe an HTML page."""

    status: int
    body: bytes
    content_type: str


class Faults:
    """Draws faults from one seeded generator. Thread-safe."""

    def __init__(self, seed: int | None) -> None:
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def _chance(self, rate: float) -> bool:
        if rate <= 0.0:
            return False
        with self._lock:
            return rate >= 1.0 or self._rng.random() < rate

    def _pick(self, options: Sequence[T]) -> T:
        with self._lock:
            return self._rng.choice(options)

    def gateway_error(self, rate: float) -> GatewayError | None:
        """With probability ``rate``, a 500 or 503 with an empty or an HTML body."""
        if not self._chance(rate):
            return None
        status = self._pick((500, 503))
        if self._pick((True, False)):
            html = GATEWAY_HTML.format(code=status, reason=_REASONS[status])
            return GatewayError(status, html.encode(), "text/html")
        return GatewayError(status, b"", "text/plain")

    def lost_answer(self, rate: float) -> LostAnswer | None:
        """With probability ``rate``, how the answer of a completed create is lost."""
        if not self._chance(rate):
            return None
        return self._pick((LostAnswer.SERVER_ERROR, LostAnswer.DROPPED))
