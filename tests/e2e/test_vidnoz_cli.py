"""``vidspec emulator --provider vidnoz`` as users run it: a foreground process printing its
base URL and API key, answering curl-like calls until Ctrl-C."""

from __future__ import annotations

import json
import queue
import signal
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

ANNA = "Rk1nN090NnZQWXlSZW5oSHJlSlhWdz09"
JENNY = "d0VWUk5SU056NEwwMlRsem5vNVROYlpCc3FGY25CY0xBa3VIeWtLUkRyMD0="


class Running:
    """A ``vidspec emulator`` subprocess and the ``key: value`` lines it printed."""

    def __init__(self, *args: str, cwd: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "vidspec", "emulator", "--port", "0", *args],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        lines: queue.Queue[str] = queue.Queue()
        stdout = self.proc.stdout
        assert stdout is not None
        threading.Thread(target=lambda: [lines.put(x) for x in stdout], daemon=True).start()
        self.printed: dict[str, str] = {}
        deadline = time.monotonic() + 15
        while "Press" not in self.printed:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.proc.kill()
                raise AssertionError("vidspec emulator printed no base URL") from None
            key, _, value = line.strip().partition(": ")
            self.printed[key.split()[0] if key else ""] = value

    def stop(self) -> tuple[int, str]:
        self.proc.send_signal(signal.SIGINT)
        _, err = self.proc.communicate(timeout=10)
        return self.proc.returncode, err


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    server = Running(
        "--provider", "vidnoz", "--api-key", "cli-key-0042", "--queue-seconds", "0",
        "--processing-seconds", "0", "--credits-left", "50", "--request-limit", "2/60s",
        cwd=tmp_path,
    )  # fmt: skip
    yield server
    if server.proc.poll() is None:
        server.proc.kill()
        server.proc.communicate()


def test_a_curl_like_session_then_ctrl_c(running: Running) -> None:
    assert running.printed["vidspec"] == "Vidnoz API v2"
    base = running.printed["base_url"]
    assert base.startswith("http://127.0.0.1:") and base.count("/") == 2  # the root
    assert running.printed["api_key"] == "cli-key-0042"
    assert running.printed["credits"] == "50"
    headers = {"Authorization": "Bearer cli-key-0042"}
    form = [
        ("name", (None, "From the CLI")),
        ("avatar[id]", (None, json.dumps(ANNA), "application/json")),
        ("voice[tts][id]", (None, json.dumps(JENNY), "application/json")),
        ("voice[tts][text]", (None, json.dumps("Hello from curl."), "application/json")),
    ]
    created = requests.post(
        f"{base}/v2/task/avatar-to-video", files=form, headers=headers, timeout=5
    ).json()
    assert created["code"] == 200
    task_id = created["data"]["task_id"]
    detail = requests.post(
        f"{base}/v2/task/detail", data={"id": task_id}, headers=headers, timeout=5
    ).json()
    assert detail["data"]["status"] == 1
    video = requests.get(detail["data"]["additional_data"]["url"], timeout=5)
    assert video.content[4:8] == b"ftyp"
    third = requests.get(f"{base}/v2/voice/list", headers=headers, timeout=5).json()
    assert third["code"] == 803  # --request-limit 2/60s
    code, err = running.stop()
    assert code == 0
    assert "vidspec emulator: stopped" in err
    assert "POST /v2/task/avatar-to-video -> 200" in err
    assert "cli-key-0042" not in err


def test_an_unknown_provider_is_a_clear_click_error() -> None:
    result = CliRunner().invoke(cli, ["emulator", "--provider", "colossyan"])
    assert result.exit_code == 1  # every error exits 1 (2 means changes)
    assert "Invalid value for '--provider'" in result.output
    assert "'colossyan' is not one of 'cdnvideo', 'vidnoz'," in result.output
