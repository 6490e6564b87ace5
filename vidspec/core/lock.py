"""The project lock: one writer at a time, and a note saying who that is.

The lock itself is ``filelock``'s OS lock on ``.vidspec/lock`` (released by the OS when the
holder dies, so a crashed command never leaves a lock that blocks the next one). Beside it,
``.vidspec/lock.info`` records the holder (id, user, host, pid, command, time) so a conflict
can say who holds it and how to break it: ``vidspec force-unlock ID`` removes both files,
which lets the next command lock a fresh file even if a hung holder still sits on the old one.

Every held lock has an ID vidspec can print, even when its note cannot be read (issue 19): a
note that is not vidspec's (garbage, a truncated write, an older format) is named by a hash of
its bytes; a held lock without a note, by the lock file's identity (device and inode: not its
modification time, which older filelock versions touch at every attempt to lock).
``force-unlock ID`` reads the lock again and removes it only while it is
still that version.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import os
import socket
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import filelock

from vidspec.core.atomic import atomic_write_text
from vidspec.core.clock import Clock, SystemClock
from vidspec.core.errors import LockHeld, StateError
from vidspec.core.times import format_time, parse_time

_POLL_SECONDS = 0.2
_RELEASED_RETRIES = 3  # a lock found free when its holder was looked up is tried again at once


def ci_run_url(environ: Mapping[str, str]) -> str | None:
    """The URL of the CI run this command is part of (GitHub Actions or GitLab CI), if any."""
    server = environ.get("GITHUB_SERVER_URL")
    repository = environ.get("GITHUB_REPOSITORY")
    run_id = environ.get("GITHUB_RUN_ID")
    if server and repository and run_id:
        return f"{server.rstrip('/')}/{repository}/actions/runs/{run_id}"
    return environ.get("CI_JOB_URL") or None


@dataclass(frozen=True)
class LockInfo:
    """Who holds the lock: written to ``lock.info`` (local) or as the body of ``<key>.lock``
    (S3) when the lock is taken. ``run_url``: the CI run, when the holder runs on CI.
    ``unreadable``: why the holder is unknown (a lock whose note cannot be read, see
    ``unknown``); its ID then comes from the lock itself, and the other fields say nothing."""

    id: str
    user: str
    host: str
    pid: int
    command: str
    created: datetime
    run_url: str | None = None
    unreadable: str | None = None

    @classmethod
    def unknown(cls, lock_id: str, why: str, since: datetime | None) -> LockInfo:
        """A held lock whose holder cannot be read: ``lock_id`` derived from the lock itself
        (its bytes, its file, its S3 ETag), ``since``: when it was written, if known."""
        since = since or datetime.fromtimestamp(0, timezone.utc)
        return cls(lock_id, "unknown", "unknown", 0, "unknown", since, None, why)

    @classmethod
    def new(cls, command: str, clock: Clock, environ: Mapping[str, str] | None = None) -> LockInfo:
        """The note of a lock this process is about to take."""
        return cls(
            id=str(uuid.uuid4()),
            user=_user(),
            host=socket.gethostname(),
            pid=os.getpid(),
            command=command,
            created=clock.now().replace(microsecond=0),  # as lock.info keeps it
            run_url=ci_run_url(os.environ if environ is None else environ),
        )

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "id": self.id,
            "user": self.user,
            "host": self.host,
            "pid": self.pid,
            "command": self.command,
            "time": format_time(self.created),
        }
        if self.run_url:
            doc["run_url"] = self.run_url
        return doc

    @classmethod
    def from_json(cls, doc: Any) -> LockInfo:
        if not isinstance(doc, dict):
            raise ValueError("lock info is not an object")
        return cls(
            id=str(doc["id"]),
            user=str(doc["user"]),
            host=str(doc["host"]),
            pid=int(doc["pid"]),
            command=str(doc["command"]),
            created=parse_time(str(doc["time"])),
            run_url=None if doc.get("run_url") is None else str(doc["run_url"]),
        )

    def describe(self) -> str:
        if self.unreadable is not None:
            since = "unknown" if self.created.timestamp() == 0 else format_time(self.created)
            return (
                f"  ID:      {self.id}\n  Holder:  unknown: {self.unreadable}\n  Since:   {since}"
            )
        text = (
            f"  ID:      {self.id}\n"
            f"  Who:     {self.user}@{self.host} (pid {self.pid})\n"
            f"  Command: {self.command}\n"
            f"  Since:   {format_time(self.created)}"
        )
        return text + (f"\n  CI run:  {self.run_url}" if self.run_url else "")


class ProjectLock:
    """The lock of one project. Not reentrant; use one instance per command."""

    def __init__(self, lock_path: Path, info_path: Path, clock: Clock | None = None) -> None:
        self.lock_path = lock_path
        self.info_path = info_path
        self._clock = clock or SystemClock()
        self._file_lock: filelock.FileLock | None = None
        self._info: LockInfo | None = None

    @property
    def held(self) -> bool:
        return self._file_lock is not None

    def acquire(self, command: str, timeout: float = 0.0) -> LockInfo:
        """Take the lock or raise ``LockHeld``; waits up to ``timeout`` seconds (polling)."""
        if self._file_lock is not None:
            raise StateError(f"{self.lock_path}: this command already holds the lock")
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        deadline = self._clock.monotonic() + max(0.0, timeout)
        again = _RELEASED_RETRIES
        while True:
            candidate = filelock.FileLock(str(self.lock_path))
            try:
                candidate.acquire(blocking=False)
            except filelock.Timeout:
                remaining = deadline - self._clock.monotonic()
                if remaining <= 0:
                    held = self._held_error(timeout)
                    if held.lock_id is None and again:  # released just now: take it
                        again -= 1
                        continue
                    raise held from None
                self._clock.sleep(min(_POLL_SECONDS, remaining))
                continue
            except OSError as exc:
                raise StateError(
                    f"cannot create the lock file {self.lock_path}: {exc.strerror or exc}",
                    "Check that the directory is writable.",
                ) from exc
            break
        info = LockInfo.new(command, self._clock)
        try:
            atomic_write_text(self.info_path, json.dumps(info.to_json(), indent=2) + "\n")
        except OSError as exc:
            candidate.release()
            raise StateError(f"cannot write {self.info_path}: {exc.strerror or exc}") from exc
        self._file_lock = candidate
        self._info = info
        return info

    def release(self) -> None:
        if self._file_lock is None:
            return
        current = self.holder()
        if current is not None and self._info is not None and current.id == self._info.id:
            with contextlib.suppress(FileNotFoundError):
                self.info_path.unlink()
        self._file_lock.release()
        self._file_lock = None
        self._info = None

    @contextlib.contextmanager
    def hold(self, command: str, timeout: float = 0.0) -> Iterator[LockInfo]:
        info = self.acquire(command, timeout)
        try:
            yield info
        finally:
            self.release()

    def holder(self) -> LockInfo | None:
        """The recorded holder, or ``None`` when no (readable) note exists."""
        try:
            text = self.info_path.read_text(encoding="utf-8")
            return LockInfo.from_json(json.loads(text))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return None

    def current(self) -> LockInfo | None:
        """The holder with an ID ``force-unlock`` takes: the note's (a killed holder's too),
        or, while another process holds the lock and its note cannot be read (or is not
        written), an ID derived from the note's bytes or the lock file; else ``None``."""
        holder = self.holder()
        if holder is not None:
            return holder
        if self.held or not self.lock_path.exists() or not self._held_elsewhere():
            return None  # an unreadable note beside a free lock blocks nothing
        try:
            note = self.info_path.read_bytes()
        except FileNotFoundError:
            return LockInfo.unknown(
                _file_id(self.lock_path),
                f"the lock {self.lock_path} is held by a process that has not recorded who it "
                f"is in {self.info_path}",
                None,  # the file's time: its last attempt to lock under filelock 3.x
            )
        except OSError as exc:
            why = f"its note {self.info_path} cannot be read ({exc.strerror or exc})"
            return LockInfo.unknown(_file_id(self.info_path), why, None)
        return LockInfo.unknown(
            "n" + hashlib.sha256(note).hexdigest()[:15],
            f"its note {self.info_path} is not a vidspec lock note ({len(note)} bytes)",
            _modified(self.info_path),
        )

    def _held_elsewhere(self) -> bool:
        """Whether another process holds the OS lock now (tried without waiting)."""
        probe = filelock.FileLock(str(self.lock_path))
        try:
            probe.acquire(blocking=False)
        except filelock.Timeout:
            return True
        except OSError:
            return False
        probe.release()
        return False

    def force_unlock(self, lock_id: str) -> LockInfo:
        """Break the lock whose ID is ``lock_id`` (read again now: only while it is still that
        version); refuses any other ID."""
        current = self.current()
        if current is None:
            raise StateError(
                f"no lock is recorded in {self.info_path}; there is nothing to unlock",
                "If a command still reports the lock, run it again to see the current ID.",
            )
        if current.id != lock_id:
            raise StateError(
                f"lock ID {lock_id} does not match the current lock ({current.id})",
                "Copy the ID from the message that reported the lock; the holder is:\n"
                + current.describe(),
            )
        for path in (self.info_path, self.lock_path):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        return current

    def _held_error(self, timeout: float) -> LockHeld:
        holder = self.current()
        waited = f" (waited {timeout:g}s)" if timeout > 0 else ""
        if holder is None:
            return LockHeld(
                f"The state was locked by another vidspec command{waited}.",
                None,
                "It was released just now: run the command again.",
            )
        return LockHeld(
            f"The state is locked by another vidspec command{waited}:\n{holder.describe()}",
            holder.id,
        )


def _modified(path: Path) -> datetime | None:
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return None
    return datetime.fromtimestamp(stamp, timezone.utc).replace(microsecond=0)


def _file_id(path: Path) -> str:
    """An ID for the version of ``path`` on disk: its device and inode (a file made again is
    another; its modification time is not stable, as filelock 3.x truncates the file at every
    attempt to lock it)."""
    try:
        info = path.stat()
    except OSError:
        return "f" + "0" * 15
    stamp = f"{info.st_dev}:{info.st_ino}".encode()
    return "f" + hashlib.sha256(stamp).hexdigest()[:15]


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"
