"""The CDNvideo Talking Head API client.

Every path, limit and choice it relies on is in ``vidspec.providers.cdnvideo.api.API``; the
catalog and its checks are in ``catalog``, the listing mapping in
``listing``. All HTTP goes through ``vidspec.http``.

Auth: a configured ``token`` is sent as it is. With ``username``/``password`` the client logs
in (``POST /app/oauth/v1/token/``) when it first needs a token, keeps the token in memory
only, logs in again shortly before the token's lifetime ends, and once more when a call is
refused with 403 (then repeats that call once). A refused login is never retried: seven wrong
passwords in a row ban the account for three hours.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from vidspec.core.clock import Clock, SystemClock
from vidspec.core.errors import (
    AuthError,
    InvalidRequest,
    NotFound,
    ProjectError,
    ProviderError,
    QuotaExhausted,
)
from vidspec.core.videos import DownloadResult, RemoteVideo
from vidspec.http.client import HttpClient, HttpPolicy, new_session, path_of
from vidspec.http.ledger import RequestLedger
from vidspec.providers.base import Capabilities, listing_loops, max_listed
from vidspec.providers.cdnvideo.api import API, CAPABILITIES
from vidspec.providers.cdnvideo.catalog import CdnvideoCatalog
from vidspec.providers.cdnvideo.listing import (
    check_id,
    listing_params,
    remote_video,
    task_video,
)
from vidspec.providers.pacing import Pacing

log = logging.getLogger("vidspec.providers.cdnvideo")


class CdnvideoProvider:
    """CDNvideo, as the ``Provider`` protocol describes. See the module docstring for auth."""

    def __init__(
        self,
        *,
        account: str,
        base_url: str | None = None,
        token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        clock: Clock | None = None,
        policy: HttpPolicy | None = None,
        capabilities: Capabilities = CAPABILITIES,
        trust_env: bool = True,
    ) -> None:
        if not token and not (username and password):
            raise ProjectError(
                "the cdnvideo provider needs a token or a username and a password",
                "Set provider.token: env/NAME (or provider.username and provider.password).",
            )
        self.capabilities = capabilities
        self.ledger = RequestLedger()
        self.file_ledger = RequestLedger()  # downloads of finished files: not API calls
        self._clock = clock or SystemClock()
        base = (base_url or API.default_base_url).rstrip("/")
        self._api_url = base + API.account_path.format(account=quote(account, safe=""))
        parts = urlsplit(base)
        self._login_url = f"{parts.scheme}://{parts.netloc}{API.login_path}"
        secrets = [s for s in (token, username, password) if s]
        self._http = HttpClient(
            new_session(self.ledger, policy=policy, clock=self._clock, trust_env=trust_env),
            secrets=secrets,
            policy=policy,
        )
        self._files = HttpClient(
            new_session(self.file_ledger, policy=policy, clock=self._clock, trust_env=trust_env),
            secrets=secrets,
            policy=policy,
        )
        self._credentials = (username, password) if username and password and not token else None
        self._token: str | None = token or None
        self._token_expires: datetime | None = None
        self._auth_lock = threading.Lock()
        # The command's one pacing: the engine reads its waits, create takes its turn here.
        self.pacing = Pacing(
            capabilities.generation_rate,
            capabilities.request_rate,
            self._clock,
            limits=capabilities.limits,
        )

    # -- auth -------------------------------------------------------------------------------

    def _current_token(self) -> tuple[str, bool]:
        """The token to send, and whether it was obtained by a login just now."""
        with self._auth_lock:
            expired = self._token_expires is not None and self._clock.now() >= self._token_expires
            if self._token is not None and not expired:
                return self._token, False
            return self._login(), True

    def _refresh(self, refused: str) -> str | None:
        """Log in again after ``refused`` was refused; ``None`` when that cannot help."""
        if self._credentials is None:
            return None
        with self._auth_lock:
            if self._token is not None and self._token != refused:
                return self._token  # another thread logged in meanwhile
            log.info("the service refused the token; logging in again")
            return self._login()

    def _login(self) -> str:
        assert self._credentials is not None, "a configured token is never refreshed"
        username, password = self._credentials
        try:
            body = self._http.request_json(
                "POST",
                self._login_url,
                data={"username": username, "password": password},
                creates=False,
            )
        except AuthError as exc:
            raise AuthError(
                "CDNvideo refused the username or password",
                method=exc.method,
                path=exc.path,
                host=exc.host,
                status=exc.status,
                server_message=exc.server_message,
                hint="Check the variables named by provider.username and provider.password. "
                "vidspec does not retry: 7 wrong passwords in a row lock the account for 3 hours.",
            ) from exc
        token = body.get("token") if isinstance(body, Mapping) else None
        if not isinstance(token, str) or not token:
            self._http.fail("POST", self._login_url, "the login answer has no token", creates=False)
        self._http.add_secret(token)
        self._files.add_secret(token)
        lifetime = body.get("lifetime")
        life = (
            timedelta(milliseconds=lifetime)
            if isinstance(lifetime, int | float) and lifetime > 0
            else API.token_lifetime
        )
        self._token = token
        self._token_expires = self._clock.now() + max(
            life - API.token_refresh_margin, timedelta(seconds=0)
        )
        return token

    # -- one API call -----------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json: Any = None,
    ) -> Any:
        """Send one API call with the token and return its decoded JSON answer."""
        url = self._api_url + path
        token, fresh = self._current_token()
        try:
            with self.pacing.request():
                return self._send(method, url, token, params=params, json=json)
        except AuthError:
            # 403 also proves nothing was done, so repeating even a POST is safe.
            retry_token = None if fresh else self._refresh(token)
            if retry_token is None:
                raise
        with self.pacing.request():
            return self._send(method, url, retry_token, params=params, json=json)

    def _send(
        self,
        method: str,
        url: str,
        token: str,
        *,
        params: Mapping[str, str | int] | None,
        json: Any,
    ) -> Any:
        try:
            return self._http.request_json(
                method, url, params=params, json=json, headers={API.auth_header: token}
            )
        except AuthError as exc:
            text = (exc.server_message or "").lower()
            if any(marker in text for marker in API.quota_refusals):
                raise QuotaExhausted(
                    "CDNvideo refused the call: the quota or the monthly request cap is spent",
                    method=exc.method,
                    path=exc.path,
                    host=exc.host,
                    status=exc.status,
                    server_message=exc.server_message,
                ) from exc
            raise

    def _url(self, template: str, video_id: str) -> str:
        return template.format(id=quote(video_id, safe=""))

    # -- the Provider protocol --------------------------------------------------------------

    def catalog(self) -> CdnvideoCatalog:
        try:
            answer = self._call("GET", API.configurations_path)
        except NotFound as exc:
            # The catalog always exists: a 404 means the address is wrong, not a video gone.
            raise _rehint(
                exc,
                NotFound,
                "The service has no catalog at this address; check provider.base_url and "
                "provider.account in vidspec.yaml.",
            ) from exc
        return CdnvideoCatalog.from_configurations(answer)

    def list_videos(self, since: datetime | None = None) -> list[RemoteVideo]:
        """Every video (and task, if the service lists them), page by page until a short one
        (the request count is in ``API.list_page_size``'s comment); with ``since``, only those
        made from its minute on (the listing's ``start``).

        A server cannot make this loop forever: a full page that brings no new id ends it
        ("the listing repeats itself at offset N on HOST"), and so does a listing longer than
        the account can hold (``max_listed``)."""
        found: dict[str, RemoteVideo] = {}
        offset = 0
        now = self._clock.now()
        url = self._api_url + API.videos_path
        path = path_of(url)
        most = max_listed(self.capabilities)
        size = self.capabilities.list_page_size
        while True:
            try:
                query = listing_params(offset, now, since, size)
                page = self._call("GET", API.videos_path, params=query)
            except InvalidRequest as exc:
                # vidspec wrote the query, not the user: nothing in a manifest to fix.
                raise _rehint(
                    exc,
                    ProviderError,
                    "The service refused vidspec's listing query; check provider.base_url, "
                    "and report it if it persists.",
                ) from exc
            if not isinstance(page, list):
                raise ProviderError(
                    "the service's listing is not a JSON list", method="GET", path=path
                )
            before = len(found)
            for item in page:
                video = remote_video(item, path=path)
                found.setdefault(video.id, video)  # an item that slid between pages
            if len(page) < size:
                return list(found.values())
            if len(found) == before:
                raise listing_loops(url, f"the listing repeats itself at offset {offset}")
            if len(found) > most:
                raise listing_loops(
                    url,
                    f"the listing goes on past {most} videos, more videos than the account "
                    f"can hold",
                )
            offset += size

    def create(self, spec: Mapping[str, Any]) -> str:
        with self.pacing.generation():
            body = self._call("POST", API.generate_path, json=_plain(spec))
        video_id = body.get("id") if isinstance(body, Mapping) else None
        if not isinstance(video_id, str) or not video_id:
            self._http.fail(
                "POST",
                self._api_url + API.generate_path,
                "the service accepted the video but its answer has no id",
                creates=True,
            )
        return check_id(video_id, method="POST", path=path_of(self._api_url + API.generate_path))

    def status(self, ids: Sequence[str]) -> dict[str, RemoteVideo]:
        """One ``GET /tasks/<id>`` per id (a fallback: the listing answers for all at once).

        Ids the service does not know are left out of the result.
        """
        out: dict[str, RemoteVideo] = {}
        for video_id in ids:
            path = self._url(API.task_path, video_id)
            try:
                body = self._call("GET", path)
            except NotFound:
                continue
            task = body.get("task") if isinstance(body, Mapping) else None
            out[video_id] = task_video(
                task,
                video_id=video_id,
                now=self._clock.now(),
                path=path_of(self._api_url + path),
            )
        return out

    def cancel(self, video_id: str) -> None:
        self._call("DELETE", self._url(API.task_path, video_id))

    def rename(self, video_id: str, name: str) -> None:
        self._call("PATCH", self._url(API.video_path, video_id), json={"video_name": name})

    def delete(self, video_id: str) -> None:
        self._call("DELETE", self._url(API.video_path, video_id))

    def download(self, video_id: str, dest: Path) -> DownloadResult:
        """Ask for the link, then stream the file to ``dest`` atomically (temp file, rename)."""
        link_path = self._url(API.download_path, video_id)
        body = self._call("GET", link_path)
        link = body.get("url") if isinstance(body, Mapping) else None
        if not isinstance(link, str) or not link:
            self._http.fail(
                "GET", self._api_url + link_path, "the download answer has no url", creates=False
            )
        url = urljoin(self._api_url + "/", link)
        # The file link is sent without the token: it may point at another host.
        return self._files.download(
            url,
            dest,
            refused_hint="A link lasts 6 hours and works only from the address that asked "
            "for it; run the command again for a new one.",
        )

    def close(self) -> None:
        self._http.close()
        self._files.close()

    def __repr__(self) -> str:
        return f"CdnvideoProvider({self._api_url!r})"


def _rehint(exc: ProviderError, cls: type[ProviderError], hint: str) -> ProviderError:
    """``exc`` again (as ``cls``) with a hint that fits the call that failed."""
    return cls(
        exc.message,
        method=exc.method,
        path=exc.path,
        host=exc.host,
        status=exc.status,
        server_message=exc.server_message,
        hint=hint,
    )


def _plain(value: Any) -> Any:
    """A JSON-ready copy: read-only mappings and tuples become dicts and lists."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
