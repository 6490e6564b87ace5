"""A local D-ID Talks API for tests, CI and the sandbox: ``serve(token=..., clock=...)``.

Written on the standard library's ``http.server`` (a third-party package has only vidspec's
public surface; it does not reuse vidspec's private emulator code, and an emulator sharing the
client's code would share its bugs). Talks live in memory; a talk is ``created`` for
``queue_seconds``, ``started`` for ``processing_seconds``, then ``done`` with a result link
served here. Every time is read from ``clock`` (a ``ManualClock`` in tests: no real waiting).
More than ``post_limit`` creates in its window are refused with 429 and counted (``refused``).

    python -m vidspec_did.emulator --port 8790 --token demo   # prints base_url, then serves
"""

from __future__ import annotations

import argparse
import base64
import json
import threading
from dataclasses import dataclass, field
from datetime import timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from vidspec.plugin import Clock, Rate, SystemClock

__all__ = ["DidEmulator", "TalksWorld", "serve"]

# An MP4 file opens with an ``ftyp`` box; vidspec's download checks that much.
RESULT = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 1000
MAX_BODY = 1_000_000


@dataclass
class TalksWorld:
    """The emulated account: its talks, its limit, and the faults a test asks for."""

    token: str
    clock: Clock
    queue_seconds: float = 1.0
    processing_seconds: float = 2.0
    post_limit: Rate = field(default_factory=lambda: Rate(10, 60.0))
    credits: float = 100.0
    lose_answers: bool = False
    refused: int = 0
    talks: dict[str, dict[str, Any]] = field(default_factory=dict)
    _posts: list[float] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def authorised(self, header: str | None) -> bool:
        """``Basic <key>``: D-ID's key is sent as it is (it is already base64 of user:pass);
        the base64 of ``key:`` is accepted too, as curl -u KEY: sends it."""
        if not header or not header.startswith("Basic "):
            return False
        sent = header.removeprefix("Basic ").strip()
        alt = base64.b64encode(f"{self.token}:".encode()).decode()
        return sent in (self.token, alt)

    def create(self, body: Any, root: str) -> tuple[int, dict[str, Any]]:
        problem = _problem(body)
        if problem:
            return 400, {"kind": "ValidationError", "description": problem}
        with self._lock:
            now = self.clock.monotonic()
            window = self.post_limit.seconds
            self._posts = [t for t in self._posts if now - t < window]
            if len(self._posts) >= self.post_limit.count:
                self.refused += 1
                return 429, {"kind": "TooManyRequestsError", "description": "Too many requests"}
            self._posts.append(now)
            talk_id = f"tlk_{len(self.talks) + 1:06d}"
            self.talks[talk_id] = {
                "id": talk_id,
                "created_at": self.clock.now().astimezone(timezone.utc),
                "body": body,
                "result_url": f"{root}/results/{talk_id}.mp4",
            }
        return 201, {"id": talk_id, "object": "talk", "status": "created"}

    def view(self, talk: dict[str, Any]) -> dict[str, Any]:
        age = (self.clock.now() - talk["created_at"]).total_seconds()
        status = "created"
        if age >= self.queue_seconds:
            status = "started"
        if age >= self.queue_seconds + self.processing_seconds:
            status = "done"
        body = talk["body"]
        out = {
            "id": talk["id"],
            "object": "talk",
            "status": status,
            "created_at": talk["created_at"].isoformat().replace("+00:00", "Z"),
            "name": body.get("name"),
            "source_url": body.get("source_url"),
            "user_data": body.get("user_data"),
            "webhook": body.get("webhook"),
        }
        if status == "done":
            out["result_url"] = talk["result_url"]
            out["duration"] = max(1.0, len(str(body["script"].get("input", ""))) / 14.0)
        return out

    def page(self, limit: int, token: str) -> dict[str, Any]:
        with self._lock:
            ids = sorted(self.talks, reverse=True)  # newest first, as D-ID lists
        start = int(token) if token.isdigit() else 0
        chunk = ids[start : start + limit]
        out: dict[str, Any] = {"talks": [self.view(self.talks[i]) for i in chunk]}
        if start + limit < len(ids):
            out["token"] = str(start + limit)
        return out


