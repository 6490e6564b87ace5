"""The Vidnoz API v2 client.

Every path, code, limit and choice it relies on is in ``vidspec.providers.vidnoz.api.API``;
the form flattening and the answers' mapping are in ``wire``, the catalog in
``catalog``, the envelope codes' errors in ``errors``. All HTTP goes through
``vidspec.http``.

- **Envelope.** Every answer is ``{code, message, data}``; the code counts, not the HTTP
  status (the service says "error" under HTTP 200). 400 is ``InvalidRequest`` (or
  ``QuotaExhausted`` for spent credits, ``NotFound`` for an unknown task), 401 ``AuthError``,
  500 ``ServerError`` (``OutcomeUnknown`` for a create).
- **Pacing.** Vidnoz allows 1 request a second per key, every call counted. Each API call
  starts at least ``API.request_interval`` after the previous one *answered* (so arrivals are
  always more than a second apart), waiting on the injected ``Clock``, in the instance's
  ``pacing`` (``vidspec.providers.pacing.Pacing``). A command opens one client, so the calls
  ``apply`` plans with and those it acts with take turns there and never meet an 803.
  The time of the key's last call is also kept in the user's cache directory
  (``vidnoz.pacing.LastCall``), so the next command (another process) waits out the rest of
  that second too.
  An 803 ("too frequent") proves nothing was done: the call, a create included, is repeated
  after ``API.busy_wait``.
  Retries urllib3 makes inside one call (a GET answered 5xx) are not paced; an 803 they may
  meet is waited out the same way. File downloads go to another host and are not paced.
- **What it cannot do.** Rename, delete and cancel: Vidnoz has no such endpoints, so this
  class has no such methods (it is no ``Renamer``, ``Deleter`` or ``Canceler``; the
  capabilities say so, and the planner never plans them).
- **Secret.** The API key travels only in the ``Authorization`` header; it is blanked from any
  message the service echoes and never logged.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from vidspec.core.clock import Clock, SystemClock
from vidspec.core.errors import (
    AuthError,
    NotFound,
    ProjectError,
    ProviderError,
    RateLimited,
    ServerError,
    TransportError,
)
from vidspec.core.videos import DownloadResult, RemoteVideo, TaskState
from vidspec.http.client import FormPart, HttpClient, HttpPolicy, new_session, path_of
from vidspec.http.ledger import RequestLedger
from vidspec.providers.base import Capabilities, listing_loops, max_listed
from vidspec.providers.pacing import Pacing
from vidspec.providers.vidnoz.api import API, CAPABILITIES
from vidspec.providers.vidnoz.catalog import VidnozCatalog
from vidspec.providers.vidnoz.errors import KEY_HINT, blank_key, envelope_error
from vidspec.providers.vidnoz.pacing import LastCall
from vidspec.providers.vidnoz.wire import (
    Envelope,
    check_task_id,
    form_parts,
    listed_video,
    read_envelope,
    task_video,
)

log = logging.getLogger("vidspec.providers.vidnoz")


class VidnozProvider:
    """Vidnoz, as the ``Provider`` protocol describes. See the module docstring."""

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None = None,
        clock: Clock | None = None,
        policy: HttpPolicy | None = None,
        capabilities: Capabilities = CAPABILITIES,
        trust_env: bool = True,
        cache_dir: Path | None = None,
    ) -> None:
        """``cache_dir``: where the time of the key's last call is kept for the next command
        (``vidspec.providers.vidnoz.pacing``); ``None`` keeps the pace in this process only."""
        if not api_key:
            raise ProjectError(
                "the vidnoz provider needs an API key",
                "Set provider.api_key: env/VIDNOZ_API_KEY in vidspec.yaml.",
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
        # The command's one pacing: every API call takes its turn here (the engine reads it).
        self.pacing = Pacing(
            capabilities.generation_rate,
            capabilities.request_rate,
            self._clock,
            limits=capabilities.limits,
        )
        # and across commands, when there is a cache directory to keep the last call's time in
        self._last_call = (
            LastCall(cache_dir, self._base, api_key, API.request_interval)
            if cache_dir is not None
            else None
        )
        # file links of finished videos, as the latest listing gave them: a download needs
        # no task-detail call for a video the listing showed finished
        self._listed_urls: dict[str, str] = {}

    # -- one API call -----------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        parts: Sequence[FormPart] | None = None,
        creates: bool = False,
    ) -> Any:
        """Send one API call, paced, and return the envelope's ``data``; raise on an error code.

        803 is waited out and repeated. A read answered 500 (and a ``task/detail`` POST that
        failed on the way, which urllib3 does not repeat) is tried again a few times."""
        url = self._base + path
        busy = failures = 0
        safe_post = method == "POST" and not creates
        while True:
            try:
                with self.pacing.request(), self._across_commands():
                    envelope = self._send(method, url, params=params, parts=parts, creates=creates)
            except (ServerError, TransportError):
                if not safe_post or failures + 1 >= API.read_attempts:
                    raise
                failures += 1
                self._clock.sleep(API.read_backoff)
                continue
            if envelope.code == API.ok_code:
                return envelope.data
            if envelope.code == API.busy_code:
                busy += 1
                if busy >= API.busy_attempts:
                    raise RateLimited(
                        f"Vidnoz kept answering code {API.busy_code} (too many requests) "
                        f"{busy} times in a row",
                        retry_after=API.busy_wait,
                        method=method,
                        path=path_of(url),
                        server_message=blank_key(envelope.message, self._key) or None,
                        hint="Another client may be using the same API key; try again later.",
                    )
                log.debug(
                    "%s %s answered %s; waiting %.1f s", method, path, API.busy_code, API.busy_wait
                )
                self._clock.sleep(API.busy_wait)
                continue
            retry = not creates and failures + 1 < API.read_attempts
            if envelope.code == API.server_error_code and retry:
                failures += 1
                self._clock.sleep(API.read_backoff)
                continue
            raise envelope_error(method, url, envelope, creates, key=self._key)

    def _across_commands(self) -> contextlib.AbstractContextManager[None]:
        if self._last_call is None:
            return contextlib.nullcontext()
        return self._last_call.turn(self._clock)

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str | int] | None,
        parts: Sequence[FormPart] | None,
        creates: bool,
    ) -> Envelope:
        headers = {"Authorization": f"{API.auth_scheme} {self._key}", "Accept": "application/json"}
        try:
            response = self._http.request(
                method, url, params=params, files=parts, headers=headers, creates=creates
            )
        except AuthError as exc:
            raise AuthError(
                "Vidnoz refused the API key",
                method=exc.method,
                path=exc.path,
                host=exc.host,
                status=exc.status,
                server_message=exc.server_message,
                hint=KEY_HINT,
            ) from exc
        try:
            body = response.json()
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
        envelope = read_envelope(body)
        if envelope is None:
            self._http.fail(
                method,
                url,
                "the service answered without the {code, message, data} envelope",
                status=response.status_code,
                creates=creates,
            )
        return envelope

    # -- the Provider protocol --------------------------------------------------------------

    def catalog(self) -> VidnozCatalog:
        """The avatar and voice lists: two requests."""
        avatars = self._call("GET", API.avatars_path)
        voices = self._call("GET", API.voices_path)
        return VidnozCatalog.from_lists(avatars, voices)

    def list_videos(self, since: datetime | None = None) -> list[RemoteVideo]:
        """Every video of the list, ``capabilities.list_page_size`` a page, following
        ``end_cursor`` until it comes back empty: ceil(N / page) requests, at least 1
        (``vidspec.plan.cost.listing_requests``). The list is newest first, so with ``since``
        it stops at the first page that reaches an older video (the one that holds them)."""
        found: dict[str, RemoteVideo] = {}
        cursors: set[str] = set()
        cursor = ""
        url = self._base + API.list_path
        path = path_of(url)
        most = max_listed(self.capabilities)
        while True:
            params: dict[str, str | int] = {"limit": self.capabilities.list_page_size}
            if cursor:
                params["end_cursor"] = cursor
            data = self._call("GET", API.list_path, params=params)
            videos = data.get("videos") if isinstance(data, Mapping) else None
            if not isinstance(videos, list):
                raise ProviderError(
                    "the service's video list has no 'videos' list", method="GET", path=path
                )
            before = len(found)
            for item in videos:
                video = listed_video(item, path=path)
                found.setdefault(video.id, video)  # an item that slid between pages
            following = data.get("end_cursor")
            if since is not None and any(v.created_at < since for v in found.values()):
                return list(found.values())  # newest first: the rest is older still
            if not isinstance(following, str) or not following or not videos:
                self._listed_urls = {
                    v.id: v.url for v in found.values() if v.state is TaskState.DONE and v.url
                }
                return list(found.values())
            if len(found) == before:
                raise listing_loops(url, f"the listing repeats itself after {before} videos")
            if len(found) > most:
                raise listing_loops(
                    url,
                    f"the listing goes on past {most} videos, more videos than the "
                    f"account can hold",
                )
            if following in cursors:
                raise ProviderError(
                    "the service's video list gave the same end_cursor twice",
                    method="GET",
                    path=path,
                )
            cursors.add(following)
            cursor = following

    def create(self, spec: Mapping[str, Any]) -> str:
        with self.pacing.generation():
            data = self._call("POST", API.create_path, parts=form_parts(spec), creates=True)
        task_id = data.get("task_id") if isinstance(data, Mapping) else None
        if not isinstance(task_id, str) or not task_id:
            self._http.fail(
                "POST",
                self._base + API.create_path,
                "the service accepted the video but its answer has no task_id",
                creates=True,
            )
        return check_task_id(task_id, method="POST", path=path_of(self._base + API.create_path))

    def _detail(self, video_id: str) -> RemoteVideo:
        data = self._call("POST", API.detail_path, parts=[("id", (None, video_id))])
        return task_video(
            data,
            video_id=video_id,
            now=self._clock.now(),
            path=path_of(self._base + API.detail_path),
        )

    def status(self, ids: Sequence[str]) -> dict[str, RemoteVideo]:
        """One ``task/detail`` per id, a second apart. Ids the service does not know (never
        made, or expired) are left out of the result."""
        out: dict[str, RemoteVideo] = {}
        for video_id in ids:
            try:
                out[video_id] = self._detail(video_id)
            except NotFound:
                continue
        return out

    def download(self, video_id: str, dest: Path) -> DownloadResult:
        """Stream the file to ``dest`` atomically (temp file, rename) without the API key, from
        the link the latest listing gave for it, or else the task detail's (one API call)."""
        link = self._listed_urls.get(video_id)
        if link is None:
            video = self._detail(video_id)
            if video.state is not TaskState.DONE or not video.url:
                raise ProviderError(
                    f"video {video_id} cannot be downloaded yet: it is {video.state.value}",
                    method="POST",
                    path=path_of(self._base + API.detail_path),
                    server_message=video.message,
                    hint="Wait until Vidnoz has generated it (vidspec apply waits on its own).",
                )
            link = video.url
        url = urljoin(self._base + "/", link)
        return self._files.download(
            url,
            dest,
            refused_hint="Vidnoz keeps a video's files 7 days; an older video is gone for good.",
        )

    def close(self) -> None:
        self._http.close()
        self._files.close()

    def __repr__(self) -> str:
        return f"VidnozProvider({self._base!r})"
