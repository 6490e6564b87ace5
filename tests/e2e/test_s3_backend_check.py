"""``vidspec backend check``: a store that honours conditional requests passes (moto's S3
server); one that ignores them is refused loudly (a tiny S3 server below that stores objects
and ignores ``If-None-Match``/``If-Match``, as some S3-compatible stores did); errors name the
bucket and key and what to do."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from cli_run import Cli

pytest.importorskip("boto3", reason="the S3 tests need the test extra (boto3, moto)")
from s3_env import KEY, S3Env, assert_no_credentials

NO_SUCH_KEY = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>"
)


class CarelessS3(BaseHTTPRequestHandler):
    """Path-style S3 objects in a dict; every conditional header is ignored."""

    protocol_version = "HTTP/1.1"
    objects: ClassVar[dict[str, bytes]] = {}
    seen_conditions: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _etag(self, body: bytes) -> str:
        return f'"{hashlib.md5(body).hexdigest()}"'

    def _note_conditions(self) -> None:
        for name in ("If-Match", "If-None-Match"):
            if self.headers.get(name):
                self.seen_conditions.append(f"{self.command} {name}")

    def do_PUT(self) -> None:
        self._note_conditions()
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.objects[self.path.split("?")[0]] = body
        self._send(200, headers={"ETag": self._etag(body)})

    def do_GET(self) -> None:
        body = self.objects.get(self.path.split("?")[0])
        if body is None:
            self._send(404, NO_SUCH_KEY, {"Content-Type": "application/xml"})
            return
        self._send(200, body, {"ETag": self._etag(body), "Content-Type": "application/json"})

    do_HEAD = do_GET

    def do_DELETE(self) -> None:
        self._note_conditions()
        self.objects.pop(self.path.split("?")[0], None)
        self._send(204)


@pytest.fixture
def careless_s3() -> Iterator[str]:
    CarelessS3.objects = {}
    CarelessS3.seen_conditions = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), CarelessS3)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_store_that_honours_conditions_passes(s3: S3Env, tmp_path: Path, cli: Cli) -> None:
    s3.write_project(tmp_path)
    code, out, err = cli(tmp_path, "backend", "check")
    assert code == 0, err
    assert f"Backend: s3://{s3.bucket}/{KEY} at {s3.endpoint}" in out
    assert "ok    If-None-Match: * is honoured" in out
    assert "ok    If-Match is honoured on writes" in out
    assert "ok    If-Match is honoured on deletes" in out
    assert "The backend is fit for vidspec's state and lock." in out
    assert s3.keys() == []  # the probe is gone
    assert_no_credentials(out, err)


def test_a_store_that_ignores_conditions_is_refused_loudly(
    s3: S3Env, careless_s3: str, tmp_path: Path, cli: Cli
) -> None:
    s3.write_project(tmp_path)
    text = (tmp_path / "vidspec.yaml").read_text().replace(s3.endpoint, careless_s3)
    (tmp_path / "vidspec.yaml").write_text(text)
    code, out, err = cli(tmp_path, "backend", "check")
    assert code == 1
    assert "ok    write and read back" in out
    assert "FAIL  If-None-Match: * is IGNORED" in out
    assert "FAIL  If-Match is IGNORED on writes" in out
    assert f"s3://{s3.bucket}/{KEY} at {careless_s3} is NOT fit for vidspec's state" in err
    assert "Two runners could both hold the lock" in err
    # the headers were really sent: the server, not vidspec, ignored them
    assert {"PUT If-None-Match", "PUT If-Match", "DELETE If-Match"} <= set(
        CarelessS3.seen_conditions
    )
    assert CarelessS3.objects == {}  # the probe was cleaned up


def test_the_local_backend_check(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "vidspec.yaml").write_text("version: 1\n")
    code, out, _ = cli(tmp_path, "backend", "check")
    assert code == 0 and "Backend: the local file" in out and "fit" in out


def test_no_such_bucket_names_bucket_and_key_and_what_to_do(
    s3: S3Env, tmp_path: Path, cli: Cli
) -> None:
    s3.write_project(tmp_path)
    text = (tmp_path / "vidspec.yaml").read_text().replace(s3.bucket, "no-such-bucket-42")
    (tmp_path / "vidspec.yaml").write_text(text)
    code, _, err = cli(tmp_path, "state", "list")
    assert code == 1
    assert f"cannot read s3://no-such-bucket-42/{KEY}: the bucket no-such-bucket-42" in err
    assert "does not exist" in err and "Create the bucket" in err


def test_an_unreachable_store_is_a_network_error_with_a_deadline(
    s3: S3Env, tmp_path: Path, cli: Cli
) -> None:
    s3.write_project(tmp_path)
    import socket

    with socket.socket() as free:  # a port nothing listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    text = (tmp_path / "vidspec.yaml").read_text().replace(s3.endpoint, f"http://127.0.0.1:{port}")
    (tmp_path / "vidspec.yaml").write_text(text)
    code, _, err = cli(tmp_path, "state", "list")
    assert code == 1
    assert f"cannot read s3://{s3.bucket}/{KEY}: the store could not be reached" in err
    assert "after 3 attempts" in err and "Check the network" in err


def test_refused_credentials_say_where_credentials_come_from(
    s3: S3Env, tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    s3.write_project(tmp_path)
    code, _, err = cli(tmp_path, "state", "list")
    assert code == 1
    assert "no AWS credentials were found" in err and "AWS_ACCESS_KEY_ID" in err
