"""``vidspec apply --json``: every line of a whole run, through the real CLI against the
emulators over loopback, is one JSON object valid against ``schemas/apply-events.schema.json``
(Terraform's machine-readable UI shape), for creates, a rename, a regenerate, a delete, a lost
create answer resolved, a failed generation, a 429 wait, an interrupted run and a refused
``--expect-fingerprint``. Nothing else reaches stdout.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from apply_env import TOKEN, ApplyEnv, make_env, make_vidnoz_env, simple_videos, vidnoz_videos
from cli_run import Cli
from repo_paths import REPO

import vidspec.cli.apply_view as apply_view
from vidspec.core.rate import Rate
from vidspec.engine.progress import Progress
from vidspec.render.events import EventStream

SCHEMA = json.loads((REPO / "schemas" / "apply-events.schema.json").read_text("utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(
    SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    yield from make_env(tmp_path, monkeypatch, cli, queue_seconds=0.0, processing_seconds=3.0)


def events(out: str) -> list[dict[str, Any]]:
    """Every stdout line parsed and validated; the stream opens with ``version``."""
    lines = out.splitlines()
    assert lines, "no output"
    parsed = []
    for number, line in enumerate(lines, 1):
        assert line.isascii() and line == line.strip(), f"line {number}: {line!r}"
        event = json.loads(line)
        errors = sorted(VALIDATOR.iter_errors(event), key=str)
        assert not errors, f"line {number} {line}: {[e.message for e in errors]}"
        parsed.append(event)
    assert parsed[0]["type"] == "version" and parsed[0]["ui"] == "1.0"
    return parsed


def of(stream: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e for e in stream if e["type"] == kind]


def addresses(stream: list[dict[str, Any]], kind: str) -> list[str]:
    return [e["hook"]["resource"]["addr"] for e in of(stream, kind)]


def apply_json(env: ApplyEnv, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    code, out, err = env.run("apply", "--json", "--auto-approve", *args)
    return code, events(out), err


def test_creates_stream_the_plan_every_video_s_id_link_expiry_and_file(
    env: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    videos = simple_videos(3)
    videos["video-00"]["download"] = "out/v0.mp4"
    env.write_videos(videos)
    code, stream, _ = apply_json(env, monkeypatch)
    assert code == 0
    kinds = [e["type"] for e in stream]
    assert kinds[:5] == ["version", *["planned_change"] * 3, "change_summary"]
    assert of(stream, "change_summary")[0]["changes"]["create"] == 3
    assert of(stream, "quota")
    assert addresses(stream, "apply_start") == ["video-00", "video-01", "video-02"]
    complete = {e["hook"]["resource"]["addr"]: e["hook"] for e in of(stream, "apply_complete")}
    state = env.state()
    for address, hook in complete.items():
        assert hook["id_value"] == state.videos[address].id
        assert hook["url"].startswith("http")
        assert hook["expires_at"] is not None
        assert hook["duration_seconds"] > 0  # the video's length, as the listing says
    assert complete["video-00"]["file"] == "out/v0.mp4"
    (saved,) = of(stream, "download_complete")
    assert saved["hook"]["file"] == "out/v0.mp4" and (env.root / "out/v0.mp4").is_file()
    assert of(stream, "apply_progress"), "the generations' waits are reported"
    final = stream[-2]
    assert final["type"] == "change_summary" and final["changes"]["operation"] == "apply"
    assert final["changes"]["add"] == 3 and final["changes"]["failed"] == 0
    assert (
        final["@message"]
        == "Apply complete! Videos: 3 created, 0 renamed, 0 regenerated, 0 deleted."
    )
    outputs = stream[-1]
    assert outputs["type"] == "outputs" and set(outputs["outputs"]) == set(complete)


def test_a_rename_a_regenerate_and_a_delete(env: ApplyEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    videos = simple_videos(3)
    env.write_videos(videos)
    assert env.run("apply", "--auto-approve")[0] == 0
    videos["video-00"]["video_name"] = "Renamed"
    videos["video-01"]["script"] = "A new script, said again."
    del videos["video-02"]
    env.write_videos(videos)
    code, stream, _ = apply_json(env, monkeypatch)
    assert code == 0
    planned = {
        e["change"]["resource"]["addr"]: e["change"]["action"] for e in of(stream, "planned_change")
    }
    assert planned == {"video-00": "rename", "video-01": "regenerate", "video-02": "delete"}
    done = {
        e["hook"]["resource"]["addr"]: e["hook"]["action"] for e in of(stream, "apply_complete")
    }
    assert done == planned
    started = {
        e["hook"]["resource"]["addr"]: e["hook"]["action"] for e in of(stream, "apply_start")
    }
    assert started == planned  # the regenerate's accepted generation is said as a regenerate
    assert stream[-2]["changes"]["change"] == 2 and stream[-2]["changes"]["remove"] == 1


def test_a_lost_create_answer_is_resolved_in_the_stream(
    env: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    env.write_videos(simple_videos(1))
    env.server.configure(lose_response_rate=1.0)
    code, stream, _ = apply_json(env, monkeypatch)
    env.server.configure(lose_response_rate=0.0)
    assert code == 0
    (complete,) = of(stream, "apply_complete")
    assert complete["hook"]["id_value"] == env.state().videos["video-00"].id


@pytest.fixture
def vidnoz(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    yield from make_vidnoz_env(tmp_path, monkeypatch, cli)


def after_submitted(monkeypatch: pytest.MonkeyPatch, then: Callable[[str, str], None]) -> None:
    """``then(address, video_id)`` runs after the stream has said a generation was accepted:
    the world changes there, as it would under a real run."""
    real = apply_view.JsonView.reporter

    def reporter(view: apply_view.JsonView) -> Any:
        stream = real(view)
        assert isinstance(stream, EventStream)
        submitted = stream.submitted

        def hooked(address: str, video_id: str, progress: Progress) -> None:
            submitted(address, video_id, progress)
            then(address, video_id)

        stream.submitted = hooked  # type: ignore[method-assign]
        return stream

    monkeypatch.setattr(apply_view.JsonView, "reporter", reporter)


def test_a_failed_generation_is_an_error_and_its_diagnostic(
    vidnoz: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    vidnoz.write_videos(vidnoz_videos(1))
    world = vidnoz.server.world
    after_submitted(
        monkeypatch, lambda _, video_id: world.fail(video_id, "avatar \x1b[31mrender\x1b[0m failed")
    )
    code, stream, _ = apply_json(vidnoz, monkeypatch)
    assert code == 1
    (errored,) = of(stream, "apply_errored")
    assert errored["@level"] == "error"
    assert "render" in errored["hook"]["error"] and "\x1b" not in errored["hook"]["error"]
    failures = [e for e in of(stream, "diagnostic") if e["diagnostic"].get("address")]
    assert [e["diagnostic"]["address"] for e in failures] == ["video-00"]
    assert stream[-3]["changes"]["failed"] == 1  # then outputs, then the command's error
    assert stream[-1]["type"] == "diagnostic" and "failed" in stream[-1]["@message"]


def test_a_429_is_a_rate_wait(env: ApplyEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    env.server.configure(post_limit=Rate(2, 60.0))
    env.write_videos(simple_videos(4))
    code, stream, _ = apply_json(env, monkeypatch)
    assert code == 0
    waits = [e["wait"] for e in of(stream, "rate_wait")]
    assert any(w["http_429"] for w in waits), waits
    assert len(of(stream, "apply_complete")) == 4


def test_an_interrupted_apply_says_what_is_in_flight_and_not_done(
    env: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    env.write_videos(simple_videos(12))  # more than one rate window: some are never sent

    def interrupt(address: str, video_id: str) -> None:
        if address == "video-01":
            os.kill(os.getpid(), signal.SIGINT)  # the CLI's own Ctrl-C handler takes it

    after_submitted(monkeypatch, interrupt)
    code, stream, _ = apply_json(env, monkeypatch)
    assert code == 130
    skipped = of(stream, "apply_skipped")
    assert skipped and {e["hook"]["outcome"] for e in skipped} == {"not attempted"}
    summary = [e for e in of(stream, "change_summary") if e["changes"]["operation"] == "apply"]
    assert summary[0]["changes"]["interrupted"] is True
    assert summary[0]["changes"]["not_done"] == len(skipped)
    assert stream[-1]["type"] == "diagnostic" and "interrupted" in stream[-1]["@message"]


def test_a_refused_expect_fingerprint_is_the_plan_and_a_diagnostic(
    env: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    env.write_videos(simple_videos(2))
    code, stream, _ = apply_json(env, monkeypatch, "--expect-fingerprint", "0" * 12)
    assert code == 1
    assert len(of(stream, "planned_change")) == 2
    assert not of(stream, "apply_start")
    (error,) = of(stream, "diagnostic")
    assert "not the reviewed one" in error["diagnostic"]["summary"]
    # after a merge "push again" cannot help: the way out is the manual workflow on main
    assert (
        "After the merge, pushing to the pull request changes nothing"
        in (error["diagnostic"]["detail"])
    )
    assert "vidspec-apply-main.yml" in error["diagnostic"]["detail"]
    assert "vidspec-apply-main job" in error["diagnostic"]["detail"]
    assert env.server.world.videos == {}


def test_json_without_approval_is_refused_as_a_diagnostic(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(1))
    code, out, _ = env.run("apply", "--json")
    assert code == 1
    stream = events(out)
    assert [e["type"] for e in stream] == ["version", "diagnostic"]
    assert "--auto-approve" in stream[1]["diagnostic"]["summary"]


def test_nothing_to_do_still_ends_with_the_run_s_summary(
    env: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    env.write_videos(simple_videos(1))
    assert apply_json(env, monkeypatch)[0] == 0
    code, stream, _ = apply_json(env, monkeypatch)
    assert code == 0 and not of(stream, "planned_change")
    assert [e["type"] for e in stream[-2:]] == ["change_summary", "outputs"]
    assert stream[-2]["changes"]["operation"] == "apply" and stream[-2]["changes"]["add"] == 0


def test_destroy_json_and_no_secret_in_the_stream(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(2))
    code, out, _ = env.run("apply", "--json", "--auto-approve")
    assert code == 0 and TOKEN not in out
    code, out, _ = env.run("destroy", "--json", "--auto-approve")
    assert code == 0 and TOKEN not in out
    stream = events(out)
    summaries = [e["changes"] for e in of(stream, "change_summary")]
    assert [s["operation"] for s in summaries] == ["plan", "destroy"]
    assert summaries[-1]["delete"] == 2 and summaries[-1]["remove"] == 2
    assert addresses(stream, "apply_complete") == ["video-00", "video-01"]


def test_a_malformed_expect_fingerprint_is_a_diagnostic(
    env: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stream, _ = apply_json(env, monkeypatch, "--expect-fingerprint", "xyz")
    assert code == 1
    assert [e["type"] for e in stream] == ["version", "diagnostic"]
    assert "is not a plan fingerprint" in stream[1]["diagnostic"]["summary"]
