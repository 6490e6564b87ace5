"""A hostile server for the provider contract suite: every request gets the same bad answer.

A provider is opened against it in place of its emulator (``ProviderHarness.open_provider``
with ``root_url``); whatever the client asks, it meets one of the answers a broken or
malicious service sends:

- ``oversized``: a 200 JSON answer far longer than the client's ``HttpPolicy.max_body``;
- ``endless``: a 200 whose body never ends (no length, a byte at a time), so only the
  client's request deadline (``HttpPolicy.deadline``) ends the call;
- ``message``: a 400 whose error message (``message``, ``error``, ``detail``) holds terminal
  escape sequences, a bell and a right-to-left override (``EVIL``);
- ``reflect``: a 400 whose error message repeats every header of the request, credentials
  included, as a careless server's does; ``credentials`` holds what it saw of them.

It serves on 127.0.0.1, a free port, in a thread; leaving the ``with`` block stops it (an
endless answer included).
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

Answer = Literal["oversized", "endless", "message", "reflect"]

EVIL = "\x1b[2J\x1b]0;pwned\x07Evil\u202e name"
"""A server's text that would clear a terminal, set its title, ring and reverse what follows."""

RAW_CONTROLS = ("\x1b", "\x07", "\u202e")
"""What must never reach a terminal or a file raw (``vidspec.core.escape`` shows them)."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        with contextlib.suppress(OSError):
            getattr(self, "_" + self.server.answer)()

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _any

    def _oversized(self) -> None:
        item = {"id": "x" * 32, "name": "padding " * 16}
        body = json.dumps({"data": [item] * (self.server.size // 200 + 1)}).encode()
        self._send(200, body)

    def _message(self) -> None:
        body = json.dumps({"code": 400, "message": EVIL, "error": EVIL, "detail": EVIL}).encode()
        self._send(400, body)

    def _reflect(self) -> None:
        headers = [f"{name}: {value}" for name, value in self.headers.items()]
        self.server.credentials.extend(
            value.split()[-1]
            for name, value in self.headers.items()
            if _CREDENTIAL.search(name) and not _NOT_CREDENTIAL.search(name) and value.split()
        )
        body = json.dumps({"code": 400, "message": "; ".join(headers)}).encode()
        self._send(400, body)

    def _endless(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(b'{"data": [')
        while not self.server.stopping.wait(0.05):
            self.wfile.write(b" ")
            self.wfile.flush()

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


_CREDENTIAL = re.compile(r"auth|token|key|secret|password", re.IGNORECASE)
_NOT_CREDENTIAL = re.compile(r"idempotency", re.IGNORECASE)  # a request's id, not a secret


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    answer: Answer
    size: int
    stopping: threading.Event
    credentials: list[str]


@dataclass
class Hostile:
    """A running hostile server: its root URL, and the credentials requests sent it (the last
    word of each header named like one: ``Authorization: Bearer KEY`` gives ``KEY``)."""

    root_url: str
    credentials: list[str]


@contextlib.contextmanager
def serve_hostile(answer: Answer, *, size: int = 1 << 20) -> Iterator[Hostile]:
    """A server giving every request ``answer`` (``size``: the oversized body's length, in
    bytes), on ``http://127.0.0.1:PORT``."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.answer, server.size, server.stopping = answer, size, threading.Event()
    server.credentials = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield Hostile(f"http://127.0.0.1:{server.server_address[1]}", server.credentials)
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


__all__ = ["EVIL", "RAW_CONTROLS", "Answer", "Hostile", "serve_hostile"]
