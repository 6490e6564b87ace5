"""Vidnoz's rough edges (issue 13, items 22 and 23), over loopback against its emulator."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_env import ANNA, JENNY, ApplyEnv, make_vidnoz_env, vidnoz_videos
from cli_run import Cli

from vidspec.core.errors import TransportError


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    yield from make_vidnoz_env(tmp_path, monkeypatch, cli)


def _api_paths(env: ApplyEnv) -> list[str]:
    return [p for _, p, _ in env.server.request_log if not p.startswith("/files/")]


def test_a_planned_download_uses_the_listed_link(env: ApplyEnv) -> None:
    videos = vidnoz_videos(1)
    videos["video-00"]["download"] = "out/v.mp4"
    env.write_videos(videos)  # type: ignore[arg-type]
    env.apply()
    saved = env.root / "out" / "v.mp4"
    first = saved.read_bytes()
    saved.unlink()
    env.clock.advance(60)
    env.server.request_log.clear()
    assert env.kinds() == [("video-00", "download")]
    env.server.request_log.clear()
    results = env.apply()
    assert results is not None and results.ok
    assert saved.read_bytes() == first
    # the refresh's listing (the catalog is kept) gave the link: no task-detail call
    assert _api_paths(env) == ["/v2/video/list"]


def _plan_cli(env: ApplyEnv, *args: str) -> tuple[int, str, str]:
    """``vidspec plan`` in-process on the emulator's clock."""
    return env.run("--no-color", "plan", *args)


def test_a_connection_error_names_the_host(env: ApplyEnv) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    text = (env.root / "vidspec.yaml").read_text()
    (env.root / "vidspec.yaml").write_text(
        text.replace(env.server.root_url, f"http://127.0.0.1:{port}")
    )
    env.write_videos(vidnoz_videos(1))  # type: ignore[arg-type]
    with pytest.raises(TransportError) as caught:
        env.plan()
    assert str(caught.value).startswith(
        f"could not reach the service (connection refused) (GET /v2/avatar/list on "
        f"127.0.0.1:{port})"
    )


def test_the_legend_says_forget_for_a_vidnoz_replacement(env: ApplyEnv) -> None:
    videos = vidnoz_videos(1)
    env.write_videos(videos)  # type: ignore[arg-type]
    env.apply()
    videos["video-00"]["name"] = "A new name"
    env.write_videos(videos)  # type: ignore[arg-type]
    code, out, err = _plan_cli(env)
    assert code == 0, err
    legend = out.split("\n\n")[0].splitlines()
    assert legend == [
        "Actions are shown with these symbols:",
        "+/- create replacement and then forget the old one",
    ]
    assert "destroy" not in out


def test_the_no_settings_note_is_shown_until_an_apply_has_shown_it(env: ApplyEnv) -> None:
    note = (
        "Vidnoz's listing reports no video settings: changes made outside vidspec are seen in "
        "names only; the plan compares with the state."
    )
    videos = vidnoz_videos(2)
    env.write_videos({"video-00": videos["video-00"]})  # type: ignore[dict-item]
    env.apply()  # nothing managed yet: no note, nothing recorded
    assert env.state().notes_shown == ()
    env.write_videos(videos)  # type: ignore[arg-type]
    assert note in env.plan().warnings
    assert note in env.plan().warnings  # a plan writes no state: shown again
    env.apply()  # this apply's plan showed it: remembered in the state
    assert env.state().notes_shown == ("listing_settings",)
    assert '"notes_shown": ["listing_settings"],' in env.state().to_text()
    videos["video-02"] = {**videos["video-01"], "name": "Third"}
    env.write_videos(videos)  # type: ignore[arg-type]
    plan = env.plan()
    assert env.kinds(plan) == [("video-02", "create")]
    assert note not in plan.warnings
    code, out, _ = _plan_cli(env)
    assert code == 0 and "listing reports no video settings" not in out


def test_avatars_and_voices_are_shown_by_name_beside_their_ids(env: ApplyEnv) -> None:
    env.write_videos(vidnoz_videos(1))  # type: ignore[arg-type]
    code, out, err = _plan_cli(env)
    assert code == 0, err
    rows = [" ".join(line.split()) for line in out.splitlines()]
    assert f'+ avatar.id = "{ANNA}" (Anna)' in rows
    assert f'+ voice.tts.id = "{JENNY}" (Jenny)' in rows
