"""moto's S3 server on 127.0.0.1 (a free port): a real S3 protocol server for the backend tests.

Run as ``python tests/support/s3server.py``: prints ``PORT <n>`` once it listens, serves until
killed.
It is moto's own WSGI application (``moto[server]``) served by werkzeug, as ``moto_server``
does, with one difference: requests are handled one at a time. moto checks ``If-None-Match``
and ``If-Match`` and then writes, as two steps; S3 makes a conditional write atomic. Serving
one request at a time gives moto S3's atomicity, so a test of 16 racing lockers measures
vidspec, not a race inside the test server.

A failing-put rule (``FailingPuts``): ``POST /__vidspec__/fail-puts?bucket=B&from=N`` makes
the N-th PUT into bucket B from then on, and every later one, fail with 403 AccessDenied (at
once: no retry spends real time); ``from=0`` lifts the rule. Test helper: ``s3_env.fail_puts``.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

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


_DENIED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
    b"<Message>Access Denied (a failing-put rule of the test server)</Message></Error>"
)


class FailingPuts:
    """A WSGI middleware: PUTs into a bucket fail from the N-th on, once a test asks."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.rules: dict[str, list[int]] = {}  # bucket -> [the first PUT to fail, PUTs seen]

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/__vidspec__/fail-puts":
            query = parse_qs(environ.get("QUERY_STRING", ""))
            self.rules[query["bucket"][0]] = [int(query["from"][0]), 0]
            start_response("204 No Content", [])
            return [b""]
        rule = self.rules.get(path.lstrip("/").split("/", 1)[0])
        if environ.get("REQUEST_METHOD") == "PUT" and rule and rule[0]:
            rule[1] += 1
            if rule[1] >= rule[0]:
                environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
                headers = [
                    ("Content-Type", "application/xml"),
                    ("Content-Length", str(len(_DENIED))),
                ]
                start_response("403 Forbidden", headers)
                return [_DENIED]
        return self.app(environ, start_response)


def main() -> None:
    app = OneAtATime(FailingPuts(DomainDispatcherApplication(create_backend_app)))
    server = make_server("127.0.0.1", 0, app, True, request_handler=MotoRequestHandler)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
