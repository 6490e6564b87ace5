"""``vidspec apply`` as users run it: the prompt, plan files (and stale ones), the table, the
final line, exit codes. The real CLI in-process, on the emulator's clock."""

from __future__ import annotations

import io
import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_env import ApplyEnv, make_env, simple_videos
from cli_run import Cli

from vidspec.state import LocalStateStore


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    yield from make_env(tmp_path, monkeypatch, cli, queue_seconds=0.0, processing_seconds=3.0)


def tty(monkeypatch: pytest.MonkeyPatch, answer: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(answer + "\n"))


def test_the_answer_may_come_from_a_pipe_and_the_end_of_input_is_a_no(
    env: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    env.write_videos(simple_videos(1))
    for piped in ("", "Yes\n", " yes\n", "yes please\n"):  # EOF, then near misses
        monkeypatch.setattr("sys.stdin", io.StringIO(piped))
        code, out, err = env.run("apply")
        assert code == 1, piped
        # one wording for every prompt, never an error (issue 20 item 13)
        assert "Apply cancelled: nothing was changed." in err
        assert "Error" not in err, err
        assert ("stdin ended without an answer" in err) == (piped == ""), err
    assert env.server.world.videos == {}
    monkeypatch.setattr("sys.stdin", io.StringIO("yes"))  # `printf yes |`: no newline
    code, out, err = env.run("apply")
    assert code == 0, err
    assert "Apply complete! Videos: 1 created" in out
    assert len(env.server.world.videos) == 1


def test_yes_applies_and_anything_else_cancels(
    env: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    env.write_videos(simple_videos(1))
    tty(monkeypatch, "no")
    code, out, err = env.run("apply")
    assert code == 1
    assert "Do you want to perform these actions? Only 'yes' will be accepted." in out
    assert err == "Apply cancelled: nothing was changed.\n"
    assert env.server.world.videos == {}
    tty(monkeypatch, "yes")
    code, out, err = env.run("apply")
    assert code == 0, err
    assert out.rstrip().endswith(
        "Apply complete! Videos: 1 created, 0 renamed, 0 regenerated, 0 deleted."
    )
    assert len(env.server.world.videos) == 1


def test_auto_approve_prints_plan_table_and_final_line(env: ApplyEnv) -> None:
    videos = simple_videos(2)
    env.write_videos(videos)
    code, out, err = env.run("apply", "--auto-approve")
    assert code == 0, err
    state = LocalStateStore(env.project).load()
    first, second = (state.videos[a].id for a in ("video-00", "video-01"))
    assert "Plan: 2 to create, 0 to rename, 0 to regenerate, 0 to delete." in out
    assert "Do you want" not in out
    table = out[out.index("VIDEO") :]
    assert table == (
        "VIDEO     ACTION  RESULT  DETAIL\n"
        f"video-00  create  done    id {first}\n"
        f"video-01  create  done    id {second}\n"
        "\n"
        "Apply complete! Videos: 2 created, 0 renamed, 0 regenerated, 0 deleted.\n"
    )
    # CI (no terminal): a line per finished video on stderr
    assert f"video-00: created (id {first}) [1/2 done, " in err
    code, out, err = env.run("apply", "--auto-approve")
    assert (code, out) == (0, "No changes. Your videos match the manifests.\n")
    videos["video-01"]["video_name"] = "Second, renamed"
    del videos["video-00"]
    env.write_videos(videos)
    code, out, _ = env.run("apply", "--auto-approve")
    assert code == 0
    assert out.rstrip().endswith(
        "Apply complete! Videos: 0 created, 1 renamed, 0 regenerated, 1 deleted."
    )


@pytest.fixture
def tight_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    yield from make_env(
        tmp_path, monkeypatch, cli, queue_seconds=0.0, processing_seconds=3.0, quota_left=2.0
    )


def test_a_refused_create_shows_in_the_table_and_exits_1(tight_env: ApplyEnv) -> None:
    env = tight_env
    videos = simple_videos(3)
    videos["video-00"]["video_name"] = "Renamed later"
    env.write_videos({"video-00": videos["video-00"]})
    assert env.run("apply", "--auto-approve")[0] == 0
    # another client's long task reserves the quota the plan still sees as free
    env.server.world.add_video(status="in_queue", duration=113.0, video_name="Not ours")
    videos["video-00"]["video_name"] = "Renamed now"
    env.write_videos(videos)
    code, out, err = env.run("apply", "--auto-approve")
    assert code == 1
    table = out[out.index("VIDEO") :].splitlines()
    assert table[0].split() == ["VIDEO", "ACTION", "RESULT", "DETAIL"]
    assert table[1].split()[:3] == ["video-00", "rename", "done"]
    assert table[2].split()[:3] == ["video-01", "create", "failed"]
    assert "not enough quota" in table[2]
    # what was not attempted is below the table, a line per definition (issue 20 item 14)
    assert table[3:6] == [
        "",
        "Not attempted:",
        "  video-02: create not attempted (not sent: an earlier create was refused "
        + table[5].split("refused ", 1)[1],
    ]
    assert table[-1] == (
        "Apply finished with errors. Videos: 0 created, 1 renamed, 0 regenerated, 0 deleted; "
        "1 failed, 1 not done."
    )
    assert "Error: 1 action failed (see the table above)." in err
    # the next plan is exactly what is left
    assert env.kinds() == [("video-01", "create"), ("video-02", "create")]


def test_a_saved_plan_is_applied_exactly_or_refused_as_stale(env: ApplyEnv) -> None:
    videos = simple_videos(2)
    env.write_videos(videos)
    code, _, err = env.run("plan", "-o", "plan.json")
    assert code == 0, err
    # the manifests change after the plan: the saved plan still does what it showed
    env.write_videos({**videos, "video-09": {"video_name": "Late", "script": "Came later."}})
    code, out, err = env.run("apply", "plan.json")
    assert code == 0, err
    assert "Do you want" not in out
    assert "Apply complete! Videos: 2 created" in out
    assert sorted(n for n in env.names()) == ["Video 0", "Video 1"]
    # applying it again: it was made before there was any state
    code, out, err = env.run("apply", "plan.json")
    assert code == 1
    assert "plan.json was planned before any state existed" in err
    assert "vidspec plan -o plan.json" in err
    # the state moved on since the plan (serial): stale
    videos["video-01"]["video_name"] = "Video one"
    env.write_videos(videos)
    assert env.run("plan", "-o", "plan.json")[0] == 0
    args = ("apply", "--auto-approve", "--target", "video-00", "--replace", "video-00")
    assert env.run(*args)[0] == 0
    code, out, err = env.run("apply", "plan.json")
    assert code == 1
    assert "plan.json is stale: the state changed since it was planned (serial" in err
    # the listing moved on (a rename in the vendor's UI): stale too, nothing done
    code, _, _ = env.run("plan", "-o", "plan.json")
    assert code == 0
    some_id = next(iter(env.server.world.videos))
    env.server.world.rename(some_id, "Renamed in the UI")
    mark = len(env.server.request_log)
    code, out, err = env.run("apply", "plan.json")
    assert code == 1
    assert "the videos in the account changed since it was planned" in err
    assert [m for m, _, _ in env.server.request_log[mark:]] == ["GET", "GET"]  # refresh only


def test_plan_file_and_target_do_not_mix(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(1))
    code, _, err = env.run("apply", "plan.json", "--target", "video-00")
    assert code == 1 and "cannot be combined with a plan file" in err


def test_target_and_replace(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(3))
    code, out, err = env.run("apply", "--auto-approve", "--target", "video-01")
    assert code == 0, err
    assert list(LocalStateStore(env.project).load().videos) == ["video-01"]
    old = LocalStateStore(env.project).load().videos["video-01"].id
    code, out, err = env.run(
        "apply",
        "--auto-approve",
        "--target",
        "video-01",
        "--replace",
        "video-01",
    )
    assert code == 0, err
    assert "video-01 will be regenerated (replacement requested)" in out
    new = LocalStateStore(env.project).load().videos["video-01"].id
    assert new != old and old not in env.server.world.videos


def test_safety_caps_need_force(env: ApplyEnv) -> None:
    (env.root / "vidspec.yaml").write_text(
        (env.root / "vidspec.yaml").read_text().replace("max_deletes: 50", "max_deletes: 1")
    )
    env.write_videos(simple_videos(3))
    assert env.run("apply", "--auto-approve")[0] == 0
    env.write_videos(simple_videos(1))
    code, out, err = env.run("apply", "--auto-approve")
    assert code == 1 and "safety.max_deletes is 1" in err
    assert "Plan: 0 to create, 0 to rename, 0 to regenerate, 2 to delete." in out  # shown first
    assert len(env.server.world.videos) == 3
    code, out, err = env.run("apply", "--auto-approve", "--force")
    assert code == 0, err
    assert len(env.server.world.videos) == 1


def test_no_wait_and_json_usage(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(1))
    code, out, err = env.run("apply", "--auto-approve", "--no-wait")
    assert code == 0, err
    assert "video-00  create  submitted  id " in out
    assert "generating; not waited for (--no-wait)" in out
    assert "1 submitted (still generating)" in out
    usage = json.loads((env.root / ".vidspec" / "usage.json").read_text())
    assert list(usage.values()) == [env.server.world.requests_this_month]


def test_ctrl_c_records_what_was_sent_and_exits_130(
    env: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    env.write_videos(simple_videos(2))
    real_sleep = env.clock.sleep
    pressed: list[float] = []

    def sleep(seconds: float) -> None:
        if not pressed:  # the first wait (for the videos to finish): the user presses Ctrl-C
            pressed.append(seconds)
            os.kill(os.getpid(), signal.SIGINT)
        real_sleep(seconds)

    monkeypatch.setattr(env.clock, "sleep", sleep)
    before = signal.getsignal(signal.SIGINT)
    code, out, err = env.run("apply", "--auto-approve")
    assert code == 130
    assert signal.getsignal(signal.SIGINT) is before  # handler restored
    assert "Interrupt received: apply starts nothing new and records what is in flight." in err
    assert "Error: Apply interrupted; everything sent was recorded in the state." in err
    assert "video-00  create  submitted  id " in out
    assert "interrupted (Ctrl-C); still generating; the next plan shows it" in out
    assert "Apply interrupted. Videos: 0 created" in out
    state = LocalStateStore(env.project).load()
    assert set(state.videos) == {"video-00", "video-01"}
    assert set(state.managed_ids()) == set(env.server.world.videos)
    plan = env.plan()
    assert plan.actions == () and {p.address for p in plan.pending} == {"video-00", "video-01"}
