"""Cutting a request off at its deadline, in whatever phase it is.

Socket timeouts apply to each read, so a server that sends its status line or headers one
byte at a time (each byte just inside the read timeout) would hold a request open for as long
as it likes; ``http_body`` bounds the body only. ``deadline(seconds)`` arms a timer for the
calling thread's request: when it fires, the socket the request is using is shut down, which
ends any read in progress at once, and the thread's further attempts (urllib3's retries) fail
before they connect. Connections learn which thread uses them through the pool classes below,
which the session's adapter installs (and ``watched_pool`` makes of another library's pools:
botocore's, for the S3 state).

Deadlines nest: a provider request counts itself as it is sent, and with the S3 backend that
count is an S3 call with a deadline of its own, inside the request's. Each thread keeps a
stack of them; the connection is the innermost one's, and an outer deadline that passes ends
whatever runs inside it too.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool


@dataclass(eq=False)  # each armed deadline is itself: found in its stack by identity
class _Deadline:
    """One armed deadline of a thread: the connection its request is on, and whether it
    has passed."""

    connection: HTTPConnection | None = None
    passed: bool = False


_lock = threading.Lock()
_stacks: dict[int, list[_Deadline]] = {}  # thread -> its deadlines, innermost last


def expired() -> bool:
    """Whether the calling thread's request is past a deadline (no retry then)."""
    with _lock:
        return any(d.passed for d in _stacks.get(threading.get_ident(), ()))


class _Watched:
    """Registers the connection with the thread sending a request on it."""

    def request(self, *args: Any, **kwargs: Any) -> Any:
        with _lock:
            stack = _stacks.get(threading.get_ident())
            if stack:
                if any(d.passed for d in stack):
                    raise TimeoutError("the request deadline has passed")
                stack[-1].connection = self  # type: ignore[assignment]
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

_watched_pools: dict[type[HTTPConnectionPool], type[HTTPConnectionPool]] = {}


def watched_pool(pool: type[HTTPConnectionPool]) -> type[HTTPConnectionPool]:
    """``pool`` whose connections the watchdog can cut off: for another library's urllib3
    pools (botocore's, for the S3 state), which ``POOL_CLASSES`` cannot stand in for."""
    with _lock:
        if pool not in _watched_pools:
            base = pool.ConnectionCls
            connection = type(f"Watched{base.__name__}", (_Watched, base), {})
            _watched_pools[pool] = type(
                f"Watched{pool.__name__}", (pool,), {"ConnectionCls": connection}
            )
        return _watched_pools[pool]


def _expire(ident: int, armed: _Deadline) -> None:
    """``armed`` has passed: cut the connection of the innermost request under it."""
    with _lock:
        armed.passed = True
        stack = _stacks.get(ident, [])
        inside = stack[stack.index(armed) :] if armed in stack else []
        connections = [d.connection for d in inside if d.connection is not None]
    for connection in connections:
        sock = getattr(connection, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Within the block, the calling thread's requests are cut off ``seconds`` from now."""
    ident = threading.get_ident()
    armed = _Deadline()
    with _lock:
        _stacks.setdefault(ident, []).append(armed)
    timer = threading.Timer(max(seconds, 0.0), _expire, args=(ident, armed))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        timer.join()  # a firing timer finishes before the thread's slate is cleaned
        with _lock:
            stack = _stacks[ident]
            stack.remove(armed)
            if not stack:
                del _stacks[ident]
