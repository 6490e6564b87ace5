"""The one exception tree of vidspec.

Every error a user can meet is a ``VidspecError``. Each class knows its exit code and renders
itself as a message that says what is wrong, where, and what to do. The CLI catches
``VidspecError`` once, prints ``str(error)`` to stderr and exits with ``error.exit_code``.
Foreign exceptions (requests, yaml, OSError, json) are translated at exactly one boundary each
and chained with ``raise ... from exc``.

    VidspecError                      exit 1
    ├── UsageError                    a command line that cannot work
    ├── ProjectError                  vidspec.yaml missing or invalid
    │   └── MissingVariable           env/NAME referenced but not set
    ├── ManifestError                 every problem found in the manifests (file:line:column)
    ├── StateError                    the state file cannot be read or written
    │   ├── StateCorrupt              unreadable state; names the backup
    │   ├── StateMismatch             state made for another provider or account
    │   ├── LockHeld                  another command holds the lock; names the holder
    │   ├── StateConflict             the state changed since it was read (a stale writer)
    │   └── BackendError              the state backend (S3) refused or could not be reached
    ├── PlanError                     a plan that must not be applied as it stands
    │   ├── UnsafePlan                over a safety cap; --force overrides
    │   ├── QuotaExceeded             more minutes/requests than are left
    │   ├── PreventDestroy            lifecycle.prevent_destroy stands in the way
    │   └── StalePlan                 a saved plan no longer matches state or remote
    ├── ProviderError                 the service (or the way to it) failed; method, path, status
    │   ├── AuthError                 403/401: token or credentials refused
    │   ├── NotFound                  404 / "no such video"
    │   ├── InvalidRequest            400/422: the service refused the request body
    │   ├── RateLimited               429 / Vidnoz 803, with retry_after
    │   ├── WaitTooLong               a server asked to wait longer than safety.max_wait
    │   ├── QuotaExhausted            the service refused for quota or monthly requests
    │   ├── ServerError               5xx
    │   ├── TransportError            connection refused, timeout, TLS ...
    │   └── OutcomeUnknown            a POST was sent but its answer was lost: never retry blindly
    ├── DownloadWriteError            a fetched video could not be written here (disk, path)
    ├── ForgeError                    GitHub/GitLab refused a comment call; names the host
    ├── ApplyFailed                   apply finished but some actions failed
    ├── Cancelled                     a question before a change was not answered yes
    └── Interrupted                   Ctrl-C                                 exit 130
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from vidspec.core.escape import escape_text
from vidspec.core.location import SourceLocation

__all__ = [
    "ApplyFailed",
    "AuthError",
    "BackendError",
    "Cancelled",
    "DownloadWriteError",
    "ForgeError",
    "Interrupted",
    "InvalidRequest",
    "LockHeld",
    "ManifestError",
    "MissingVariable",
    "NotFound",
    "OutcomeUnknown",
    "PlanError",
    "PreventDestroy",
    "Problem",
    "ProjectError",
    "ProviderError",
    "QuotaExceeded",
    "QuotaExhausted",
    "RateLimited",
    "ServerError",
    "StalePlan",
    "StateConflict",
    "StateCorrupt",
    "StateError",
    "StateMismatch",
    "TransportError",
    "UnsafePlan",
    "UsageError",
    "VidspecError",
    "WaitTooLong",
]


class VidspecError(Exception):
    """Root of every error vidspec raises on purpose.

    ``message`` says what is wrong (and where); ``hint`` says what to do. ``str()`` joins them.
    """

    exit_code: int = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  {self.hint}"
        return self.message


class UsageError(VidspecError):
    """The command line asks for something that cannot work (conflicting options, bad address)."""


class ProjectError(VidspecError):
    """vidspec.yaml is missing, unreadable or invalid, or the project directory is wrong."""


class MissingVariable(ProjectError):
    """A secret is referenced as ``env/NAME`` and ``NAME`` is not set when a command needs it."""

    def __init__(self, name: str, location: SourceLocation) -> None:
        super().__init__(
            f"{location}: environment variable {name} is not set",
            f"export {name}=... before running this command (it is referenced as env/{name}).",
        )
        self.name = name
        self.location = location


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a user's file: where, what, and what to do."""

    location: SourceLocation
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class ManifestError(VidspecError):
    """Every problem found in the project file or the manifests, one per line, sorted."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(sorted(set(problems)))
        count = len(self.problems)
        lines = "\n".join(str(p) for p in self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{lines}\n{count} {noun} found.")

    def __str__(self) -> str:
        return self.message


class StateError(VidspecError):
    """The state file cannot be read or written."""


class StateCorrupt(StateError):
    """The state file is not valid state. It is never silently replaced."""


class StateMismatch(StateError):
    """The state was made for another provider kind or account."""


class LockHeld(StateError):
    """Another vidspec command holds the project's lock."""

    def __init__(self, message: str, lock_id: str | None, hint: str | None = None) -> None:
        super().__init__(
            message,
            hint
            or f"Wait for it to finish (or pass --lock-timeout 5m), or, if that process is "
            f"gone, run: vidspec force-unlock {lock_id}",
        )
        self.lock_id = lock_id


