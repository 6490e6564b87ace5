"""Loopback emulators of GitHub's and GitLab's REST APIs for PR/MR comments (real HTTP).

What they enforce, after the vendors' docs: tokens (401 unknown, 403 read-only on a write),
404 for an unknown repository or PR, pagination (GitHub: ``per_page`` up to 100, ``Link``
``rel="next"``; GitLab: ``X-Next-Page``), GitHub's 65,536-character body limit (422) and
GitLab's 1,000,000 (400), commit -> PR lookup, and injected faults (a secondary rate limit with
``Retry-After``, a 502 after the comment was made). Every request is logged (method, path,
the auth header's presence, never its value) for the tests to assert on.

Tokens map to users, and comments have authors, as on the real APIs: a comment is by the user
of the token that posted it (GitHub ``user: {login, id, type}``, GitLab ``author: {id,
username, name, state}``); a seeded comment is by ``by`` (default ``REVIEWER``, a person).
``GET /user`` answers who a token is (GitLab: ``bot: true`` for a project access token's bot),
but GitHub answers 403 "Resource not accessible by integration" to an installation token (a
workflow's ``GITHUB_TOKEN``, whose comments are by ``github-actions[bot]``). A token given no
user in ``world.users`` is the forge's usual CI token: GitHub's ``ACTIONS_BOT``, GitLab's
``PROJECT_BOT``. As on the real forges, a token that may write may edit or delete anyone's
comment: only the client can keep to its own.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

GITHUB_LIMIT = 65_536
GITLAB_LIMIT = 1_000_000


@dataclass(frozen=True)
class User:
    """Who a token is. ``integration``: a token that may not read ``GET /user`` (403): on
    GitHub an App installation token, a workflow's ``GITHUB_TOKEN`` among them."""

    login: str
    id: int
    bot: bool = False
    integration: bool = False


ACTIONS_BOT = User("github-actions[bot]", 41898282, bot=True, integration=True)
PROJECT_BOT = User("project_42_bot_5f2a9c", 9042, bot=True)
REVIEWER = User("reviewer", 501)


@dataclass
class Fault:
    method: str
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    after_done: bool = False  # do the work, then answer with the fault (a lost answer)


@dataclass
class Call:
    method: str
    path: str
    query: str
    authorized: bool
    body: Any = None


