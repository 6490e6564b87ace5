"""The Vidnoz pace across commands (issue 13, item 20): the time of a key's last call is kept
in the user's cache directory (a hash names it, never the key), so the next command waits out
the rest of the second instead of meeting an 803 at its first call.

Each "command" here gets its own clock object, as a new process would (the in-process pacer is
shared per clock), reading the one time the emulator reads: nothing sleeps for real.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from apply_env import VIDNOZ_KEY, ApplyEnv, make_vidnoz_env, vidnoz_videos

from vidspec.app.workflow import PlanRequest, make_plan
from vidspec.core.clock import ManualClock


class NewProcessClock:
    """The shared time, behind another object (and another monotonic origin): a new process."""

    def __init__(self, clock: ManualClock) -> None:
        self._clock = clock

    def now(self) -> datetime:
        return self._clock.now()

    def monotonic(self) -> float:
        return self._clock.monotonic() + 7000.0

    def sleep(self, seconds: float) -> None:
        self._clock.sleep(seconds)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ApplyEnv]:
    yield from make_vidnoz_env(tmp_path, monkeypatch)


def _command(env: ApplyEnv, **request: object) -> int:
    """One ``vidspec plan`` in a fresh process: the API requests it sent (803s included)."""
    result = make_plan(
        env.project,
        PlanRequest(**request),  # type: ignore[arg-type]
        NewProcessClock(env.clock),
        environ=env.environ,
    )
    return result.requests


def test_consecutive_commands_meet_no_803(env: ApplyEnv) -> None:
    env.write_videos(vidnoz_videos(1))  # type: ignore[arg-type]
    start = env.clock.monotonic()
    assert _command(env) == 3  # avatars, voices, the listing
    # the next command at once: its first call waits out the rest of the second, no 803
    assert _command(env) == 1
    assert _command(env, refresh_catalog=True) == 3
    assert env.clock.monotonic() - start == pytest.approx(6.0)  # 7 calls, 1 s apart


def test_the_last_call_is_kept_under_a_hash_in_the_user_cache(env: ApplyEnv) -> None:
    env.write_videos(vidnoz_videos(1))  # type: ignore[arg-type]
    _command(env)
    cache = Path(os.environ["XDG_CACHE_HOME"]) / "vidspec" / "vidnoz-pace"
    files = list(cache.iterdir())
    assert len(files) == 1
    assert VIDNOZ_KEY not in files[0].name and VIDNOZ_KEY not in files[0].read_text()
    assert len(files[0].stem) == 64  # sha256 of base URL and key
    assert float(files[0].read_text().split(":")[1].strip(" }\n")) == pytest.approx(
        env.clock.now().timestamp()
    )


def test_an_unreadable_pace_file_costs_at_most_one_803(env: ApplyEnv) -> None:
    env.write_videos(vidnoz_videos(1))  # type: ignore[arg-type]
    _command(env)
    cache = Path(os.environ["XDG_CACHE_HOME"]) / "vidspec" / "vidnoz-pace"
    for path in cache.iterdir():
        path.write_text("not json")
    assert _command(env) == 2  # one 803, waited out; the command still works
    assert _command(env) == 1  # and the file is good again
