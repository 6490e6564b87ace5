"""A hostile HTTP server for the tests: a proxy on 127.0.0.1 in front of an emulator.

Requests pass through to the emulator unless a ``Rule`` matches them; a rule answers instead
(or rewrites the emulator's answer) the way a broken or hostile service would: the same full
listing page forever, bytes trickled one at a time, redirects, HTML pages, endless or short
bodies, odd ids, names with escape sequences, huge ``Retry-After`` values. The emulator's own
address in an answer (a download link) is rewritten to the proxy's, so file requests pass
through it too. What the proxy saw is in ``seen`` (method, path).
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

Action = Callable[["_Handler", "Hostile"], None]

# The smallest body that passes for an MP4 file: an ftyp box.
FTYP = (16).to_bytes(4, "big") + b"ftypisom" + (512).to_bytes(4, "big")


@dataclass
class Rule:
    """Answer requests of ``method`` whose path (no query) matches ``path`` with ``action``,
    at most ``times`` times (``None``: always)."""

    method: str
    path: str
    action: Action
    times: int | None = None
    used: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.times is not None and self.used >= self.times:
            return False
        return method == self.method and re.search(self.path, path) is not None


@dataclass
class Hostile:
    upstream: str  # the emulator's root URL
    rules: list[Rule] = field(default_factory=list)
    seen: list[tuple[str, str]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    root_url: str = ""
    keep_headers: bool = False  # pass the upstream's headers on (an S3 store's ETag...)

    def add(self, method: str, path: str, action: Action, *, times: int | None = None) -> Rule:
        rule = Rule(method, path, action, times)
        self.rules.append(rule)
        return rule

    def count(self, method: str, path: str) -> int:
        return sum(1 for m, p in self.seen if m == method and re.search(path, p))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _any(self) -> None:
        hostile = self.server.hostile
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        path = urlsplit(self.path).path
        hostile.seen.append((self.command, path))
        for rule in hostile.rules:
            if rule.matches(self.command, path):
                rule.used += 1
                with suppress(OSError):
                    rule.action(self, hostile)
                return
        with suppress(OSError):
            reply(self, *forward(self, hostile))

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _any


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    hostile: Hostile


@contextmanager
def serve_hostile(upstream: str, *, keep_headers: bool = False) -> Iterator[Hostile]:
    """A hostile proxy in front of ``upstream`` (an emulator's root URL, or an S3 server's
    with ``keep_headers``), closed on leaving."""
    hostile = Hostile(upstream, keep_headers=keep_headers)
    server = _Server(("127.0.0.1", 0), _Handler)
    server.hostile = hostile
    hostile.root_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    try:
        yield hostile
    finally:
        hostile.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


# -- answering ------------------------------------------------------------------------------


def forward(handler: _Handler, hostile: Hostile) -> tuple[int, dict[str, str], bytes]:
    """The emulator's answer to the request, with its address replaced by the proxy's."""
    parts = urlsplit(hostile.upstream)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    headers = {k: v for k, v in handler.headers.items() if k.lower() not in ("host",)}
    conn.request(handler.command, handler.path, body=handler.body or None, headers=headers)
    answer = conn.getresponse()
    body = answer.read().replace(hostile.upstream.encode(), hostile.root_url.encode())
    keep = {"content-type", "retry-after"}
    out = {
        k: v
        for k, v in answer.getheaders()
        if k.lower() in keep or (hostile.keep_headers and k.lower() not in _HOP_BY_HOP)
    }
    conn.close()
    return answer.status, out, body


_HOP_BY_HOP = {"connection", "content-length", "transfer-encoding", "keep-alive", "date", "server"}


def reply(handler: _Handler, status: int, headers: dict[str, str], body: bytes) -> None:
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def answer(status: int, body: Any = b"", headers: dict[str, str] | None = None) -> Action:
    """A fixed answer: ``body`` bytes as they are, anything else as JSON."""
    fixed = dict(headers or {})
    if not isinstance(body, bytes):
        fixed.setdefault("Content-Type", "application/json")
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return lambda handler, hostile: reply(handler, status, fixed, data)


def rewrite_json(change: Callable[[Any], Any]) -> Action:
    """The emulator's answer with its JSON body passed through ``change``."""

    def action(handler: _Handler, hostile: Hostile) -> None:
        status, headers, body = forward(handler, hostile)
        reply(handler, status, headers, json.dumps(change(json.loads(body))).encode())

    return action