def _problem(body: Any) -> str | None:
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    if not isinstance(body.get("source_url"), str):
        return "source_url is required"
    script = body.get("script")
    if not isinstance(script, dict) or script.get("type") not in ("text", "audio"):
        return "script.type must be text or audio"
    if script["type"] == "text" and not isinstance(script.get("input"), str):
        return "script.input is required for a text script"
    return None


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read the world
        return

    def _send(self, status: int, body: Any, content_type: str = "application/json") -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _route(self, method: str) -> None:
        world, url = self.server.world, urlsplit(self.path)
        parts = [p for p in url.path.split("/") if p]
        if method == "GET" and len(parts) == 2 and parts[0] == "results":
            talk = world.talks.get(parts[1].removesuffix(".mp4"))
            self._send(200, RESULT, "video/mp4") if talk else self._send(404, {})
            return
        if not world.authorised(self.headers.get("Authorization")):
            self._send(401, {"kind": "AuthorizationError", "description": "Unauthorized"})
            return
        if parts == ["credits"] and method == "GET":
            self._send(200, {"remaining": world.credits, "total": 100.0})
        elif parts == ["talks"] and method == "POST":
            self._create(world)
        elif parts == ["talks"] and method == "GET":
            query = parse_qs(url.query)
            limit = int(query.get("limit", ["100"])[0])
            self._send(200, world.page(max(1, min(limit, 1000)), query.get("token", [""])[0]))
        elif len(parts) == 2 and parts[0] == "talks" and parts[1] in world.talks:
            if method == "DELETE":
                del world.talks[parts[1]]
                self._send(200, {"deleted": True})
            else:
                self._send(200, world.view(world.talks[parts[1]]))
        else:
            self._send(404, {"kind": "NotFoundError", "description": "not found"})

    def _create(self, world: TalksWorld) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(413, {"kind": "PayloadTooLarge"})
            return
        try:
            body = json.loads(self.rfile.read(length) or b"null")
        except ValueError:
            self._send(400, {"kind": "BadRequestError", "description": "not JSON"})
            return
        status, answer = world.create(body, self.server.root_url)
        if status == 201 and world.lose_answers:  # the talk is made; its answer is lost
            self._send(502, {"kind": "BadGateway"})
            return
        self._send(status, answer)

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def do_DELETE(self) -> None:
        self._route("DELETE")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    world: TalksWorld
    root_url: str


class DidEmulator:
    """A running emulator: ``base_url`` for ``provider.base_url``, ``world`` for tests."""

    def __init__(self, world: TalksWorld, host: str, port: int) -> None:
        self.world = world
        self._server = _Server((host, port), _Handler)
        self._server.world = world
        self.port = self._server.server_address[1]
        self.base_url = self._server.root_url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def names(self) -> dict[str, str | None]:
        return {i: t["body"].get("name") for i, t in list(self.world.talks.items())}

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> DidEmulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def serve(
    *, token: str, clock: Clock | None = None, host: str = "127.0.0.1", port: int = 0, **world: Any
) -> DidEmulator:
    """Serve D-ID's Talks API accepting ``token``; ``port=0`` takes a free port."""
    return DidEmulator(TalksWorld(token, clock or SystemClock(), **world), host, port)


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - exercised by .ci/run
    parser = argparse.ArgumentParser(description="A local D-ID Talks API.")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--token", default="demo")
    parser.add_argument("--processing-seconds", type=float, default=2.0)
    args = parser.parse_args(argv)
    server = serve(token=args.token, port=args.port, processing_seconds=args.processing_seconds)
    print(f"base_url: {server.base_url}", flush=True)
    try:
        threading.Event().wait()  # until Ctrl-C or SIGTERM
    except KeyboardInterrupt:
        server.close()


if __name__ == "__main__":  # pragma: no cover
    main()
