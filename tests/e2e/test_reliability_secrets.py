"""The token, the password, and any token a login hands out never appear in the state, plan
files, the usage count, the lock note, downloaded files' names, stdout or stderr, even with
-vv (the request log), and not in error messages either."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from apply_env import manifest, simple_videos

from vidspec.emulator import EmulatorSettings, serve

TOKEN = "tok-SECRET-1234"
PASSWORD = "pw-SECRET-5678"
WRONG = "tok-SECRET-WRONG-0000"
ISSUED = "cdn2_"  # every token the emulator's login issues starts so


def _everything_written(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _run(root: Path, environ: dict[str, str], *args: str) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "vidspec", "-vv", "-C", str(root), *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, done.stdout + done.stderr


def _project(root: Path, base_url: str, credentials: str) -> None:
    (root / "videos").mkdir(parents=True)
    lines = [
        "version: 1",
        "provider:",
        "  kind: cdnvideo",
        "  account: acme",
        f"  base_url: {base_url}",
        *(f"  {line}" for line in credentials.splitlines()),
        'manifests: ["videos/*.yaml"]',
    ]
    (root / "vidspec.yaml").write_text("\n".join(lines) + "\n")
    videos = simple_videos(2)
    videos["video-00"]["download"] = "out/first.mp4"
    (root / "videos" / "main.yaml").write_text(manifest(videos))


def _assert_clean(outputs: list[str], root: Path, secrets: tuple[str, ...]) -> None:
    assert any("GET /app/th-api/v1/accounts/acme/videos -> 200" in o for o in outputs), (
        "the request log was on (-vv)"
    )
    for secret in secrets:
        for n, output in enumerate(outputs):
            assert secret not in output, f"{secret!r} in the output of command {n}"
        for name, data in _everything_written(root).items():
            assert secret.encode() not in data, f"{secret!r} in {name}"
            assert secret not in name


def test_a_token_never_leaks(tmp_path: Path) -> None:
    root = tmp_path / "project"
    settings = EmulatorSettings(
        token=TOKEN, account="acme", queue_seconds=0.0, processing_seconds=0.3
    )
    environ = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    with serve(settings) as server:
        _project(root, server.base_url, "token: env/CDN_TOKEN")
        environ["CDN_TOKEN"] = TOKEN
        outputs = []
        for args in (
            ("plan", "-o", "plan.json"),
            ("apply", "plan.json"),
            ("show",),
            ("show", "--json"),
            ("plan", "--json"),
            ("destroy", "--auto-approve"),
        ):
            code, output = _run(root, environ, *args)
            assert code == 0, output
            outputs.append(output)
            if args[0] == "apply":
                assert (root / "out" / "first.mp4").is_file()
        environ["CDN_TOKEN"] = WRONG  # refused: the error message must not echo it either
        code, output = _run(root, environ, "apply", "--auto-approve")
        assert code == 1 and "the service refused the credentials" in output
        outputs.append(output)
    assert (root / "plan.json").is_file() and (root / ".vidspec" / "state.json").is_file()
    assert not (root / "out" / "first.mp4").exists()  # destroyed with its video (issue 20)
    _assert_clean(outputs, root, (TOKEN, WRONG))


def test_a_password_and_the_token_it_buys_never_leak(tmp_path: Path) -> None:
    root = tmp_path / "project"
    settings = EmulatorSettings(
        token="unused-" + TOKEN,
        account="acme",
        username="robot",
        password=PASSWORD,
        queue_seconds=0.0,
        processing_seconds=0.3,
    )
    environ = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environ.update(CDN_USER="robot", CDN_PASSWORD=PASSWORD)
    with serve(settings) as server:
        _project(root, server.base_url, "username: env/CDN_USER\npassword: env/CDN_PASSWORD")
        outputs = []
        # (--no-wait: the token bought by the login travels on the same calls either way)
        for args in (("apply", "--auto-approve", "--no-wait"), ("plan", "-o", "plan.json")):
            code, output = _run(root, environ, *args)
            assert code == 0, output
            outputs.append(output)
        assert any(p == "/app/oauth/v1/token/" for _, p, _ in server.request_log)  # logged in
        environ["CDN_PASSWORD"] = PASSWORD + "-typo"
        code, output = _run(root, environ, "plan")
        assert code == 1 and "refused the username or password" in output
        outputs.append(output)
    _assert_clean(outputs, root, (PASSWORD, ISSUED))
