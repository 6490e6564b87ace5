"""``vidspec backend check``: is this store fit to hold the state and its lock?

For S3, a probe object beside the key (``<key>.probe-<uuid>``) is created, read, re-written
and deleted, and the conditions vidspec relies on are tested for real:

- ``If-None-Match: *``: a second conditional create of the probe must be refused. A store
  that ignores it would let two runners both "hold" the lock: refused, loudly.
- ``If-Match``: a write naming a wrong ETag must be refused. Without it, a runner whose lock
  was broken could overwrite a newer state: refused, loudly.
- ``If-Match`` on delete: a release naming a wrong ETag must not delete. Without it, a runner
  could remove a lock it no longer holds (after a force-unlock): a warning.

The probe is deleted at the end, whatever happened. For the local file, the check takes the
lock and writes, reads and deletes a probe file in ``.vidspec/``.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vidspec.core.atomic import atomic_write_bytes
from vidspec.core.errors import BackendError, StateError
from vidspec.state.s3objects import ConditionFailed, S3Objects

_WRONG_ETAG = '"00000000000000000000000000000000"'


@dataclass(frozen=True)
class Finding:
    """One line of the check: what was tried, and whether the store behaved."""

    ok: bool
    text: str
    fatal: bool = False  # a failure that makes the store unfit


def check_s3(objects: S3Objects, key: str) -> list[Finding]:
    """Probe the store beside ``key``; ``BackendError`` (no bucket, denied, network) stops."""
    probe = f"{key}.probe-{uuid.uuid4().hex[:12]}"
    body = b'{"vidspec": "backend check"}\n'
    findings: list[Finding] = []
    try:
        objects.put(probe, body, if_none_match=True)
        found = objects.get(probe)
        findings.append(
            Finding(
                found is not None and found.body == body,
                f"write and read back {objects.url(probe)}",
                fatal=True,
            )
        )
        findings.append(
            _refused(
                lambda: objects.put(probe, b"{}\n", if_none_match=True),
                "If-None-Match: * is honoured (a second create of the same object was refused)",
                "If-None-Match: * is IGNORED: a second create of the same object succeeded. Two "
                "runners could both hold the lock",
                fatal=True,
            )
        )
        findings.append(
            _refused(
                lambda: objects.put(probe, b"{}\n", if_match=_WRONG_ETAG),
                "If-Match is honoured on writes (a write over another version was refused)",
                "If-Match is IGNORED on writes: a runner whose lock was broken could overwrite a "
                "newer state",
                fatal=True,
            )
        )
        findings.append(
            _refused(
                lambda: objects.delete(probe, if_match=_WRONG_ETAG),
                "If-Match is honoured on deletes (a release never removes another runner's lock)",
                "If-Match is ignored on deletes: after a force-unlock, the old holder's release "
                "could remove the new holder's lock",
            )
        )
    finally:
        with contextlib.suppress(BackendError):
            objects.delete(probe)
    gone = objects.get(probe) is None
    findings.append(Finding(gone, f"delete {objects.url(probe)}", fatal=True))
    return findings


def _refused(call: Callable[[], object], good: str, bad: str, *, fatal: bool = False) -> Finding:
    try:
        call()
    except ConditionFailed:
        return Finding(True, good)
    return Finding(False, bad, fatal=fatal)


def check_local(work_dir: Path) -> list[Finding]:
    """Write, read and delete a probe file in ``work_dir`` (``.vidspec/``)."""
    probe = work_dir / f".probe-{uuid.uuid4().hex[:12]}"
    body = b"vidspec backend check\n"
    try:
        atomic_write_bytes(probe, body)
        ok = probe.read_bytes() == body
        probe.unlink()
    except OSError as exc:
        raise StateError(
            f"cannot write in {work_dir}: {exc.strerror or exc}",
            "Check that the directory is writable.",
        ) from exc
    return [Finding(ok, f"write, read back and delete a file in {work_dir}", fatal=True)]


__all__ = ["Finding", "check_local", "check_s3"]
