"""The HTTP plumbing every emulated service shares: a threading server on loopback, the
request pipeline (slow answers, gateway faults, lost answers, the request log) and the
``EmulatorServer`` handle that tests, the sandbox and ``vidspec emulator`` hold.

A service (CDNvideo, Vidnoz) is an ``EmulatedService``: it turns a ``Request`` into a
``Reply`` and knows nothing of sockets. Everything that is the same for every service lives
here, so a new service is one module with its handlers and its world.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import socket
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from vidspec.core.clock import Clock
from vidspec.emulator.common.faults import Faults, LostAnswer
from vidspec.emulator.common.settings import RUNTIME_FIELDS, EmulatorSettings, field_names
from vidspec.emulator.common.store import JsonStore

log = logging.getLogger("vidspec.emulator")

DROPPED = 0
"""Status recorded in ``request_log`` for a request whose connection was closed unanswered."""


@dataclass(frozen=True)
class Request:
    """One HTTP request as a service sees it. ``headers`` keys are lower case."""

    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    client_ip: str
    root_url: str

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


@dataclass(frozen=True)
class Reply:
    """One HTTP answer. ``losable`` marks a completed create whose answer may be lost."""

    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()
    losable: bool = False

    @classmethod
    def json(
        cls,
        status: int,
        document: Any,
        *,
        headers: tuple[tuple[str, str], ...] = (),
        losable: bool = False,
    ) -> Reply:
        body = json.dumps(document, ensure_ascii=False).encode("utf-8")
        return cls(status, body, "application/json", headers, losable)


class Runtime:
    """What a service gets from the server: the current settings, clock, store and faults."""

    def __init__(self, settings: EmulatorSettings, clock: Clock) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self.clock = clock
        self.store = JsonStore(settings.data_dir)
        self.faults = Faults(settings.seed)

    @property
    def settings(self) -> EmulatorSettings:
        with self._lock:
            return self._settings

    def configure(self, **changes: Any) -> EmulatorSettings:
        unknown = set(changes) - field_names()
        if unknown:
            raise TypeError(f"unknown emulator setting(s): {', '.join(sorted(unknown))}")
        fixed = set(changes) - RUNTIME_FIELDS
        if fixed:
            raise ValueError(
                f"setting(s) {', '.join(sorted(fixed))} are fixed once the server runs; "
                f"changeable: {', '.join(sorted(RUNTIME_FIELDS))}"
            )
        with self._lock:
            self._settings = dataclasses.replace(self._settings, **changes)
            return self._settings


class EmulatedService(Protocol):
    """One emulated API. Implement this (plus ``create_service(runtime)`` in the service's
    module, named in ``settings.PROVIDERS``) to add a service.

    ``handle`` is called from many threads at once and must guard its world itself. It must
    not raise for bad input: every answer, errors included, is a ``Reply`` in the service's
    own error format. ``is_api`` says whether gateway faults apply to a request (not to the
    files a download link points at, say). ``base_path`` is what ``base_url`` adds to the
    root URL. ``world`` is the in-memory service that tests inspect and change directly.
    """

    base_path: str

    @property
    def world(self) -> Any: ...

    def is_api(self, request: Request) -> bool: ...

    def handle(self, request: Request) -> Reply: ...


ServiceFactory = Callable[[Runtime], EmulatedService]


class EmulatorServer:
    """A running emulated service on 127.0.0.1. Close it (or use ``with``) when done."""

    def __init__(
        self,
        settings: EmulatorSettings,
        clock: Clock,
        factory: ServiceFactory,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self._runtime = Runtime(settings, clock)
        self.service = factory(self._runtime)
        self.request_log: list[tuple[str, str, int]] = []
        self._log_lock = threading.Lock()
        self._closed = threading.Event()
        self._httpd = _HTTPServer((host, port), _Handler)
        self._httpd.emulator = self
        bound_host, bound_port = self._httpd.server_address[:2]
        self.host = str(bound_host)
        self.port = int(bound_port)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.5},
            name=f"vidspec-emulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        log.info("%s emulator serving on %s", settings.provider, self.base_url)

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return self.root_url + self.service.base_path

    @property
    def clock(self) -> Clock:
        return self._runtime.clock

    @property
    def settings(self) -> EmulatorSettings:
        return self._runtime.settings

    @property
    def world(self) -> Any:
        return self.service.world

    def configure(self, **changes: Any) -> EmulatorSettings:
        """Change settings of ``RUNTIME_FIELDS`` while serving; returns the new settings."""
        return self._runtime.configure(**changes)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the server is closed (or ``timeout``); True when closed."""
        return self._closed.wait(timeout)

    def close(self) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        stopper = threading.Thread(target=self._httpd.shutdown, daemon=True)
        stopper.start()
        # Wake the serving loop now instead of at its next poll: a connection makes it look.
        with contextlib.suppress(OSError), socket.create_connection((self.host, self.port), 1):
            pass
        stopper.join()
        self._httpd.drop_connections()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> EmulatorServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def process(self, request: Request) -> Reply | None:
        """Run one request through the shared pipeline; ``None``: drop the connection."""
        settings = self._runtime.settings
        if settings.slow_seconds > 0:
            # Real latency on purpose (for CLI users); the stop event cuts it short on close.
            self._closed.wait(settings.slow_seconds)
        faults = self._runtime.faults
        reply: Reply | None = None
        if self.service.is_api(request):
            gateway = faults.gateway_error(settings.fail_rate)
            if gateway is not None:
                reply = Reply(gateway.status, gateway.body, gateway.content_type)
        if reply is None:
            try:
                reply = self.service.handle(request)
            except Exception:  # a bug in the emulator: answer like a crashed backend would
                log.exception("emulator failed on %s %s", request.method, request.path)
                reply = Reply(500, b"", "text/plain")
            if reply.losable:
                lost = faults.lost_answer(settings.lose_response_rate)
                if lost is LostAnswer.DROPPED:
                    reply = None
                elif lost is LostAnswer.SERVER_ERROR:
                    reply = Reply(500, b"", "text/plain")
        status = DROPPED if reply is None else reply.status
        with self._log_lock:
            self.request_log.append((request.method, request.path, status))
        log.info("%s %s -> %s", request.method, request.path, status or "connection dropped")
        return reply


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    emulator: EmulatorServer

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, handler)

    def drop_connections(self) -> None:
        # Keep-alive connections would otherwise hold their threads until the client leaves.
        with self.connections_lock:
            for conn in list(self.connections):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    server: _HTTPServer
    timeout = 60  # an idle keep-alive connection frees its thread after a minute

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle's algorithm and the
        # client's delayed ACK add ~40 ms to every keep-alive answer.
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("http: " + format, *args)

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def _serve(self) -> None:
        request = self._read_request()
        if request is None:
            return
        reply = self.server.emulator.process(request)
        if reply is None:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._write(reply)

    def _read_request(self) -> Request | None:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self._write(Reply(411, b"", "text/plain"))
            self.close_connection = True
            return None
        try:
            length = int(self.headers.get("Content-Length") or 0)
            if length < 0:
                raise ValueError
        except ValueError:
            self._write(Reply(400, b"", "text/plain"))
            self.close_connection = True
            return None
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        return Request(
            method=self.command,
            path=unquote(parts.path),
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            client_ip=self.client_address[0],
            root_url=self.server.emulator.root_url,
        )

    def _write(self, reply: Reply) -> None:
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers:
                self.send_header(name, value)
            self.end_headers()
            if reply.body:
                self.wfile.write(reply.body)
        except OSError:  # the client went away; nothing to tell it
            self.close_connection = True
