"""``DidProvider``: D-ID's Talks API behind vidspec's ``Provider`` protocol (and ``Deleter``).

Every call goes through the ``HttpClient`` vidspec's ``OpenContext`` made (bounded, counted,
retried only when safe) and takes its turn in the context's ``Pacing``; a create whose
answer is lost raises ``OutcomeUnknown`` (the client never sends a POST twice), and the plan
finds the talk in the listing by its name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from vidspec.plugin import (
    AuthError,
    Capabilities,
    Catalog,
    CatalogProblem,
    DownloadResult,
    HttpClient,
    NotFound,
    OpenContext,
    ProviderError,
    Quota,
    RemoteVideo,
    RequestLedger,
    TaskState,
)

from vidspec_did.api import API, STATES

_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
KEY_HINT = (
    "Check that DID_API_KEY (or the variable provider.api_key names) holds the key D-ID shows."
)


class DidCatalog:
    """What the account may ask for: D-ID has no avatar list for talks (any image URL is a
    presenter), so the catalog is the credits left; ``problems`` finds nothing to add to the
    schema's checks."""

    def __init__(self, left: float | None, total: float | None) -> None:
        self._quota = Quota(unit="credits", limit=total, left=left)
        self.source = {"remaining": left, "total": total}

    @classmethod
    def from_source(cls, source: Any) -> DidCatalog:
        """The catalog kept in ``.vidspec/catalog.json`` (``source``), for ``validate``."""
        if not isinstance(source, Mapping):
            raise ValueError("not a D-ID catalog")
        return cls(_number(source.get("remaining")), _number(source.get("total")))

    @property
    def quota(self) -> Quota:
        return self._quota

    def problems(self, spec: Mapping[str, Any]) -> list[CatalogProblem]:
        return []

    def to_json(self) -> dict[str, Any]:
        return {"credits": dict(self.source)}


class DidProvider:
    """The client of one D-ID account (``api_key``)."""

    def __init__(
        self, *, api_key: str, base_url: str, capabilities: Capabilities, context: OpenContext
    ) -> None:
        self.capabilities = capabilities
        self.ledger = RequestLedger()
        self.file_ledger = RequestLedger()  # downloads of finished files: not API calls
        self.pacing = context.pacing(capabilities)
        self._base = base_url.rstrip("/")
        self._key = api_key
        self._http: HttpClient = context.http_client(self.ledger, secrets=[api_key])
        self._files: HttpClient = context.http_client(self.file_ledger, secrets=[api_key])

    def _call(self, method: str, path: str, **kw: Any) -> Any:
        headers = {"Authorization": f"{API.auth_scheme} {self._key}", "Accept": "application/json"}
        try:
            with self.pacing.request():
                return self._http.request_json(method, self._base + path, headers=headers, **kw)
        except AuthError as exc:
            exc.hint = KEY_HINT
            raise

    # -- the Provider protocol --------------------------------------------------------------

    def catalog(self) -> Catalog:
        """``GET /credits``: one request."""
        body = self._call("GET", API.credits_path)
        body = body if isinstance(body, Mapping) else {}
        return DidCatalog(_number(body.get("remaining")), _number(body.get("total")))

    def list_videos(self, since: datetime | None = None) -> list[RemoteVideo]:
        """Every talk, ``capabilities.list_page_size`` a page, following ``token`` until an
        answer has none (a token seen twice is a server that never stops)."""
        found: dict[str, RemoteVideo] = {}
        seen: set[str] = set()
        token = ""
        while True:
            params: dict[str, str | int] = {API.page_param: self.capabilities.list_page_size}
            if token:
                params[API.token_param] = token
            body = self._call("GET", API.talks_path, params=params)
            talks = body.get("talks") if isinstance(body, Mapping) else None
            if not isinstance(talks, list):
                raise self._broken("GET", API.talks_path, "the listing has no talks list")
            for talk in talks:
                video = _video(talk)
                if video is not None:
                    found[video.id] = video
            token = body.get("token") or ""
            if not token:
                return list(found.values())
            if not isinstance(token, str) or token in seen:
                raise self._broken("GET", API.talks_path, "the listing's page token repeats")
            seen.add(token)

    def create(self, spec: Mapping[str, Any]) -> str:
        """``POST /talks``: the talk's id. A lost answer raises ``OutcomeUnknown``."""
        with self.pacing.generation():
            body = self._call("POST", API.talks_path, json=dict(spec), creates=True)
        talk_id = body.get("id") if isinstance(body, Mapping) else None
        if not isinstance(talk_id, str) or not _ID.match(talk_id):
            self._http.fail(
                "POST", self._base + API.talks_path, "the answer has no talk id", creates=True
            )
        return talk_id

    def status(self, ids: Sequence[str]) -> dict[str, RemoteVideo]:
        """``GET /talks/{id}`` for each id; ids the service does not know are left out."""
        out: dict[str, RemoteVideo] = {}
        for talk_id in ids:
            try:
                body = self._call("GET", self._talk(talk_id))
            except NotFound:
                continue
            video = _video(body)
            if video is not None:
                out[video.id] = video
        return out

    def download(self, video_id: str, dest: Path) -> DownloadResult:
        """The talk's ``result_url``, streamed to ``dest`` (without the key: another host)."""
        video = self.status([video_id]).get(video_id)
        if video is None or video.url is None:
            raise NotFound(
                f"talk {video_id} has no result to download",
                method="GET",
                path=self._talk(video_id),
                hint="Wait until it is done; a plan shows its state.",
            )
        return self._files.download(
            video.url, dest, refused_hint="The result link expired; run the command again."
        )

    def delete(self, video_id: str) -> None:
        """``DELETE /talks/{id}``; a talk already gone counts as deleted."""
        try:
            self._call("DELETE", self._talk(video_id))
        except NotFound:
            return

    def close(self) -> None:
        self._http.close()
        self._files.close()

    def _talk(self, talk_id: str) -> str:
        return API.talk_path.format(id=quote(talk_id, safe=""))

    def _broken(self, method: str, path: str, message: str) -> ProviderError:
        return ProviderError(
            message, method=method, path=path, hint="D-ID's answer made no sense; try later."
        )


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _video(talk: Any) -> RemoteVideo | None:
    """A talk as vidspec sees it; ``None`` for one without a usable id, state or time."""
    if not isinstance(talk, Mapping):
        return None
    talk_id, status, created = talk.get("id"), talk.get("status"), talk.get("created_at")
    if not isinstance(talk_id, str) or not _ID.match(talk_id) or status not in STATES:
        return None
    try:
        created_at = datetime.fromisoformat(str(created).replace("Z", "+00:00"))
    except ValueError:
        return None
    name, url, duration = talk.get("name"), talk.get("result_url"), talk.get("duration")
    state = STATES[status]
    return RemoteVideo(
        id=talk_id,
        name=name if isinstance(name, str) else None,
        state=state,
        created_at=created_at,
        duration=_number(duration),
        url=url if isinstance(url, str) and state is TaskState.DONE else None,
        message=str(talk.get("error"))[:200] if state is TaskState.FAILED else None,
    )