class ForgeWorld:
    """Repositories, their PRs' comments, and commit -> PR numbers. Thread-safe."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tokens: dict[str, str] = {}  # token -> "write" | "read"
        self.users: dict[str, User] = {}  # token -> its user (default: ``default_user``)
        self.default_user = ACTIONS_BOT
        self.author_key = "user"  # where a comment names its author: GitHub "user"
        self.author_doc: Any = _github_user
        self.comments: dict[tuple[str, int], list[dict[str, Any]]] = {}
        self.commits: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.faults: list[Fault] = []
        self.calls: list[Call] = []
        self._ids = itertools.count(1000)

    def add_request(self, repo: str, number: int) -> None:
        self.comments.setdefault((repo, number), [])

    def seed(
        self, repo: str, number: int, body: str, *, by: User = REVIEWER, **extra: Any
    ) -> dict[str, Any]:
        comment = {"id": next(self._ids), "body": body, self.author_key: self.author_doc(by)}
        comment.update(extra)
        self.comments.setdefault((repo, number), []).append(comment)
        return comment

    def user_of(self, token: str) -> User:
        return self.users.get(token, self.default_user)

    def new_id(self) -> int:
        return next(self._ids)

    def bodies(self, repo: str, number: int) -> list[str]:
        return [c["body"] for c in self.comments[(repo, number)] if not c.get("system")]

    def fail_next(self, fault: Fault) -> None:
        self.faults.append(fault)

    def take_fault(self, method: str) -> Fault | None:
        for fault in self.faults:
            if fault.method == method:
                self.faults.remove(fault)
                return fault
        return None


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _dispatch(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        parts = urlsplit(self.path)
        api = self.server.api
        token = api.token_of(self.headers)
        world = api.world
        with world.lock:
            world.calls.append(Call(method, parts.path, parts.query, token is not None, body))
            status, doc, headers = api.handle(
                method, parts.path, parse_qs(parts.query), body, token
            )
        data = b"" if doc is None else json.dumps(doc).encode()
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    api: ForgeApi


Answer = tuple[int, Any, dict[str, str]]


class ForgeApi:
    """Base of the two emulators: auth, faults, and a server on 127.0.0.1:0."""

    limit = GITHUB_LIMIT
    prefix = ""

    def __init__(self) -> None:
        self.world = ForgeWorld()
        self.caller = self.world.default_user  # the user of the request being answered
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.api = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )  # shut down within 50 ms, not the default 500

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{self.prefix}"

    def __enter__(self) -> ForgeApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def token_of(self, headers: Any) -> str | None:
        raise NotImplementedError

    def handle(
        self, method: str, path: str, query: dict[str, list[str]], body: Any, token: str | None
    ) -> Answer:
        permission = self.world.tokens.get(token or "")
        if permission is None:
            return 401, self.unauthorized(), {}
        if method != "GET" and permission != "write":
            return 403, self.forbidden(), {}
        fault = self.world.take_fault(method)
        if fault is not None and not fault.after_done:
            return fault.status, fault.body, fault.headers
        self.caller = self.world.user_of(token or "")
        answer = self.route(method, [unquote(p) for p in path.split("/")[1:]], query, body)
        if fault is not None:
            return fault.status, fault.body, fault.headers
        return answer

    def route(self, method: str, seg: list[str], query: dict[str, list[str]], body: Any) -> Answer:
        raise NotImplementedError

    def unauthorized(self) -> Any:
        raise NotImplementedError

    def forbidden(self) -> Any:
        raise NotImplementedError

    def not_found(self) -> Answer:
        return 404, {"message": "Not Found"}, {}

    def _page(self, items: list[Any], query: dict[str, list[str]]) -> tuple[list[Any], int, int]:
        per_page = min(100, int(query.get("per_page", ["30"])[0]))
        page = max(1, int(query.get("page", ["1"])[0]))
        pages = max(1, -(-len(items) // per_page))
        return items[(page - 1) * per_page : page * per_page], page, pages


class GitHubApi(ForgeApi):
    """``/repos/{owner}/{repo}/issues/{n}/comments`` and friends. ``link_base`` replaces the
    host in ``Link`` (a hostile server pointing the client elsewhere)."""

    link_base: str | None = None

    def token_of(self, headers: Any) -> str | None:
        match = re.fullmatch(r"(?:Bearer|token) (\S+)", headers.get("Authorization", ""))
        return match.group(1) if match else None

    def unauthorized(self) -> Any:
        return {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}

    def forbidden(self) -> Any:
        return {"message": "Resource not accessible by integration"}

    def route(self, method: str, seg: list[str], query: dict[str, list[str]], body: Any) -> Answer:
        if seg == ["user"] and method == "GET":
            if self.caller.integration:
                return 403, {"message": "Resource not accessible by integration"}, {}
            return 200, _github_user(self.caller), {}
        if len(seg) < 3 or seg[0] != "repos":
            return self.not_found()
        repo, rest = f"{seg[1]}/{seg[2]}", seg[3:]
        w = self.world
        if len(rest) == 3 and rest[0] == "issues" and rest[2] == "comments" and rest[1].isdigit():
            key = (repo, int(rest[1]))
            if key not in w.comments:
                return self.not_found()
            if method == "GET":
                return self._list(key, query)
            if method == "POST":
                if len(body.get("body", "")) > self.limit:
                    return self._too_long()
                comment = w.seed(repo, key[1], body["body"], by=self.caller)
                return 201, comment, {}
        if len(rest) == 3 and rest[:2] == ["issues", "comments"] and method in ("PATCH", "DELETE"):
            for (r, _n), comments in w.comments.items():
                for comment in comments:
                    if r == repo and str(comment["id"]) == rest[2]:
                        if method == "DELETE":
                            comments.remove(comment)
                            return 204, None, {}
                        if len(body.get("body", "")) > self.limit:
                            return self._too_long()
                        comment["body"] = body["body"]
                        return 200, comment, {}
            return self.not_found()
        if len(rest) == 3 and rest[0] == "commits" and rest[2] == "pulls" and method == "GET":
            return 200, w.commits.get((repo, rest[1]), []), {}
        return self.not_found()

    def _list(self, key: tuple[str, int], query: dict[str, list[str]]) -> Answer:
        items, page, pages = self._page(self.world.comments[key], query)
        per_page = min(100, int(query.get("per_page", ["30"])[0]))
        host = self.link_base or self.url
        base = f"{host}/repos/{key[0]}/issues/{key[1]}/comments?per_page={per_page}"
        links = []
        if page < pages:
            links.append(f'<{base}&page={page + 1}>; rel="next"')
            links.append(f'<{base}&page={pages}>; rel="last"')
        return 200, items, ({"Link": ", ".join(links)} if links else {})

    def _too_long(self) -> Answer:
        return (
            422,
            {
                "message": "Validation Failed",
                "errors": [
                    {
                        "resource": "IssueComment",
                        "code": "unprocessable",
                        "field": "data",
                        "message": "Body is too long (maximum is 65536 characters)",
                    }
                ],
            },
            {},
        )


class GitLabApi(ForgeApi):
    """``/api/v4/projects/:id/merge_requests/:iid/notes`` and friends."""

    limit = GITLAB_LIMIT
    prefix = "/api/v4"

    def __init__(self) -> None:
        super().__init__()
        self.project_ids: dict[str, str] = {}  # numeric id -> path
        self.world.default_user = PROJECT_BOT
        self.world.author_key = "author"
        self.world.author_doc = _gitlab_author

    def token_of(self, headers: Any) -> str | None:
        token = headers.get("PRIVATE-TOKEN")
        return str(token) if token else None

    def unauthorized(self) -> Any:
        return {"message": "401 Unauthorized"}

    def forbidden(self) -> Any:
        return {"message": "403 Forbidden"}

    def route(self, method: str, seg: list[str], query: dict[str, list[str]], body: Any) -> Answer:
        if seg == ["api", "v4", "user"] and method == "GET":
            if self.caller.integration:  # a token that may not read its user
                return 403, self.forbidden(), {}
            return 200, {**_gitlab_author(self.caller), "bot": self.caller.bot}, {}
        if seg[:3] != ["api", "v4", "projects"] or len(seg) < 4:
            return self.not_found()
        project = self.project_ids.get(seg[3], seg[3])
        rest = seg[4:]
        w = self.world
        if len(rest) >= 3 and rest[0] == "merge_requests" and rest[2] == "notes":
            key = (project, int(rest[1])) if rest[1].isdigit() else None
            if key is None or key not in w.comments:
                return 404, {"message": "404 Not found"}, {}
            notes = w.comments[key]
            if len(rest) == 3 and method == "GET":
                items, page, pages = self._page(notes, query)
                nxt = str(page + 1) if page < pages else ""
                return 200, items, {"X-Next-Page": nxt, "X-Page": str(page)}
            if len(rest) == 3 and method == "POST":
                if len(body.get("body", "")) > self.limit:
                    return self._too_long()
                return 201, w.seed(project, key[1], body["body"], by=self.caller, system=False), {}
            if len(rest) == 4:
                for note in notes:
                    if str(note["id"]) == rest[3]:
                        if method == "DELETE":
                            notes.remove(note)
                            return 204, None, {}
                        if method == "PUT":
                            if len(body.get("body", "")) > self.limit:
                                return self._too_long()
                            note["body"] = body["body"]
                            return 200, note, {}
                return 404, {"message": "404 Note Not Found"}, {}
        if rest[:2] == ["repository", "commits"] and len(rest) == 4 and rest[3] == "merge_requests":
            return 200, w.commits.get((project, rest[2]), []), {}
        return 404, {"message": "404 Project Not Found"}, {}

    def _too_long(self) -> Answer:
        return 400, {"message": {"note": ["is too long (maximum is 1000000 characters)"]}}, {}


def _github_user(user: User) -> dict[str, Any]:
    return {"login": user.login, "id": user.id, "type": "Bot" if user.bot else "User"}


def _gitlab_author(user: User) -> dict[str, Any]:
    return {"id": user.id, "username": user.login, "name": user.login.title(), "state": "active"}


def serve(api: ForgeApi) -> Iterator[ForgeApi]:
    with api:
        yield api
