"""``vidspec emulator`` as users run it: a foreground process printing its URL and token."""

from __future__ import annotations

import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from vidspec.cli import cli
from vidspec.cli.emulator import RateType
from vidspec.providers.base import Rate


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Running:
    """A ``vidspec emulator`` subprocess and what it printed before serving."""

    def __init__(self, *args: str, cwd: Path, sigint_ignored: bool = False) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "vidspec", "emulator", "--port", "0", *args],
            cwd=cwd,
            # as a child of a script's background job is started: SIGINT ignored
            preexec_fn=_ignore_sigint if sigint_ignored else None,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        lines: queue.Queue[str] = queue.Queue()
        assert self.proc.stdout is not None
        stdout = self.proc.stdout

        def pump() -> None:
            for line in stdout:
                lines.put(line)

        threading.Thread(target=pump, daemon=True).start()
        self.printed: dict[str, str] = {}
        deadline = time.monotonic() + 15
        while "base_url" not in self.printed or "Press" not in self.printed:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.proc.kill()
                raise AssertionError("vidspec emulator printed no base URL") from None
            key, _, value = line.strip().partition(": ")
            self.printed[key.split()[0] if key else ""] = value

    def stop(self, sig: signal.Signals) -> tuple[int, str]:
        self.proc.send_signal(sig)
        _, err = self.proc.communicate(timeout=10)
        return self.proc.returncode, err


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    server = Running(
        "--token", "cli-token", "--queue-seconds", "0", "--processing-seconds", "0",
        cwd=tmp_path,
    )  # fmt: skip
    yield server
    if server.proc.poll() is None:
        server.proc.kill()
        server.proc.communicate()


def test_a_curl_like_session_then_ctrl_c(running: Running) -> None:
    base = running.printed["base_url"]
    assert base.startswith("http://127.0.0.1:") and base.endswith("/app/th-api/v1")
    assert running.printed["token"] == "cli-token"
    api = f"{base}/accounts/acme"
    headers = {"CDN-AUTH-TOKEN": "cli-token"}
    catalog = requests.get(f"{api}/configurations", headers=headers, timeout=5)
    assert catalog.status_code == 200 and "Natalia" in catalog.json()["models"]
    spec = {
        "script": "Hello! This is the text I am speaking.",
        "actor": {"name": "Natalia", "version": "4.0.0", "shot": "waist", "size": "HD"},
        "voice": "Sara",
        "video_name": "Awesome Video!",
    }
    created = requests.post(f"{api}/generate", json=spec, headers=headers, timeout=5)
    assert created.status_code == 202
    video_id = created.json()["id"]
    task = requests.get(f"{api}/tasks/{video_id}", headers=headers, timeout=5).json()["task"]
    assert task["status"] == "processed"
    link = requests.get(f"{api}/videos/{video_id}/download", headers=headers, timeout=5).json()
    assert requests.get(link["url"], timeout=5).content[4:8] == b"ftyp"
    assert requests.get(f"{api}/videos", timeout=5).status_code == 403

    code, err = running.stop(signal.SIGINT)
    assert code == 0
    assert "vidspec emulator: stopped" in err
    assert "POST /app/th-api/v1/accounts/acme/generate -> 202" in err
    assert "cli-token" not in err


def test_terminate_stops_cleanly(running: Running) -> None:
    code, _ = running.stop(signal.SIGTERM)
    assert code == 0


def test_ctrl_c_stops_it_even_when_started_with_sigint_ignored(tmp_path: Path) -> None:
    server = Running("--quiet", cwd=tmp_path, sigint_ignored=True)
    try:
        code, err = server.stop(signal.SIGINT)
    finally:
        if server.proc.poll() is None:
            server.proc.kill()
            server.proc.communicate()
    assert code == 0
    assert "vidspec emulator: stopped" in err


def test_default_token_is_made_up_and_printed(tmp_path: Path) -> None:
    server = Running("--quiet", cwd=tmp_path)
    try:
        token = server.printed["token"]
        assert token.startswith("emu_") and len(token) > 20
        url = f"{server.printed['base_url']}/accounts/x/configurations"
        assert requests.get(url, headers={"CDN-AUTH-TOKEN": token}, timeout=5).status_code == 200
    finally:
        code, err = server.stop(signal.SIGINT)
    assert code == 0 and "-> 200" not in err


def test_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "vidspec", "emulator", "--port", str(port)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=15,
        )
    assert done.returncode == 1
    assert f"Error: cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "--port 0 for a free one" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--post-limit", "ten"], "'ten' is not a rate; write it as N/WINDOW"),
        (["--post-limit", "0/60s"], "must allow at least 1 call"),
        (["--fail-rate", "1.5"], "Invalid value for '--fail-rate'"),
        (["--port", "70000"], "Invalid value for '--port'"),
        (["--monthly-requests", "0"], "Invalid value for '--monthly-requests'"),
        (["--account", "a/b"], "Invalid value for --account: must be a name without '/'"),
    ],
)
def test_bad_options_are_clear_click_errors(args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["emulator", *args])
    assert result.exit_code == 1  # every error exits 1 (2 means changes)
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("text", "rate"),
    [("10/60s", Rate(10, 60.0)), ("10/1m", Rate(10, 60.0)), ("5/s", Rate(5, 1.0)),
     ("3/500ms", Rate(3, 0.5)), ("20/1h", Rate(20, 3600.0))],
)  # fmt: skip
def test_rate_option_forms(text: str, rate: Rate) -> None:
    assert RateType().convert(text, None, None) == rate
