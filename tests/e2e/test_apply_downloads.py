"""``download:``: fetched when done (link, then file), written atomically inside the project,
size and sha256 in the state; a file already there with the recorded hash is not fetched."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_env import TOKEN, ApplyEnv, Recorder, make_env, simple_videos
from cli_run import Cli

from vidspec.engine import Outcome, Progress
from vidspec.engine.downloads import DownloadPathError, download_target, save_video
from vidspec.providers.cdnvideo.provider import CdnvideoProvider
from vidspec.state import DownloadRecord


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ApplyEnv]:
    yield from make_env(tmp_path, monkeypatch, queue_seconds=0.0, processing_seconds=3.0)


def file_calls(env: ApplyEnv, since: int = 0) -> list[str]:
    return [p for m, p, _ in env.server.request_log[since:] if p.startswith("/files/")]


def test_a_finished_video_is_saved_and_its_hash_recorded(env: ApplyEnv) -> None:
    videos = simple_videos(2)
    videos["video-00"]["download"] = "out/first.mp4"
    env.write_videos(videos)
    results = env.apply()
    assert results is not None and results.ok
    record = env.state().videos["video-00"]
    saved = env.root / "out" / "first.mp4"
    data = saved.read_bytes()
    assert record.download == DownloadRecord(
        path="out/first.mp4", size=len(data), sha256=hashlib.sha256(data).hexdigest()
    )
    assert results.rows[0].detail == f"id {record.id}, saved out/first.mp4"
    assert env.state().videos["video-01"].download is None
    # readable like any file the user makes (not the temp file's private 0600)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(saved.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in saved.parent.iterdir()] == ["first.mp4"]  # no temp file left
    # link first (an API call), then the file (not an API call)
    link = [p for m, p, _ in env.server.request_log if p.endswith("/download")]
    assert len(link) == 1 and len(file_calls(env)) == 1


def test_a_path_leading_out_of_the_project_fails_that_video_only(
    env: ApplyEnv, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The plan refuses such a path (issue 10 item 16); a symlink planted while the video
    generates is still refused when the file is written."""
    outside = tmp_path_factory.mktemp("elsewhere")
    videos = simple_videos(2)
    videos["video-00"]["download"] = "out/first.mp4"
    env.write_videos(videos)

    class Planting(Recorder):
        def submitted(self, address: str, video_id: str, progress: Progress) -> None:
            if not (env.root / "out").exists():
                (env.root / "out").symlink_to(outside, target_is_directory=True)

    results = env.apply(reporter=Planting())
    assert results is not None
    row = results.rows[0]
    assert row.outcome is Outcome.FAILED
    assert "generated, but saving out/first.mp4 failed" in row.detail
    assert "leads outside the project directory" in row.detail
    assert results.rows[1].outcome is Outcome.DONE
    assert list(outside.iterdir()) == []
    # the video itself is made and managed: it is not generated again; the next plan says
    # the file is still to be saved (and apply would try, and say why it fails)
    assert env.state().videos["video-00"].download is None
    (env.root / "out").unlink()
    assert [(a.address, a.kind, a.reason) for a in env.plan().actions] == [
        ("video-00", "download", "not saved yet")
    ]


def test_download_target_refuses_escapes(tmp_path: Path) -> None:
    assert download_target(tmp_path, "out/a.mp4") == tmp_path.resolve() / "out" / "a.mp4"
    for bad in ("../a.mp4", "/etc/a.mp4", "."):
        with pytest.raises(DownloadPathError):
            download_target(tmp_path, bad)


def test_a_file_already_saved_with_its_hash_is_not_fetched_again(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(1))
    env.apply()
    video_id = env.state().videos["video-00"].id
    provider = CdnvideoProvider(account="acme", base_url=env.server.base_url, token=TOKEN)
    try:
        record, fetched = save_video(provider, video_id, env.root, "out/v.mp4")
        assert fetched
        mark = len(env.server.request_log)
        again, fetched = save_video(provider, video_id, env.root, "out/v.mp4", record)
        assert (again, fetched) == (record, False)
        assert env.server.request_log[mark:] == []  # not even the link was asked for
        (env.root / "out" / "v.mp4").write_bytes(b"tampered")
        again, fetched = save_video(provider, video_id, env.root, "out/v.mp4", record)
        assert fetched and again == record
        assert file_calls(env, mark) != []
    finally:
        provider.close()


