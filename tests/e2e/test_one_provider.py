"""A command opens ONE provider: one apply with username/password logs in exactly once.

``apply`` plans (catalog, listing) and then acts (creates, polling, downloads) through the same
client, so the token its login brought is used for everything, and the pacing of the plan's
calls and of apply's own is one. Checked against the emulator's request log.
"""

from __future__ import annotations

from pathlib import Path

from apply_env import ACCOUNT, TOKEN, ApplyEnv, real_now_clock, simple_videos

from vidspec.app.apply import ApplyRequest, apply_project
from vidspec.emulator import EmulatorSettings, serve

USER, PASSWORD = "apply-user", "apply-password-7"
LOGIN = ("POST", "/app/oauth/v1/token/")


def test_one_apply_with_username_and_password_logs_in_exactly_once(tmp_path: Path) -> None:
    clock = real_now_clock()
    settings = EmulatorSettings(
        token=TOKEN, account=ACCOUNT, username=USER, password=PASSWORD, seed=3
    )
    with serve(settings, clock=clock) as server:
        (tmp_path / "videos").mkdir()
        (tmp_path / "vidspec.yaml").write_text(
            "version: 1\n"
            f"provider: {{kind: cdnvideo, account: {ACCOUNT}, base_url: {server.base_url},\n"
            "  username: env/CDN_USER, password: env/CDN_PASSWORD}\n"
            'manifests: ["videos/*.yaml"]\n',
            encoding="utf-8",
        )
        environ = {"CDN_USER": USER, "CDN_PASSWORD": PASSWORD}
        env = ApplyEnv(tmp_path, server, clock, environ=environ)
        env.write_videos(simple_videos(2))

        outcome = apply_project(env.project, ApplyRequest(), clock, environ=environ)

        assert outcome.results is not None and outcome.results.ok, outcome.results
        log = [(method, path) for method, path, _ in server.request_log]
        assert log.count(LOGIN) == 1, log
        assert log[0] == LOGIN  # before the plan's first call, and never again
        assert log.count(("POST", f"/app/th-api/v1/accounts/{ACCOUNT}/generate")) == 2
        assert len(env.state().videos) == 2
