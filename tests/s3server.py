"""moto's S3 server on 127.0.0.1 (a free port): a real S3 protocol server for the backend tests.

Run as ``python tests/s3server.py``: prints ``PORT <n>`` once it listens, serves until killed.
It is moto's own WSGI application (``moto[server]``) served by werkzeug, as ``moto_server``
does, with one difference: requests are handled one at a time. moto checks ``If-None-Match``
and ``If-Match`` and then writes, as two steps; S3 makes a conditional write atomic. Serving
one request at a time gives moto S3's atomicity, so a test of 16 racing lockers measures
vidspec, not a race inside the test server.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class OneAtATime:
    """A WSGI middleware that runs one request (to its last byte) at a time."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with self.lock:
            return list(self.app(environ, start_response))


def main() -> None:
    app = OneAtATime(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", 0, app, True, request_handler=MotoRequestHandler)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
