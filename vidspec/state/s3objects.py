"""The one seam between vidspec and an S3-compatible store: a few conditional object calls.

``S3Objects`` wraps a boto3 S3 client for one bucket. It offers exactly what the state store,
its lock and the usage count need (``get``, ``put`` with ``If-Match``/``If-None-Match``,
``delete`` with ``If-Match``), and translates boto3's exceptions once, here:

- a failed precondition (HTTP 412 ``PreconditionFailed``, 409 ``ConditionalRequestConflict``,
  or 404 on ``If-Match`` of a missing object) is ``ConditionFailed``, which the callers turn
  into "the lock is held" or "the state changed since it was read";
- everything else is ``BackendError`` naming the bucket and key and what to do (no such
  bucket, access denied, no credentials, network).

Every call has a deadline: botocore connect and read timeouts, at most ``MAX_ATTEMPTS``
attempts (botocore's standard retry mode: throttling, 5xx and connection errors), and a total
``S3State.deadline`` (``safety.request_deadline``, 60 s) from sending to the last byte, however
slowly a store trickles its answer: botocore's connections are the watchdog's
(``vidspec.http.watchdog``), which cuts the call off then. A retried conditional write can
meet its own first attempt (the answer was lost); callers check for that by reading back (the
lock's id, the state's text).

boto3 is the optional extra ``vidspec[s3]``; without it, opening a store names the `state:`
line of vidspec.yaml and the command to install it. Credentials come only from boto3's
standard chain; no message here ever shows one.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from vidspec.core.errors import BackendError
from vidspec.core.statesettings import S3State
from vidspec.http.body import seconds_text
from vidspec.http.watchdog import deadline, watched_pool

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

CONNECT_TIMEOUT = 5.0  # seconds to open a connection
READ_TIMEOUT = 30.0  # seconds to wait for an answer
MAX_ATTEMPTS = 3  # botocore's standard mode: the first try and two retries
MAX_OBJECT = 64 * 1024 * 1024  # a state bigger than this is refused (a server is untrusted)

_CONDITION_CODES = {"PreconditionFailed", "ConditionalRequestConflict"}

T = TypeVar("T")


class ConditionFailed(Exception):
    """A conditional request was refused: the object is not in the expected version."""


@dataclass(frozen=True)
class StoredObject:
    """An object's bytes and the ETag that names this version of it (``modified``: when the
    store says it was written, if it says)."""

    body: bytes
    etag: str
    modified: datetime | None = None


def printable(text: str, limit: int = 200) -> str:
    """``text`` from a server, safe for a terminal: control characters replaced, bounded."""
    cleaned = "".join(ch if unicodedata.category(ch)[0] != "C" or ch == " " else "?" for ch in text)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 3] + "..."


def s3_client(settings: S3State) -> S3Client:
    """A boto3 S3 client with deadlines, or a ``BackendError`` saying how to get boto3."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError as exc:
        where = f"{settings.location}: " if settings.location else ""
        raise BackendError(
            f"{where}`state:` uses backend: s3, which needs boto3, and boto3 is not installed.",
            "Install vidspec with its S3 extra: pip install 'vidspec[s3]'",
        ) from exc
    config = Config(
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        retries={"max_attempts": MAX_ATTEMPTS, "mode": "standard"},
        # Path-style addressing is what S3-compatible servers (MinIO, Ceph, a local server)
        # expect; AWS itself keeps the virtual-hosted default.
        s3={"addressing_style": "path" if settings.endpoint_url else "auto"},
    )
    session = boto3.session.Session()
    client: S3Client = session.client(
        "s3", region_name=settings.region, endpoint_url=settings.endpoint_url, config=config
    )
    _watch_connections(client)
    return client


def _watch_connections(client: Any) -> None:
    """botocore's connections made ones the request watchdog can cut off (its urllib3 pool
    classes are set per session; a botocore that keeps them elsewhere keeps its connect and
    read timeouts, and ``S3Objects`` still reports a call past its deadline as late)."""
    http: Any = getattr(getattr(client, "_endpoint", None), "http_session", None)
    pools = getattr(http, "_pool_classes_by_scheme", None)
    manager = getattr(http, "_manager", None)
    if http is None or not isinstance(pools, dict) or manager is None:
        return
    watched = {scheme: watched_pool(pool) for scheme, pool in pools.items()}
    http._pool_classes_by_scheme = watched  # the proxy managers made later read these
    manager.pool_classes_by_scheme = watched


