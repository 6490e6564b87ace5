"""The HeyGen API v3 client (its sources: ``vidspec.providers.heygen.api``).

Every path, limit and choice it relies on is in ``vidspec.providers.heygen.api.API`` (and the
limits as data in ``LIMITS``); answers are read in ``wire``, lists followed in ``paging``, the
catalog in ``catalog``, creates sent in ``creating``. All HTTP goes through
``vidspec.http``.

- **Auth.** The key travels only in the ``x-api-key`` header; it is blanked from any message
  the service echoes and never logged (the request log names method, path and status only).
- **Creates** carry an ``Idempotency-Key`` (given, or a new one per call): an answer lost on
  the way (5xx, a dropped connection, a timeout) and a 409 ``request_in_progress`` are retried
  with the same key, so HeyGen replays the first answer instead of making a second video. Only
  when every try is lost does ``create`` raise ``OutcomeUnknown``; ``recover`` resolves such a
  create later: the same key within 24 hours, the title and creation time past them.
- **Limits.** HeyGen caps the videos generating at once (10 on pay-as-you-go), answering 429
  with ``Retry-After``: ``RateLimited`` for the engine to wait out (nothing was made); reads
  answered 429 or 5xx are retried by the HTTP layer on the injected clock.
- **Polling** asks the bulk statuses call for up to 100 ids at once: ``status`` of N ids costs
  ceil(N / 100) requests.
- **Downloads** take a fresh link from ``GET /v3/videos/{id}`` just before they start (links
  expire, v3 says not when), and once more when the file host refuses it (403/404).
- **What it cannot do.** Rename and cancel: HeyGen has no such endpoints, so this class has
  no such methods (it is a ``Deleter``, not a ``Renamer`` or ``Canceler``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin

from vidspec.core.clock import Clock, SystemClock
from vidspec.core.errors import AuthError, ProjectError, ProviderError
from vidspec.core.videos import DownloadResult, RemoteVideo, TaskState
from vidspec.http.client import HttpClient, HttpPolicy, new_session, path_of
from vidspec.http.ledger import RequestLedger
from vidspec.providers.base import Capabilities, max_listed
from vidspec.providers.heygen.api import API, CAPABILITIES
from vidspec.providers.heygen.catalog import (
    HeygenCatalog,
    Look,
    Template,
    Voice,
    balance_of,
    look_of,
    template_of,
    voice_of,
)
from vidspec.providers.heygen.creating import Creator, LostCreate
from vidspec.providers.heygen.paging import Fetch, pages
from vidspec.providers.heygen.wire import data_of, status_of, video_of
from vidspec.providers.pacing import Pacing

log = logging.getLogger("vidspec.providers.heygen")

KEY_HINT = (
    "Check the variable named by provider.api_key in vidspec.yaml: HeyGen refused the key "
    "(a key is made in the HeyGen dashboard; an OAuth token is not an API key)."
)
_TEMPLATE_FIELDS = ("title", "folder_id", "caption")  # [doc CLI] of the generate call vidspec sends
_CATALOG_MOST = 100_000  # looks, voices or templates an account can hold [vidspec]


def template_variables(given: Mapping[str, Any]) -> dict[str, Any]:
    """A manifest's template variables in the generate call's shape: a plain text value is a
    text variable (``{name, type: text, properties: {content}}``) [vidspec: what a CSV row
    fills]; a mapping is sent as written (the vendor's own shape)."""
    return {
        name: value
        if isinstance(value, Mapping)
        else {"name": name, "type": "text", "properties": {"content": str(value)}}
        for name, value in given.items()
    }


class HeygenProvider:
    """HeyGen, as the ``Provider`` protocol describes, plus the calls only HeyGen has
    (templates, bulk statuses, fresh links, ``recover``). See the module docstring."""

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None = None,
        clock: Clock | None = None,
        policy: HttpPolicy | None = None,
        capabilities: Capabilities = CAPABILITIES,
        trust_env: bool = True,
    ) -> None:
        if not api_key:
            raise ProjectError(
                "the heygen provider needs an API key",
                "Set provider.api_key: env/HEYGEN_API_KEY in vidspec.yaml.",
            )
        self.capabilities = capabilities
        self.ledger = RequestLedger()
        self.file_ledger = RequestLedger()  # downloads of finished files: not API calls
        self._clock = clock or SystemClock()
        self._base = (base_url or API.default_base_url).rstrip("/")
        self._key = api_key
        self._http = HttpClient(
            new_session(self.ledger, policy=policy, clock=self._clock, trust_env=trust_env),
            secrets=[api_key],
            policy=policy,
        )
        self._files = HttpClient(
            new_session(self.file_ledger, policy=policy, clock=self._clock, trust_env=trust_env),
            secrets=[api_key],
            policy=policy,
        )
        # The command's one pacing: the engine reads its waits, create takes its turn here.
        self.pacing = Pacing(
            capabilities.generation_rate,
            capabilities.request_rate,
            self._clock,
            limits=capabilities.limits,
        )
        self._creator = Creator(self._call, self.pacing, self._clock, self._base)

    # -- one API call -----------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json: Any = None,
        key: str | None = None,
    ) -> Any:
        """Send one API call with the key and return its decoded JSON answer."""
        headers = {API.auth_header: self._key, "Accept": "application/json"}
        if key is not None:
            headers[API.idempotency_header] = key
        try:
            with self.pacing.request():
                return self._http.request_json(
                    method, self._base + path, params=params, json=json, headers=headers
                )
        except AuthError as exc:
            if exc.status != 401:
                raise  # 403: the key is good, the account may not do this
            raise AuthError(
                "HeyGen refused the API key",
                method=exc.method,
                path=exc.path,
                host=exc.host,
                status=exc.status,
                server_message=exc.server_message,
                hint=KEY_HINT,
            ) from exc

    def _list(
        self, path: str, *, limit: int, most: int, params: Mapping[str, str | int] | None = None
    ) -> list[Any]:
        """Every item of a list, page by page."""
        items: list[Any] = []
        fetch = self._fetcher(path)
        for page in pages(fetch, self._base + path, limit=limit, most=most, params=params):
            items += page
        return items

    def _fetcher(self, path: str) -> Fetch:
        def fetch(query: Mapping[str, str | int]) -> Any:
            return self._call("GET", path, params=query)

        return fetch

    @staticmethod
    def _path(template: str, item_id: str) -> str:
        return template.format(id=quote(item_id, safe=""))

    # -- the Provider protocol --------------------------------------------------------------

    def catalog(self) -> HeygenCatalog:
        """The avatar looks, the voices (public and the account's own: the list's ``type``
        defaults to public) and the balance: four requests when each list fits in one page
        (``capabilities.catalog_requests``)."""
        looks = self._list(API.looks_path, limit=API.looks_page_size, most=_CATALOG_MOST)
        voices = [
            item
            for kind in API.voice_types
            for item in self._list(
                API.voices_path,
                limit=API.voices_page_size,
                most=_CATALOG_MOST,
                params={"type": kind},
            )
        ]
        me = data_of(self._call("GET", API.me_path), method="GET", path=API.me_path)
        found_looks = [look_of(i) for i in looks if isinstance(i, Mapping)]
        found_voices = [voice_of(i) for i in voices if isinstance(i, Mapping)]
        return HeygenCatalog(
            looks={look.id: look for look in found_looks if isinstance(look, Look)},
            voices={voice.id: voice for voice in found_voices if isinstance(voice, Voice)},
            balance=balance_of(me),
        )

    def list_videos(self, since: datetime | None = None) -> list[RemoteVideo]:
        """Every video, ``capabilities.list_page_size`` a page, following ``next_token`` until
        ``has_more`` is false: ceil(N / page) requests, at least 1.

        With ``since``, reading stops at the first page that reaches a video made before it,
        but only while every item so far came newest first: HeyGen does not document the
        order, so a listing seen out of that order is read to its end."""
        found: dict[str, RemoteVideo] = {}
        url = self._base + API.videos_path
        now = self._clock.now()
        newest_first = True
        last: datetime | None = None
        fetch = self._fetcher(API.videos_path)
        most = max_listed(self.capabilities)
        for page in pages(fetch, url, limit=self.capabilities.list_page_size, most=most):
            for item in page:
                video = video_of(item, now=now, path=path_of(url))
                newest_first = newest_first and (last is None or video.created_at <= last)
                last = video.created_at
                found.setdefault(video.id, video)  # an item that slid between pages
            if since is not None and newest_first and last is not None and last < since:
                break
        return list(found.values())

    def create(self, spec: Mapping[str, Any], idempotency_key: str | None = None) -> str:
        """Send ``POST /v3/videos`` with ``idempotency_key`` (a new one when ``None``) and
        return the new video's id; see ``creating.Creator.create``."""
        return self._creator.create(spec, idempotency_key)

    def create_keyed(self, spec: Mapping[str, Any], key: str) -> str:
        """``create`` with the ``Idempotency-Key`` ``vs-<key>`` (``KeyedCreator``): a retry
        whose answer was lost gets the first answer replayed, never a second video."""
        template = spec.get("template")
        if isinstance(template, Mapping):  # a manifest's template: {id, variables}
            others = {k: v for k, v in spec.items() if k in _TEMPLATE_FIELDS}
            variables = template_variables(template.get("variables") or {})
            return self.generate(
                str(template.get("id", "")), variables, idempotency_key="vs-" + key, **others
            )
        return self.create(spec, idempotency_key="vs-" + key)

    def status(self, ids: Sequence[str]) -> dict[str, RemoteVideo]:
        """The status of each id, 100 ids a request (``GET /v3/videos/statuses``). Ids the
        service does not know are left out, and so are ids no HeyGen id looks like (never
        sent: ``a,b`` would ask for two). The call tells neither title, creation time nor
        link: those read as unknown, ``created_at`` as now (the listing has them)."""
        out: dict[str, RemoteVideo] = {}
        path = path_of(self._base + API.statuses_path)
        checked = [i for i in dict.fromkeys(ids) if API.id_pattern.fullmatch(i)]
        now = self._clock.now()
        for start in range(0, len(checked), API.max_status_ids):
            chunk = checked[start : start + API.max_status_ids]
            body = self._call("GET", API.statuses_path, params={"video_ids": ",".join(chunk)})
            items = data_of(body, method="GET", path=path)
            if not isinstance(items, list):
                raise ProviderError(
                    "the service's statuses answer has no 'data' list", method="GET", path=path
                )
            for item in items:
                video = status_of(item, now=now, path=path)
                if video is not None and video.id in chunk:
                    out[video.id] = video
        return out

    def video(self, video_id: str) -> RemoteVideo:
        """``GET /v3/videos/{id}``: the video, with a fresh download link once completed."""
        path = self._path(API.video_path, video_id)
        data = data_of(self._call("GET", path), method="GET", path=path)
        return video_of(data, now=self._clock.now(), path=path)

    def delete(self, video_id: str) -> None:
        """Delete a video and its files (also while it renders); ``NotFound`` when gone."""
        self._call("DELETE", self._path(API.video_path, video_id))

    def download(self, video_id: str, dest: Path) -> DownloadResult:
        """Stream the file to ``dest`` atomically without the API key, from a link asked for
        just now; a link the file host refuses (403/404: expired) is asked for once more."""
        try:
            return self._save(self._fresh_link(video_id), dest)
        except ProviderError as exc:
            if exc.status not in API.stale_link_statuses:
                raise
            log.info("the file host refused the link (HTTP %s); asking for a new one", exc.status)
        return self._save(self._fresh_link(video_id), dest)

    def _fresh_link(self, video_id: str) -> str:
        video = self.video(video_id)
        if video.state is not TaskState.DONE or not video.url:
            raise ProviderError(
                f"video {video_id} cannot be downloaded yet: it is {video.state.value}",
                method="GET",
                path=path_of(self._base + self._path(API.video_path, video_id)),
                server_message=video.message,
                hint="Wait until HeyGen has rendered it (vidspec apply waits on its own).",
            )
        return urljoin(self._base + "/", video.url)

    def _save(self, url: str, dest: Path) -> DownloadResult:
        return self._files.download(
            url, dest, refused_hint="HeyGen's links expire; run the command again for a new one."
        )

    def close(self) -> None:
        self._http.close()
        self._files.close()

    # -- HeyGen's own calls -----------------------------------------------------------------

    def templates(self, *, with_variables: bool = True) -> list[Template]:
        """The templates the account can generate from (``GET /v3/templates``), each with its
        declared variables (one ``GET /v3/templates/{id}`` each) unless ``with_variables`` is
        false."""
        items = self._list(API.templates_path, limit=API.list_page_size, most=_CATALOG_MOST)
        found = [t for t in (template_of(i) for i in items if isinstance(i, Mapping)) if t]
        if not with_variables:
            return found
        return [self.template(t.id) for t in found]

    def template(self, template_id: str) -> Template:
        """One template with its variables (their defaults in the generate call's shape) and
        scene ids."""
        path = self._path(API.template_path, template_id)
        data = data_of(self._call("GET", path), method="GET", path=path)
        template = template_of(data) if isinstance(data, Mapping) else None
        if template is None:
            raise ProviderError("the service answered a template without an id", path=path)
        return template

    def generate(
        self,
        template_id: str,
        variables: Mapping[str, Any],
        *,
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> str:
        """A video from a template (``POST /v3/templates/{id}``) with ``variables`` and the
        call's other fields (``title``, ``folder_id``, ...); returns the new video's id."""
        body = {**fields, "variables": variables}
        return self._creator.generate(
            self._path(API.template_path, template_id), body, idempotency_key
        )

    def find_by_title(self, title: str, *, since: datetime | None = None) -> list[RemoteVideo]:
        """The videos titled exactly ``title`` (made at or after ``since``), found through the
        list's ``title`` filter (a substring filter whose case rules are undocumented: the
        titles are compared here, exactly)."""
        url = self._base + API.videos_path
        items = self._list(
            API.videos_path,
            limit=API.list_page_size,
            most=max_listed(self.capabilities),
            params={"title": title},
        )
        now = self._clock.now()
        found = [video_of(item, now=now, path=path_of(url)) for item in items]
        return [v for v in found if v.name == title and (since is None or v.created_at >= since)]

    def recover(
        self, spec: Mapping[str, Any], *, idempotency_key: str, sent_at: datetime
    ) -> LostCreate:
        """What became of a create sent at ``sent_at`` whose answer was lost: within 24 hours
        the same key is sent again (HeyGen replays the first answer, or makes the video now if
        the first never arrived); past them, the videos titled as the spec's, made since then
        (``LostCreate.candidates``; ``video_id`` when exactly one)."""
        return self._creator.recover(spec, idempotency_key, sent_at, self.find_by_title)

    def __repr__(self) -> str:
        return f"HeygenProvider({self._base!r})"