def redirect(location: str | Callable[[_Handler, Hostile], str], status: int = 302) -> Action:
    """A redirect to ``location`` (or to what it returns for the request)."""

    def action(handler: _Handler, hostile: Hostile) -> None:
        target = location(handler, hostile) if callable(location) else location
        reply(handler, status, {"Location": target}, b"")

    return action


def trickle(body: bytes, *, every: float, content_type: str = "application/json") -> Action:
    """Headers at once, then the body one byte every ``every`` seconds (until the client
    hangs up or the proxy closes)."""

    def action(handler: _Handler, hostile: Hostile) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        for byte in body:
            if hostile.stop.wait(every):
                return
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()

    return action


def drip(body: bytes, *, size: int, every: float, content_type: str = "video/mp4") -> Action:
    """Headers at once, then the body ``size`` bytes every ``every`` seconds: slow but steady
    (``trickle`` with a speed of one's choosing)."""

    def action(handler: _Handler, hostile: Hostile) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        for start in range(0, len(body), size):
            if start and hostile.stop.wait(every):
                return
            handler.wfile.write(body[start : start + size])
            handler.wfile.flush()

    return action


def stall_after(head: bytes, *, content_type: str = "video/mp4") -> Action:
    """Headers and the first ``head`` bytes of a longer body, then nothing at all."""

    def action(handler: _Handler, hostile: Hostile) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(head) * 1000))
        handler.end_headers()
        handler.wfile.write(head)
        handler.wfile.flush()
        hostile.stop.wait(60)

    return action


def trickle_head(*, every: float) -> Action:
    """The status line and headers one byte every ``every`` seconds, and never a body."""

    def action(handler: _Handler, hostile: Hostile) -> None:
        head = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"z" * 1000 + b"\r\n\r\n"
        for byte in head:
            if hostile.stop.wait(every):
                return
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()

    return action


def endless(prefix: bytes = FTYP, *, content_type: str = "video/mp4") -> Action:
    """A body that never ends: no length, the connection closed only by the client."""

    def action(handler: _Handler, hostile: Hostile) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(prefix)
        chunk = b"\0" * 65536
        while not hostile.stop.is_set():
            handler.wfile.write(chunk)
        handler.close_connection = True

    return action


def short(body: bytes, declared: int, *, content_type: str = "video/mp4") -> Action:
    """``declared`` bytes promised, ``body`` sent, then the connection closed."""

    def action(handler: _Handler, hostile: Hostile) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(declared))
        handler.end_headers()
        handler.wfile.write(body)
        handler.wfile.flush()
        handler.close_connection = True
        with suppress(OSError):
            handler.connection.shutdown(socket.SHUT_RDWR)

    return action


def full_page(size: int, start: int = 0, **fields: Any) -> list[dict[str, Any]]:
    """A CDNvideo listing page of ``size`` finished videos with UUID ids."""
    return [
        {
            "id": f"00000000-0000-4000-8000-{start + n:012d}",
            "video_name": f"Listed {start + n}",
            "date": "2026-01-01T00:00:00Z",
            "video_url": None,
            **fields,
        }
        for n in range(size)
    ]


def elapsed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds ``fn`` took (real time: what a trickling server costs) and what it raised or
    returned."""
    started = time.monotonic()
    try:
        result: Any = fn()
    except Exception as exc:  # the caller asserts on it
        result = exc
    return time.monotonic() - started, result