class S3Objects:
    """Conditional object calls on one bucket; errors name ``s3://bucket/key``."""

    def __init__(self, settings: S3State, client: S3Client | None = None) -> None:
        self.settings = settings
        self.bucket = settings.bucket
        self._client = client or s3_client(settings)

    def url(self, key: str) -> str:
        return f"s3://{self.bucket}/{key}"

    def get(self, key: str) -> StoredObject | None:
        """The object, or ``None`` when there is none."""

        def read() -> tuple[dict[str, Any], bytes]:
            answer = self._client.get_object(Bucket=self.bucket, Key=key)
            return dict(answer), answer["Body"].read(MAX_OBJECT + 1)

        try:
            answer, body = self._bounded("read", key, read)
        except BackendError:
            raise
        except Exception as exc:  # boto3's errors are translated here, once
            if _code(exc) in ("NoSuchKey", "404"):
                return None
            raise self._error(exc, "read", key) from exc
        if len(body) > MAX_OBJECT:
            raise BackendError(
                f"{self.url(key)} is over {MAX_OBJECT} bytes; vidspec reads no more.",
                "This is not a vidspec state; check `state.key` in vidspec.yaml.",
            )
        declared = answer.get("ContentLength")
        if isinstance(declared, int) and len(body) != declared:  # botocore does not check it
            raise BackendError(
                f"cannot read {self.url(key)}: the answer ended after {len(body)} of {declared} "
                f"bytes",
                "The store cut its answer short; run the command again.",
            )
        modified = answer.get("LastModified")
        return StoredObject(
            body=body,
            etag=str(answer["ETag"]),
            modified=modified if isinstance(modified, datetime) else None,
        )

    def put(
        self,
        key: str,
        body: bytes,
        *,
        if_match: str | None = None,
        if_none_match: bool = False,
    ) -> str:
        """Write the object; returns its new ETag. ``if_match``: only over that version;
        ``if_none_match``: only if there is none. ``ConditionFailed`` otherwise."""
        extra: dict[str, Any] = {}
        if if_match is not None:
            extra["IfMatch"] = if_match
        if if_none_match:
            extra["IfNoneMatch"] = "*"
        try:
            answer = self._bounded(
                "write",
                key,
                lambda: self._client.put_object(
                    Bucket=self.bucket,
                    Key=key,
                    Body=body,
                    ContentType="application/json",
                    **extra,
                ),
            )
        except BackendError:
            raise
        except Exception as exc:
            if _is_condition(exc, conditional=bool(extra)):
                raise ConditionFailed(key) from exc
            raise self._error(exc, "write", key) from exc
        return str(answer["ETag"])

    def delete(self, key: str, *, if_match: str | None = None) -> None:
        """Delete the object (only that version with ``if_match``: ``ConditionFailed`` when it
        changed or is gone). Deleting a missing object without a condition is not an error."""
        conditions: dict[str, Any] = {} if if_match is None else {"IfMatch": if_match}
        try:
            self._bounded(
                "delete",
                key,
                lambda: self._client.delete_object(Bucket=self.bucket, Key=key, **conditions),
            )
        except BackendError:
            raise
        except Exception as exc:
            if _is_condition(exc, conditional=if_match is not None):
                raise ConditionFailed(key) from exc
            raise self._error(exc, "delete", key) from exc

    def _bounded(self, verb: str, key: str, call: Callable[[], T]) -> T:
        """``call`` cut off at the deadline: past it, what it got (a body the cut made look
        complete) or raised is reported as late."""
        limit = self.settings.deadline
        started = time.monotonic()
        with deadline(limit):
            try:
                result = call()
            except Exception as exc:
                if time.monotonic() - started < limit:
                    raise
                raise self._late(verb, key) from exc
        if time.monotonic() - started >= limit:
            raise self._late(verb, key)
        return result

    def _late(self, verb: str, key: str) -> BackendError:
        return BackendError(
            f"cannot {verb} {self.url(key)}: the store did not finish answering within the "
            f"request deadline ({seconds_text(self.settings.deadline)})",
            "A store that trickles its answer is cut off after safety.request_deadline "
            "(vidspec.yaml); check the store and the network, then run the command again.",
        )

    def _error(self, exc: Exception, verb: str, key: str) -> BackendError:
        return backend_error(exc, f"cannot {verb} {self.url(key)}", self.settings)