def test_a_finished_video_whose_file_is_missing_is_planned_and_saved_by_the_next_apply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    """--no-wait (or Ctrl-C, or a failed download) leaves a finished video unsaved; so does a
    deleted file. The plan says so (exit 2 with --detailed-exitcode), and apply saves exactly
    that: no generation."""
    for env in make_env(tmp_path, monkeypatch, cli, queue_seconds=0.0, processing_seconds=3.0):
        videos = simple_videos(2)
        videos["video-00"]["download"] = "out/first.mp4"
        env.write_videos(videos)
        code, out, err = env.run("apply", "--auto-approve", "--no-wait")
        assert code == 0, err
        assert ", so out/first.mp4 is not saved" in out
        env.clock.advance(10)
        code, out, err = env.run("plan", "--detailed-exitcode")
        assert code == 2, err
        assert "  ↓ download (save a finished video's file; nothing generated)\n" in out
        assert "  # video-00 will be downloaded to out/first.mp4 (not saved yet)\n" in out
        assert "Plan: 0 to create, 0 to rename, 0 to regenerate, 0 to delete, 1 to download." in out
        code, out, err = env.run("apply", "--auto-approve")
        assert code == 0, err
        assert "# video-00 will be downloaded to out/first.mp4 (not saved yet)" in out
        assert out.rstrip().endswith(
            "Apply complete! Videos: 0 created, 0 renamed, 0 regenerated, 0 deleted, 1 saved."
        )
        record = env.state().videos["video-00"].download
        assert record is not None and (env.root / "out" / "first.mp4").stat().st_size == record.size
        # nothing to do while the file is there ...
        code, out, _ = env.run("plan", "--detailed-exitcode")
        assert (code, out) == (0, "No changes. Your videos match the manifests.\n")
        code, out, _ = env.run("apply", "--auto-approve")
        assert (code, out) == (0, "No changes. Your videos match the manifests.\n")
        # ... and planned and saved again once it is gone
        (env.root / "out" / "first.mp4").unlink()
        code, out, _ = env.run("plan", "--detailed-exitcode")
        assert code == 2 and "# video-00 will be downloaded to out/first.mp4 (file missing)" in out
        posts = sum(1 for m, _, _ in env.server.request_log if m == "POST")
        code, out, err = env.run("apply", "--auto-approve")
        assert code == 0, out
        # issue 10 item 21: once "saved", not "saved (saved out/first.mp4 (file missing))"
        assert "video-00: saved (out/first.mp4) [1/1 done, 0:00 elapsed]\n" in err
        assert "\nvideo-00  download  done    out/first.mp4\n" in out
        assert (env.root / "out" / "first.mp4").is_file()
        assert sum(1 for m, _, _ in env.server.request_log if m == "POST") == posts


def test_a_changed_file_and_a_changed_path_are_planned(env: ApplyEnv) -> None:
    videos = simple_videos(2)
    videos["video-00"]["download"] = "out/first.mp4"
    videos["video-01"]["download"] = "out/second.mp4"
    env.write_videos(videos)
    results = env.apply()
    assert results is not None and results.ok and env.plan().actions == ()
    saved = env.root / "out" / "first.mp4"
    size = saved.stat().st_size
    saved.write_bytes(b"x" * size)  # same size, other bytes: only the hash tells
    videos["video-01"]["download"] = "out/renamed.mp4"
    env.write_videos(videos)
    result = env.plan()
    assert [(a.address, a.kind, a.reason) for a in result.actions] == [
        ("video-00", "download", "file changed"),
        ("video-01", "download", "download: changed from out/second.mp4"),
    ]
    assert result.summary["download"] == 2 and result.summary["create"] == 0
    # two download links; the files themselves are no API requests
    assert result.cost.api_requests == result.cost.refresh_requests + 2
    mark = len(env.server.request_log)
    results = env.apply()
    assert results is not None and results.ok
    api_calls = [p for _, p, _ in env.server.request_log[mark:] if not p.startswith("/files/")]
    assert len(api_calls) == result.cost.api_requests  # the apply's refresh, then the links
    assert saved.read_bytes() != b"x" * size
    assert (env.root / "out" / "renamed.mp4").is_file()
    assert env.state().videos["video-01"].download.path == "out/renamed.mp4"  # type: ignore[union-attr]
    assert env.plan().actions == ()


def test_a_saved_plan_with_a_download_applies_exactly_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    for env in make_env(tmp_path, monkeypatch, cli, queue_seconds=0.0, processing_seconds=3.0):
        videos = simple_videos(2)
        videos["video-00"]["download"] = "out/first.mp4"
        videos["video-01"]["download"] = "out/second.mp4"
        env.write_videos(videos)
        assert env.run("apply", "--auto-approve")[0] == 0
        (env.root / "out" / "first.mp4").unlink()
        code, _, err = env.run("plan", "--target", "video-00", "-o", "plan.json")
        assert code == 0, err
        (env.root / "out" / "second.mp4").unlink()  # after the plan: not in it
        code, out, err = env.run("apply", "plan.json")
        assert code == 0, err
        assert "video-00  download  done" in out
        assert (env.root / "out" / "first.mp4").is_file()
        assert not (env.root / "out" / "second.mp4").exists()
        assert [(a.address, a.reason) for a in env.plan().actions] == [("video-01", "file missing")]
