"""``vidspec force-unlock ID``: breaks the lock only for the holder's ID, and asks first on a
terminal. The holder is a real second process, as a hung ``vidspec apply`` would be."""

from __future__ import annotations

import io
import os
import select
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_run import Cli

from vidspec.core.errors import LockHeld
from vidspec.project.config import load_project
from vidspec.state import LocalStateStore, LockInfo

WRONG_ID = "00000000-0000-0000-0000-000000000000"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "vidspec.yaml").write_text("version: 1\nprovider: {kind: sandbox}\n")
    return tmp_path


def _start_holder(root: Path) -> tuple[subprocess.Popen[str], LockInfo]:
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from vidspec.state import ProjectLock
        work = Path({str(root)!r}) / ".vidspec"
        lock = ProjectLock(work / "lock", work / "lock.info")
        info = lock.acquire("vidspec apply --auto-approve")
        print(info.id, flush=True)
        sys.stdin.read()
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdin is not None
    proc.stdout.readline()
    info = LocalStateStore(load_project(root)).lock_holder()
    assert info is not None and info.pid == proc.pid
    return proc, info


@pytest.fixture
def holder(root: Path) -> Iterator[LockInfo]:
    """Another process holding the project's lock until its stdin closes."""
    proc, info = _start_holder(root)
    yield info
    assert proc.stdin is not None
    proc.stdin.close()
    proc.wait(timeout=10)


@pytest.fixture
def stale(root: Path) -> LockInfo:
    """The note of a holder that was killed: its process is gone, its lock.info stays."""
    proc, info = _start_holder(root)
    proc.kill()
    proc.wait(timeout=10)
    return info


def lock_is_free(root: Path) -> bool:
    store = LocalStateStore(load_project(root))
    try:
        with store.lock("probe"):
            return True
    except LockHeld:
        return False


def test_a_live_holder_on_this_machine_is_refused_naming_its_pid(
    root: Path, holder: LockInfo, cli: Cli
) -> None:
    code, out, err = cli(root, "force-unlock", "-f", holder.id)
    assert (code, out) == (1, "")
    assert f"the lock's holder is still running: process {holder.pid} on this machine" in err
    assert f"vidspec force-unlock --force --force {holder.id}" in err
    assert not lock_is_free(root)


def test_a_stale_lock_breaks_with_one_force(root: Path, stale: LockInfo, cli: Cli) -> None:
    code, out, err = cli(root, "force-unlock", "-f", stale.id)
    assert code == 0, err
    assert out.startswith("The lock was removed")
    assert lock_is_free(root)


def test_the_right_id_and_force_twice_break_a_live_holders_lock(
    root: Path, holder: LockInfo, cli: Cli
) -> None:
    assert not lock_is_free(root)
    code, out, err = cli(root, "force-unlock", "--force", "--force", holder.id)
    assert code == 0, err
    assert out == (
        f"The lock was removed (it was held by {holder.user}@{holder.host}, pid {holder.pid}, "
        f"running `vidspec apply --auto-approve`). vidspec commands can run again.\n"
    )
    assert lock_is_free(root)  # although the hung holder still runs


def test_a_wrong_id_is_refused_showing_the_holder(root: Path, holder: LockInfo, cli: Cli) -> None:
    code, out, err = cli(root, "force-unlock", "-f", WRONG_ID)
    assert (code, out) == (1, "")
    assert f"lock ID {WRONG_ID} does not match the current lock ({holder.id})" in err
    assert f"ID:      {holder.id}" in err
    assert f"(pid {holder.pid})" in err
    assert "Command: vidspec apply --auto-approve" in err
    assert LocalStateStore(load_project(root)).lock_holder() == holder
    assert not lock_is_free(root)


def test_without_a_lock_there_is_nothing_to_unlock(root: Path, cli: Cli) -> None:
    code, _, err = cli(root, "force-unlock", "-f", WRONG_ID)
    assert code == 1
    assert "there is nothing to unlock" in err


def test_a_piped_yes_breaks_the_lock(
    root: Path, stale: LockInfo, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`echo yes | vidspec force-unlock ID`, as `echo yes | vidspec apply` (issue 20 item 13)."""
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    code, out, err = cli(root, "force-unlock", stale.id)
    assert code == 0, err
    assert "Do you really want to force-unlock?" in out
    assert f"ID:      {stale.id}" in out
    assert "The lock was removed" in out
    assert lock_is_free(root)


@pytest.mark.parametrize("piped", ["", "no\n", "y\n"])
def test_anything_but_yes_cancels_without_an_error(
    root: Path,
    stale: LockInfo,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    piped: str,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(piped))
    code, _, err = cli(root, "force-unlock", stale.id)
    assert code == 1
    assert err.startswith("Force-unlock cancelled: nothing was changed.\n"), err
    assert "Error" not in err
    if not piped:  # nothing to read: say how to answer
        assert f"echo yes | vidspec force-unlock {stale.id}" in err
        assert "--force" in err
    assert LocalStateStore(load_project(root)).lock_holder() == stale


def _on_a_terminal(root: Path, lock_id: str, answer: str) -> tuple[int, str]:
    """Run the real command with a pseudo-terminal as its stdin/stdout/stderr; type
    ``answer`` at the prompt. Returns the exit code and everything it printed."""
    master, slave = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "vidspec", "-C", str(root), "force-unlock", lock_id],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        close_fds=True,
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 20
    answered = False
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        if not answered and b"Enter a value:" in seen:
            os.write(master, answer.encode() + b"\n")
            answered = True
        if proc.poll() is not None and not ready:
            break
    os.close(master)
    code = proc.wait(timeout=10)
    return code, seen.decode(errors="replace").replace("\r\n", "\n")


def test_on_a_terminal_yes_breaks_the_lock(root: Path, stale: LockInfo) -> None:
    code, printed = _on_a_terminal(root, stale.id, "yes")
    assert code == 0, printed
    assert "Do you really want to force-unlock?" in printed
    assert f"ID:      {stale.id}" in printed
    assert "Only 'yes' will be accepted to confirm." in printed
    assert "The lock was removed" in printed
    assert lock_is_free(root)


def test_on_a_terminal_anything_but_yes_keeps_the_lock(root: Path, stale: LockInfo) -> None:
    code, printed = _on_a_terminal(root, stale.id, "y")
    assert code == 1, printed
    assert "Force-unlock cancelled: nothing was changed." in printed
    assert LocalStateStore(load_project(root)).lock_holder() == stale