def _code(exc: Exception) -> str | None:
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return None
    error = response.get("Error") or {}
    code = error.get("Code")
    return str(code) if code is not None else None


def _status(exc: Exception) -> int | None:
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return None
    status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
    return int(status) if isinstance(status, int) else None


def _is_condition(exc: Exception, *, conditional: bool) -> bool:
    if not conditional:
        return False
    code = _code(exc)
    if code in _CONDITION_CODES or _status(exc) in (409, 412):
        return True
    # If-Match on an object that is gone: S3 answers 404 NoSuchKey (the version is not there).
    return code in ("NoSuchKey", "404")


def backend_error(exc: Exception, what: str, settings: S3State) -> BackendError:
    """A boto3/botocore exception as a ``BackendError``: what failed, why, and what to do.
    Shows the error code and the server's message (escaped), never a credential."""
    code = _code(exc)
    name = type(exc).__name__
    where = settings.describe()
    if code == "NoSuchBucket":
        return BackendError(
            f"{what}: the bucket {settings.bucket} does not exist"
            f"{' at ' + settings.endpoint_url if settings.endpoint_url else ''}.",
            "Create the bucket (versioning on is wise), or fix `state.bucket` (and "
            "`state.region`/`state.endpoint_url`) in vidspec.yaml.",
        )
    if code in ("AccessDenied", "AllAccessDisabled", "403", "Forbidden"):
        return BackendError(
            f"{what}: access denied.",
            f"The credentials boto3 found may not read and write {where}*. vidspec needs "
            f"s3:GetObject, s3:PutObject and s3:DeleteObject on the key and the objects beside "
            f"it (.lock, .backup, .usage). Check AWS_PROFILE / AWS_ACCESS_KEY_ID and the bucket "
            f"policy.",
        )
    if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken"):
        return BackendError(
            f"{what}: the store refused the credentials ({code}).",
            "Check the credentials in boto3's chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
            "AWS_PROFILE, the instance role); they are never read from vidspec.yaml.",
        )
    if name in ("NoCredentialsError", "PartialCredentialsError", "NoAuthTokenError"):
        return BackendError(
            f"{what}: no AWS credentials were found.",
            "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) in the "
            "environment, or run where an instance role applies; vidspec.yaml never holds them.",
        )
    if name in ("NoRegionError",):
        return BackendError(
            f"{what}: no region is configured.",
            "Add `region:` under `state:` in vidspec.yaml (or set AWS_DEFAULT_REGION).",
        )
    if name in (
        "EndpointConnectionError",
        "ConnectTimeoutError",
        "ReadTimeoutError",
        "ConnectionClosedError",
        "ProxyConnectionError",
        "SSLError",
    ):
        return BackendError(
            f"{what}: the store could not be reached ({name}, after {MAX_ATTEMPTS} attempts).",
            "Check the network, `state.endpoint_url` and `state.region`, then run the command "
            "again; nothing was changed by this attempt unless the message above says so.",
        )
    return _other_error(exc, what, settings)


def _other_error(exc: Exception, what: str, settings: S3State) -> BackendError:
    """Any other failure: its code and the server's message (escaped, bounded)."""
    code, name = _code(exc), type(exc).__name__
    response = getattr(exc, "response", None)
    message = ""
    if isinstance(response, dict):
        message = str((response.get("Error") or {}).get("Message") or "")
    detail = printable(f"{code}: {message}" if code else f"{name}: {message or exc}")
    return BackendError(
        f"{what}: {detail}",
        f"Check `state:` in vidspec.yaml ({settings.describe()}) and that the store is "
        f"S3-compatible (vidspec backend check tests it).",
    )


__all__ = [
    "ConditionFailed",
    "S3Objects",
    "StoredObject",
    "backend_error",
    "printable",
    "s3_client",
]