class StateConflict(StateError):
    """The stored state changed after this command read it (its lock was broken, or another
    writer ignored it): the write is refused, never made over the newer state."""


class BackendError(StateError):
    """The state backend (an S3-compatible store) failed: no such bucket, access denied,
    network, or a store that does not honour conditional writes. Names bucket and key."""


class PlanError(VidspecError):
    """A plan that must not be applied as it stands."""


class UnsafePlan(PlanError):
    """The plan exceeds a ``safety`` cap of vidspec.yaml. ``--force`` overrides."""


class QuotaExceeded(PlanError):
    """The plan needs more video minutes, credits or monthly requests than are left."""


class PreventDestroy(PlanError):
    """The plan would delete or regenerate a video whose lifecycle forbids it."""


class StalePlan(PlanError):
    """A saved plan no longer matches the state or the remote listing."""


class ProviderError(VidspecError):
    """A call to the video service failed. Carries method, path, host, status and server message.

    ``path`` never holds a token (tokens travel in headers only), so the message is safe to print.
    """

    default_hint = "Check the service status and try again; run with -v for the request log."

    def __init__(
        self,
        message: str,
        *,
        method: str = "",
        path: str = "",
        status: int | None = None,
        server_message: str | None = None,
        hint: str | None = None,
        host: str = "",
    ) -> None:
        self.method = method
        self.path = path
        self.status = status
        # What a server says is data: one line, no escape sequences (issue 10).
        server_message = escape_text(server_message) if server_message else server_message
        self.server_message = server_message
        self.host = host
        where = " ".join(x for x in (method, path) if x)
        if host and where:
            where += f" on {host}"
        parts = [message]
        if where:
            parts.append(f"({where}")
            parts[-1] += f" -> HTTP {status})" if status is not None else ")"
        if server_message:
            parts.append(f": {server_message}")
        super().__init__(" ".join(parts).replace(" :", ":"), hint or self.default_hint)


class AuthError(ProviderError):
    default_hint = (
        "Check the credentials named in vidspec.yaml (provider.token or username/password) "
        "and the account name."
    )


class NotFound(ProviderError):
    default_hint = "The video may have been deleted outside vidspec or expired; run vidspec plan."


class InvalidRequest(ProviderError):
    default_hint = "Fix the video's settings in the manifest; vidspec catalog lists what is valid."


class RateLimited(ProviderError):
    default_hint = "vidspec waits this out on its own; if you see this, retry later."

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.retry_after = retry_after


class WaitTooLong(ProviderError):
    """A server asked vidspec to wait (a 429's ``Retry-After``) longer than ``safety.max_wait``:
    the call stops instead of hanging for hours; nothing was done by it."""

    default_hint = (
        "Try again later, or raise safety.max_wait in vidspec.yaml if waiting that long "
        "unattended is what you want."
    )


class QuotaExhausted(ProviderError):
    default_hint = "The account's quota or monthly request cap is spent; wait or raise the quota."


class ServerError(ProviderError):
    default_hint = "The service failed; safe calls were already retried. Try again later."


class TransportError(ProviderError):
    default_hint = "Check the network and provider.base_url in vidspec.yaml."


class OutcomeUnknown(ProviderError):
    """A request that creates something was sent, and its answer was lost.

    The work may have been done (and paid for). Never retry it blindly: look in the listing.
    """

    default_hint = (
        "The video may exist already; vidspec records it as pending and the next plan or "
        "apply resolves it from the listing instead of paying twice."
    )


class DownloadWriteError(VidspecError):
    """The video was fetched but could not be written on this machine (disk full, a directory
    where the file should go): a local problem, reported as that video's failed download."""


class ForgeError(VidspecError):
    """A call to GitHub's or GitLab's API (the PR/MR comment) failed. The message names the
    host and the call; the hint says what to grant or fix. Never holds the token."""


class ApplyFailed(VidspecError):
    """Apply ran to the end but some actions failed; the summary table says which."""


class Cancelled(VidspecError):
    """A question asked before a change (apply, destroy, force-unlock) was answered anything
    but ``yes``, or not at all: nothing was changed. Not a failure of vidspec nor of the
    user's files, so the CLI prints it without the ``Error:`` prefix (exit 1, as Terraform)."""


class Interrupted(VidspecError):
    """The user pressed Ctrl-C; what was in flight has been recorded."""

    exit_code = 130
