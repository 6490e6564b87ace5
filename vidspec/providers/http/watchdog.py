"""Cutting a request off at its deadline, in whatever phase it is.

Socket timeouts apply to each read, so a server that sends its status line or headers one
byte at a time (each byte just inside the read timeout) would hold a request open for as long
as it likes; ``http_body`` bounds the body only. ``deadline(seconds)`` arms a timer for the
calling thread's request: when it fires, the socket the request is using is shut down, which
ends any read in progress at once, and the thread's further attempts (urllib3's retries) fail
before they connect. Connections learn which thread uses them through the pool classes below,
which the session's adapter installs.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_lock = threading.Lock()
_using: dict[int, HTTPConnection] = {}  # thread -> the connection its request is on
_expired: set[int] = set()  # threads whose request is past its deadline


def expired() -> bool:
    """Whether the calling thread's request is past its deadline (no retry then)."""
    with _lock:
        return threading.get_ident() in _expired


class _Watched:
    """Registers the connection with the thread sending a request on it."""

    def request(self, *args: Any, **kwargs: Any) -> Any:
        ident = threading.get_ident()
        with _lock:
            if ident in _expired:
                raise TimeoutError("the request deadline has passed")
            _using[ident] = self  # type: ignore[assignment]
        return super().request(*args, **kwargs)  # type: ignore[misc]


class WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = WatchedHTTPConnection


class WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = WatchedHTTPSConnection


POOL_CLASSES = {"http": WatchedHTTPPool, "https": WatchedHTTPSPool}


def _expire(ident: int) -> None:
    with _lock:
        _expired.add(ident)
        conn = _using.get(ident)
    sock = getattr(conn, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Within the block, the calling thread's requests are cut off ``seconds`` from now."""
    ident = threading.get_ident()
    timer = threading.Timer(max(seconds, 0.0), _expire, args=(ident,))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        timer.join()  # a firing timer finishes before the thread's slate is cleaned
        with _lock:
            _expired.discard(ident)
            _using.pop(ident, None)
