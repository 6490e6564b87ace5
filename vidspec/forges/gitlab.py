"""GitLab's REST API (v4) for merge-request notes.

- ``GET /projects/:id/merge_requests/:iid/notes?per_page=100&sort=asc&order_by=created_at``,
  the next page number in the ``X-Next-Page`` header (empty on the last page);
- ``POST`` the same path, ``PUT``/``DELETE …/notes/:note_id``;
- ``GET /projects/:id/repository/commits/:sha/merge_requests``: the MRs of a commit;
- ``GET /user``: who the token is (``username``; a project access token's bot user).

A note's author is its ``author.username``.

``:id`` is the numeric project id or the URL-encoded path (``group%2Fproject``).
Authentication: ``PRIVATE-TOKEN: TOKEN``. System notes ("added 1 commit") are skipped.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from vidspec.core.clock import Clock
from vidspec.core.errors import ForgeError
from vidspec.forges.base import MAX_PAGES, Comment
from vidspec.forges.transport import ForgeHttp, clean
from vidspec.http.client import HttpPolicy

PERMISSION_HINT = (
    "The token in GITLAB_TOKEN (or --token-env) needs the `api` scope and at least the "
    "Reporter role in the project; CI_JOB_TOKEN cannot write merge-request notes."
)


class GitLab:
    """Merge-request notes of one GitLab project (numeric id or ``group/project`` path)."""

    request_noun = "merge request"
    default_author: str | None = None  # every token that may write a note may also read GET /user

    def __init__(
        self, api_url: str, project: str, token: str, clock: Clock, policy: HttpPolicy | None = None
    ) -> None:
        if not project.strip():
            raise ForgeError("--repo is empty", "Pass the project id or path (CI_PROJECT_ID).")
        self.repo = project
        self._id = quote(project, safe="")
        self.http = ForgeHttp(
            api_url=api_url,
            headers={"PRIVATE-TOKEN": token},
            token=token,
            forge="GitLab",
            permission_hint=PERMISSION_HINT,
            clock=clock,
            policy=policy,
        )
        self.host = self.http.host

    def whoami(self) -> str | None:
        doc, _ = self.http.send(
            "GET", "/user", what="asking who the token is (GET /user)", forbidden_ok=True
        )
        username = _field(doc, "username")
        return username if isinstance(username, str) and username else None

    def _notes(self, number: int) -> str:
        return f"/projects/{self._id}/merge_requests/{number}/notes"

    def list_comments(self, number: int) -> list[Comment]:
        what = f"listing the notes of merge request !{number} in {self.repo}"
        comments: list[Comment] = []
        page: str = "1"
        for _ in range(MAX_PAGES):
            params: dict[str, str | int] = {
                "per_page": 100,
                "page": page,
                "sort": "asc",
                "order_by": "created_at",
            }
            doc, headers = self.http.send("GET", self._notes(number), what=what, params=params)
            if not isinstance(doc, list):
                raise ForgeError(f"{self.host} answered something other than a list while {what}.")
            comments += [_note(n, self.host) for n in doc if not _field(n, "system")]
            page = headers.get("X-Next-Page", "").strip()
            if not page:
                return comments
            if not page.isdigit():
                raise ForgeError(f"{self.host} sent X-Next-Page {clean(page, 40)!r} while {what}.")
        raise ForgeError(f"{self.host} listed more than {MAX_PAGES} pages while {what}.")

    def create_comment(self, number: int, body: str) -> Comment:
        what = f"commenting on merge request !{number} in {self.repo}"
        doc, _ = self.http.send("POST", self._notes(number), what=what, body={"body": body})
        return _note(doc, self.host)

    def update_comment(self, number: int, comment_id: str, body: str) -> None:
        what = f"updating note {comment_id} on merge request !{number} in {self.repo}"
        path = f"{self._notes(number)}/{quote(comment_id, safe='')}"
        self.http.send("PUT", path, what=what, body={"body": body})

    def delete_comment(self, number: int, comment_id: str) -> None:
        what = f"deleting note {comment_id} on merge request !{number} in {self.repo}"
        self.http.send("DELETE", f"{self._notes(number)}/{quote(comment_id, safe='')}", what=what)

    def requests_for_commit(self, sha: str) -> list[int]:
        what = f"finding the merge request of commit {sha} in {self.repo}"
        path = f"/projects/{self._id}/repository/commits/{quote(sha, safe='')}/merge_requests"
        doc, _ = self.http.send("GET", path, what=what)
        if not isinstance(doc, list):
            raise ForgeError(f"{self.host} answered something other than a list while {what}.")
        merged = [m for m in doc if _field(m, "state") == "merged"]
        ordered = merged + [m for m in doc if m not in merged]
        return [n for m in ordered if isinstance(n := _field(m, "iid"), int)]

    def close(self) -> None:
        self.http.close()


def _field(doc: Any, key: str) -> Any:
    return doc.get(key) if isinstance(doc, dict) else None


def _note(doc: Any, host: str) -> Comment:
    nid, body = _field(doc, "id"), _field(doc, "body")
    if not isinstance(nid, int | str) or isinstance(nid, bool):
        raise ForgeError(f"{host} sent a note without an id: {clean(repr(doc), 120)}")
    username = _field(_field(doc, "author"), "username")
    return Comment(
        id=str(nid),
        body=body if isinstance(body, str) else "",
        author=username if isinstance(username, str) and username else None,
    )
