"""GitHub's REST API for pull-request comments (issue comments of the PR).

- ``GET /repos/{owner}/{repo}/issues/{number}/comments?per_page=100``, next pages from the
  ``Link: <…>; rel="next"`` header;
- ``POST`` the same path, ``PATCH``/``DELETE /repos/{owner}/{repo}/issues/comments/{id}``;
- ``GET /repos/{owner}/{repo}/commits/{sha}/pulls``: the PRs a commit belongs to (the merged
  one first);
- ``GET /user``: who the token is (``login``). A workflow's ``GITHUB_TOKEN`` (an App
  installation token) may not call it (403 "Resource not accessible by integration"): its
  comments are by ``github-actions[bot]``, the ``DEFAULT_AUTHOR``.

A comment's author is its ``user.login``.

Authentication: ``Authorization: Bearer TOKEN``; API version header ``2022-11-28``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from vidspec.core.clock import Clock
from vidspec.core.errors import ForgeError
from vidspec.forges.base import MAX_PAGES, Comment
from vidspec.forges.transport import ForgeHttp, clean
from vidspec.http.client import HttpPolicy

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_AUTHOR = "github-actions[bot]"
PERMISSION_HINT = (
    "The token needs permission to write pull-request comments: `permissions: "
    "pull-requests: write` in the workflow (a fine-grained token: 'Pull requests: write')."
)
_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')
_REPO = re.compile(r"\A[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+\Z")


class GitHub:
    """Pull-request comments of one GitHub repository (``owner/name``)."""

    request_noun = "pull request"
    default_author: str | None = DEFAULT_AUTHOR

    def __init__(
        self, api_url: str, repo: str, token: str, clock: Clock, policy: HttpPolicy | None = None
    ) -> None:
        if not _REPO.match(repo):
            raise ForgeError(
                f"--repo {repo!r} is not a GitHub repository name",
                "Pass it as OWNER/NAME (GITHUB_REPOSITORY on GitHub Actions).",
            )
        self.repo = repo
        self.http = ForgeHttp(
            api_url=api_url,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
            },
            token=token,
            forge="GitHub",
            permission_hint=PERMISSION_HINT,
            clock=clock,
            policy=policy,
        )
        self.host = self.http.host

    def whoami(self) -> str | None:
        doc, _ = self.http.send(
            "GET", "/user", what="asking who the token is (GET /user)", forbidden_ok=True
        )
        login = _field(doc, "login")
        return login if isinstance(login, str) and login else None

    def list_comments(self, number: int) -> list[Comment]:
        what = f"listing the comments of pull request #{number} in {self.repo}"
        url: str | None = f"/repos/{self.repo}/issues/{number}/comments"
        params: dict[str, str | int] | None = {"per_page": 100}
        comments: list[Comment] = []
        for _ in range(MAX_PAGES):
            if url is None:
                return comments
            page, headers = self.http.send("GET", url, what=what, params=params)
            comments += [_comment(c, self.host) for c in _list(page, self.host, what)]
            match = _NEXT.search(headers.get("Link", ""))
            url, params = (match.group(1) if match else None), None
        if url is not None:
            raise ForgeError(f"{self.host} listed more than {MAX_PAGES} pages while {what}.")
        return comments

    def create_comment(self, number: int, body: str) -> Comment:
        what = f"commenting on pull request #{number} in {self.repo}"
        doc, _ = self.http.send(
            "POST", f"/repos/{self.repo}/issues/{number}/comments", what=what, body={"body": body}
        )
        return _comment(doc, self.host)

    def update_comment(self, number: int, comment_id: str, body: str) -> None:
        what = f"updating comment {comment_id} on pull request #{number} in {self.repo}"
        path = f"/repos/{self.repo}/issues/comments/{quote(comment_id, safe='')}"
        self.http.send("PATCH", path, what=what, body={"body": body})

    def delete_comment(self, number: int, comment_id: str) -> None:
        what = f"deleting comment {comment_id} on pull request #{number} in {self.repo}"
        path = f"/repos/{self.repo}/issues/comments/{quote(comment_id, safe='')}"
        self.http.send("DELETE", path, what=what)

    def requests_for_commit(self, sha: str) -> list[int]:
        what = f"finding the pull request of commit {sha} in {self.repo}"
        doc, _ = self.http.send(
            "GET", f"/repos/{self.repo}/commits/{quote(sha, safe='')}/pulls", what=what
        )
        pulls = _list(doc, self.host, what)
        merged = [p for p in pulls if isinstance(p, dict) and p.get("merged_at")]
        ordered = merged + [p for p in pulls if p not in merged]
        return [n for p in ordered if isinstance(n := _field(p, "number"), int)]

    def close(self) -> None:
        self.http.close()


def _list(doc: Any, host: str, what: str) -> list[Any]:
    if not isinstance(doc, list):
        raise ForgeError(f"{host} answered something other than a list while {what}.")
    return doc


def _field(doc: Any, key: str) -> Any:
    return doc.get(key) if isinstance(doc, dict) else None


def _comment(doc: Any, host: str) -> Comment:
    cid, body = _field(doc, "id"), _field(doc, "body")
    if not isinstance(cid, int | str) or isinstance(cid, bool):
        raise ForgeError(f"{host} sent a comment without an id: {clean(repr(doc), 120)}")
    login = _field(_field(doc, "user"), "login")
    return Comment(
        id=str(cid),
        body=body if isinstance(body, str) else "",
        author=login if isinstance(login, str) and login else None,
    )
