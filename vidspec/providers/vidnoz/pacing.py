"""Vidnoz's pace across commands: the time of a key's last call, kept on disk.

The service counts calls per key, whoever sends them. The client's own ``Pacing`` keeps one
command's calls a second apart; a ``vidspec plan`` that ends and a ``vidspec apply`` started
at once would still meet an 803 at the apply's first call. So the client also writes the wall
time its last call ended to ``<cache dir>/vidnoz-pace/<hash>.json`` (the hash of base URL and
key: never the key), and a new process waits out the rest of that second before its first call.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

from vidspec.core.atomic import atomic_write_text
from vidspec.core.clock import Clock


class LastCall:
    """When the last call of one key ended (UTC seconds since the epoch), in a file.

    A cache, not a record: a file that cannot be read or written only costs the pace across
    commands (the service's 803 is still waited out), never the command."""

    def __init__(self, cache_dir: Path, base_url: str, api_key: str, interval: float) -> None:
        name = hashlib.sha256(f"{base_url}\n{api_key}".encode()).hexdigest()
        self.path = cache_dir / "vidnoz-pace" / f"{name}.json"
        self._interval = interval

    @contextlib.contextmanager
    def turn(self, clock: Clock) -> Iterator[None]:
        """One call: first wait out the rest of the interval after the last call any command
        made with this key, then record when this one ended."""
        ended = self._read()
        if ended is not None:
            since = clock.now().timestamp() - ended
            if 0 <= since < self._interval:  # a time ahead of ours is another clock's
                clock.sleep(self._interval - since)
        try:
            yield
        finally:
            self._write(clock.now().timestamp())

    def _read(self) -> float | None:
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return None
        ended = doc.get("last_call_ended") if isinstance(doc, dict) else None
        return float(ended) if isinstance(ended, (int, float)) else None

    def _write(self, ended: float) -> None:
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.path, json.dumps({"last_call_ended": ended}) + "\n")
