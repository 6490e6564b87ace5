"""The Synthesia API v2 client.

Every path, header, status and choice it relies on is in ``vidspec.providers.synthesia.api``
(``API``, ``LIMITS``, ``CAPABILITIES``); the answers are read in ``wire``, the templates'
catalog is ``catalog``, the windows' pacing ``windows``. All HTTP goes through
``vidspec.http``.

- **Auth.** ``Authorization: <api key>``, the raw key without "Bearer" [doc SW]. It travels
  only in that header: blanked from any message the service echoes, never logged; download
  links are fetched by a second session that sends no key.
- **Limits.** Each endpoint has several windows at once (Creator: writes 60 a minute, 300 an
  hour, 1,000 a day; reads 60 a minute, 20,000 a day) [doc RL]. Every call takes its turn in
  ``windows.Windows`` and waits on the injected clock until all its windows have room; a
  generation first takes its turn in ``pacing.generations`` (the binding window, or a slower
  ``provider.rate_limit``), which the engine's gate reads. A 429 the client still meets
  (another program on the same key) says how long to wait in ``RateLimit-Reset``: reads,
  updates and deletes are repeated after it by the HTTP seam (``HttpPolicy.wait_headers``,
  bounded by ``safety.max_wait``); a create is not (a POST never is): it raises
  ``RateLimited`` with that wait, and the endpoint holds off meanwhile.
- **Correlation.** No call is idempotent [doc SW]. ``create(spec, callback_key=KEY)`` sends
  ``callbackId: "vs:KEY"``; after an ``OutcomeUnknown``, ``find_by_callback(KEY)`` pages
  through the listing (which returns ``callbackId``) and finds the video if it was made, so it
  is never made twice.
- **What it can do.** Rename (PATCH title; also description and visibility: ``update``),
  delete; no cancel (no such endpoint): it is a ``Renamer`` and ``Deleter``, no ``Canceler``.
  Templates (``templates``, ``template``, ``create_from_template``; a manifest's ``template:``
  is routed there by ``create_keyed``) and free watermarked test renders (``preview``, 30 a
  day: a ``Previewer`` for ``vidspec preview``; ``list_videos`` leaves them out).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from vidspec.core.clock import Clock, SystemClock
from vidspec.core.errors import (
    InvalidRequest,
    NotFound,
    OutcomeUnknown,
    ProjectError,
    ProviderError,
    RateLimited,
    WaitTooLong,
)
from vidspec.core.videos import DownloadResult, RemoteVideo, TaskState
from vidspec.http.client import HttpClient, HttpPolicy, new_session, path_of
from vidspec.http.ledger import RequestLedger
from vidspec.providers.base import Capabilities, max_listed
from vidspec.providers.pacing import Pacing
from vidspec.providers.synthesia.api import API, CAPABILITIES, LIMITS, Limits
from vidspec.providers.synthesia.catalog import SynthesiaCatalog
from vidspec.providers.synthesia.errors import LINK_HINT, check_video_id, refusal, rewrapped
from vidspec.providers.synthesia.paging import offset_pages
from vidspec.providers.synthesia.windows import Windows
from vidspec.providers.synthesia.wire import (
    Template,
    Video,
    callback_id,
    is_uuid,
    read_template,
    read_video,
)

log = logging.getLogger("vidspec.providers.synthesia")


class SynthesiaProvider:
    """Synthesia, as the ``Provider`` protocol describes. See the module docstring."""

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None = None,
        clock: Clock | None = None,
        policy: HttpPolicy | None = None,
        capabilities: Capabilities | None = None,
        limits: Limits = LIMITS,
        trust_env: bool = True,
    ) -> None:
        """``limits``: the account's tier (``api.TIERS``; Creator by default). ``capabilities``
        default to ``CAPABILITIES`` with the tier's binding write window as ``generation_rate``
        and its other write windows as ``generation_windows`` (pass a slower rate for
        ``provider.rate_limit``)."""
        if not api_key:
            raise ProjectError(
                "the synthesia provider needs an API key",
                "Set provider.api_key: env/SYNTHESIA_API_KEY in vidspec.yaml.",
            )
        if capabilities is None:
            capabilities = dataclasses.replace(
                CAPABILITIES,
                generation_rate=limits.binding_write,
                generation_windows=limits.other_writes,
            )
        self.capabilities = capabilities
        self.limits = limits
        self.ledger = RequestLedger()
        self.file_ledger = RequestLedger()  # downloads of finished files: not API calls
        self._clock = clock or SystemClock()
        self._base = (base_url or API.default_base_url).rstrip("/")
        self._key = api_key
        policy = dataclasses.replace(policy or HttpPolicy(), wait_headers=API.wait_headers)
        session = new_session(self.ledger, policy=policy, clock=self._clock, trust_env=trust_env)
        self._http = HttpClient(session, secrets=[api_key], policy=policy)
        files = new_session(self.file_ledger, policy=policy, clock=self._clock, trust_env=trust_env)
        self._files = HttpClient(files, secrets=[api_key], policy=policy)
        # The command's one pacing: every generation takes its turn in ``generations`` (the
        # binding write window, or the slower provider.rate_limit), which the engine's gate
        # reads; every call, generations included, also in its endpoint's windows.
        self.pacing = Pacing(
            capabilities.generation_rate, None, self._clock, limits=capabilities.limits
        )
        self._windows = Windows(limits, self._clock)

    # -- one API call -----------------------------------------------------------------------

    def _call(
        self,
        method: str,
        template: str,
        *,
        item: str = "",
        params: Mapping[str, str | int] | None = None,
        body: Mapping[str, Any] | None = None,
        creates: bool = False,
    ) -> Any:
        """Send one call in its endpoint's turn; the decoded answer (``None`` when empty)."""
        endpoint = f"{method} {template}"
        url = self._base + template.replace("{id}", item)
        headers = {API.auth_header: self._key, "Accept": "application/json"}
        try:
            with self._windows.turn(endpoint):
                response = self._http.request(
                    method, url, params=params, json=body, headers=headers, creates=creates
                )
        except RateLimited as exc:
            shortest = min(b.rate.seconds for b in self._windows.buckets(endpoint))
            self._windows.hold_off(
                endpoint, shortest if exc.retry_after is None else exc.retry_after
            )
            raise
        except ProviderError as exc:
            error = refusal(exc, creates=creates)
            if error is exc:
                raise
            raise error from exc
        try:
            return response.json() if response.content else None
        except ValueError as exc:
            self._http.fail(
                method,
                url,
                "the service answered something that is not JSON",
                status=response.status_code,
                creates=creates,
                cause=exc,
            )
        finally:
            response.close()

    # -- the Provider protocol --------------------------------------------------------------

    def catalog(self) -> SynthesiaCatalog:
        """The account's templates (the API lists no avatars or voices): one request a page."""
        return SynthesiaCatalog.from_items(self._pages(API.templates_path, "templates"))

    def list_videos(self, since: datetime | None = None) -> list[RemoteVideo]:
        """Every video of the listing but test videos (previews are never managed videos;
        ``since`` is no shortcut: the listing's order is not documented, so every page is
        read [vidspec])."""
        return [video.remote() for video in self.videos()]

    def videos(self, *, tests: bool = False) -> list[Video]:
        """Every video object of the listing, every page, each once, ``deleted`` ones left out
        (and test renders, unless ``tests``)."""
        found: dict[str, Video] = {}
        for item in self._pages(API.videos_path, "videos", self.capabilities.list_page_size):
            video = read_video(item, method="GET", path=API.videos_path)
            found.setdefault(video.id, video)  # offsets shift when videos are made meanwhile
        return [v for v in found.values() if v.status != API.gone_status and (tests or not v.test)]

    def _pages(self, template: str, key: str, size: int = API.page_size) -> list[Any]:
        """The items of every page of a listing, ``size`` a page, following ``nextOffset``."""
        most = min(max_listed(self.capabilities), API.max_listed)

        def fetch(params: Mapping[str, str | int]) -> Any:
            return self._call("GET", template, params=params)

        return offset_pages(fetch, self._base + template, key, most=most, size=size)

    def create(self, spec: Mapping[str, Any], *, callback_key: str | None = None) -> str:
        """``POST /v2/videos`` with ``spec`` (the create body); the new video's id.

        ``callback_key`` sets ``callbackId`` to ``vs:<key>`` (replacing one in ``spec``), so a
        lost answer can be found again (``find_by_callback``). Raises ``OutcomeUnknown`` when
        the answer was lost, ``RateLimited`` on a 429 (nothing was made)."""
        body = dict(spec)
        if callback_key is not None:
            body["callbackId"] = callback_id(callback_key)
        return self._generate(API.videos_path, body)

    def create_keyed(self, spec: Mapping[str, Any], key: str) -> str:
        """``create`` with ``callbackId: "vs:<key>"`` (``KeyedCreator``): the listing reports
        it, so the next plan finds a video whose answer was lost by it. A manifest's
        ``template: {id, variables}`` is made from that template."""
        return self._made(spec, test=False, callback_key=key)

    def _made(self, spec: Mapping[str, Any], *, test: bool, callback_key: str | None) -> str:
        template = spec.get("template")
        if not isinstance(template, Mapping):
            body = {**spec, "test": True} if test else spec
            return self.create(body, callback_key=callback_key)
        return self.create_from_template(
            str(template.get("id", "")),
            template.get("variables") or {},
            title=spec.get("title"),
            # [vidspec] always sent: a template's own description would otherwise be listed,
            # and read as a change made outside vidspec
            description=spec.get("description", ""),
            visibility=spec.get("visibility"),
            test=test,
            callback_key=callback_key,
        )

    def preview(self, spec: Mapping[str, Any], *, callback_key: str | None = None) -> str:
        """A free test render of ``spec`` (``test: true``: watermarked, 30 a day [doc INTRO]);
        a manifest's ``template`` is rendered from the template.

        Past the day's test videos the service asks to wait for hours: ``WaitTooLong``."""
        try:
            return self._made(spec, test=True, callback_key=callback_key)
        except WaitTooLong as exc:
            raise rewrapped(
                WaitTooLong,
                exc.message,
                exc,
                f"Synthesia renders {self.limits.test_videos.count} test videos a day; the "
                "next previews can be made when the oldest of today's is a day old.",
            ) from exc

    def previews_left(self) -> int:
        """Test videos the service renders before the oldest of the last day's is a day old:
        the day's allowance less the test videos the listing shows made within it."""
        window = self.limits.test_videos
        since = self._clock.now().timestamp() - window.seconds
        made = sum(
            1 for v in self.videos(tests=True) if v.test and v.created_at.timestamp() > since
        )
        return max(0, window.count - made)

    def create_from_template(
        self,
        template_id: str,
        data: Mapping[str, Any],
        *,
        title: str | None = None,
        description: str | None = None,
        visibility: str | None = None,
        test: bool = False,
        callback_key: str | None = None,
    ) -> str:
        """``POST /v2/videos/fromTemplate`` (``templateId``, ``templateData``); the new id.
        Title and description default to the template's [doc TPL]."""
        if not is_uuid(template_id):
            raise InvalidRequest(
                f"template id {template_id[:80]!r} is not a UUID; vidspec catalog lists them",
                method="POST",
                path=API.from_template_path,
            )
        given = {"title": title, "description": description, "visibility": visibility}
        body: dict[str, Any] = {"templateId": template_id, "templateData": dict(data)}
        body.update({k: v for k, v in given.items() if v is not None})
        if test:
            body["test"] = True
        if callback_key is not None:
            body["callbackId"] = callback_id(callback_key)
        return self._generate(API.from_template_path, body)

    def _generate(self, path: str, body: Mapping[str, Any]) -> str:
        """One generation (a POST that makes a video), in its turn; the new video's id."""
        try:
            with self.pacing.generation():
                answer = self._call("POST", path, body=body, creates=True)
        except RateLimited as exc:  # nothing was made; no generation before the wait is over
            if exc.retry_after is not None:
                self.pacing.generations.hold_off(exc.retry_after)
            raise
        try:
            return read_video(answer, method="POST", path=path).id
        except ProviderError as exc:  # made, perhaps, but not said which: find it by callback
            raise OutcomeUnknown(exc.message, method="POST", path=path) from exc

    def find_by_callback(self, key: str) -> Video | None:
        """The video whose ``callbackId`` is ``vs:<key>`` (the oldest, should there be two),
        from the whole listing; ``None`` when no such video was made."""
        wanted = callback_id(key)
        found = [v for v in self.videos() if v.callback_id == wanted]
        return min(found, key=lambda v: v.created_at) if found else None

    def get(self, video_id: str) -> Video:
        """``GET /v2/videos/{id}`` (``NotFound`` for an unknown or deleted video)."""
        check_video_id(video_id, "GET")
        answer = self._call("GET", API.video_path, item=video_id)
        return read_video(answer, method="GET", path=API.video_path)

    def status(self, ids: Sequence[str]) -> dict[str, RemoteVideo]:
        """One get per id; ids the service does not know (or that are no UUID) are left out."""
        out: dict[str, RemoteVideo] = {}
        for video_id in ids:
            if not is_uuid(video_id):
                log.debug("status: %r is no Synthesia id; left out", video_id[:80])
                continue
            try:
                video = self.get(video_id)
            except NotFound:
                continue
            if video.status != API.gone_status:
                out[video_id] = video.remote()
        return out

    def download(self, video_id: str, dest: Path) -> DownloadResult:
        """Get the video for a fresh link, then stream its file to ``dest`` atomically without
        the key; a link the file host refuses (403: expired) is fetched anew, once."""
        for attempt in range(API.link_refetches + 1):
            video = self.get(video_id)
            if video.state is not TaskState.DONE or not video.download:
                raise ProviderError(
                    f"video {video_id} cannot be downloaded: it is {video.status}",
                    method="GET",
                    path=path_of(self._base + API.video_path),
                    hint="Wait until Synthesia has rendered it (vidspec apply waits on its own).",
                )
            url = urljoin(self._base + "/", video.download)
            try:
                return self._files.download(url, dest, refused_hint=LINK_HINT)
            except ProviderError as exc:
                if exc.status != 403 or attempt >= API.link_refetches:
                    raise
                log.debug("download link of %s refused (403); asking for a fresh one", video_id)
        raise AssertionError("unreachable")  # the loop returns or raises

    def update(
        self,
        video_id: str,
        *,
        title: str | None = None,
        description: str | None = None,
        visibility: str | None = None,
    ) -> Video:
        """``PATCH /v2/videos/{id}``: what changes in place [doc SW]."""
        check_video_id(video_id, "PATCH")
        given = {"title": title, "description": description, "visibility": visibility}
        body = {k: v for k, v in given.items() if v is not None}
        answer = self._call("PATCH", API.video_path, item=video_id, body=body)
        return read_video(answer, method="PATCH", path=API.video_path)

    def rename(self, video_id: str, name: str) -> None:
        self.update(video_id, title=name)

    def delete(self, video_id: str) -> None:
        """``DELETE /v2/videos/{id}`` (204); ``NotFound`` when it is gone already."""
        check_video_id(video_id, "DELETE")
        self._call("DELETE", API.video_path, item=video_id)

    # -- templates --------------------------------------------------------------------------

    def templates(self) -> list[Template]:
        """The templates the service lists (its default sources), with their variables."""
        return list(self.catalog().templates)

    def template(self, template_id: str) -> Template:
        """``GET /v2/templates/{id}`` (``NotFound`` for an unknown one)."""
        if not is_uuid(template_id):
            raise NotFound(
                f"template id {template_id[:80]!r} is not a UUID",
                method="GET",
                path=API.template_path,
            )
        answer = self._call("GET", API.template_path, item=template_id)
        return read_template(answer, path=API.template_path)

    def close(self) -> None:
        self._http.close()
        self._files.close()

    def __repr__(self) -> str:
        return f"SynthesiaProvider({self._base!r})"
