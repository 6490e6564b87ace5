"""Pacing in apply: generation POSTs inside the provider's limit, 429s waited out and re-sent,
waits reported with what they wait for; Vidnoz's one call a second for every call."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import requests
from apply_env import TOKEN, ApplyEnv, Recorder, make_env, simple_videos

from vidspec.app.apply import ApplyRequest, apply_project
from vidspec.app.workflow import PlanRequest, make_plan
from vidspec.core.clock import ManualClock
from vidspec.emulator import EmulatorSettings, serve
from vidspec.engine import EngineOptions, Outcome
from vidspec.project.config import load_project
from vidspec.project.loader import load_desired
from vidspec.providers.base import Rate
from vidspec.state import LocalStateStore


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ApplyEnv]:
    # the service's documented limit (10 a minute), quick tasks
    yield from make_env(tmp_path, monkeypatch, queue_seconds=0.0, processing_seconds=1.0)


def creation_times(env: ApplyEnv) -> list[datetime]:
    return sorted(r.created_at for r in env.server.world.videos.values())


def most_in_any_window(times: list[datetime], seconds: float) -> int:
    return max(
        sum(1 for t in times[i:] if (t - start).total_seconds() < seconds)
        for i, start in enumerate(times)
    )


def test_generations_stay_inside_ten_a_minute_without_a_single_429(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(25))
    recorder = Recorder()
    results = env.apply(reporter=recorder)
    assert results is not None and results.ok
    assert [s for _, _, s in env.server.request_log if s == 429] == []
    assert results.stats.generation_posts == 25 and results.stats.rate_limited == 0
    times = creation_times(env)
    assert most_in_any_window(times, 60.0) == 10
    # 25 creates: two full windows after the first ten, and not much more
    span = (times[-1] - times[0]).total_seconds()
    assert 120.0 <= span <= 125.0
    waits = [w for w in recorder.of("waiting") if w[2]]
    assert waits, "a wait for the rate limit is reported"
    assert {reason for _, reason, _ in waits} == {"the generation rate limit (10 per 60 s)"}
    assert all(seconds > 1.0 for seconds, _, _ in waits)
    env.assert_exactly_the_manifest({f"Video {n}" for n in range(25)})


def test_a_429_is_waited_out_and_the_create_sent_again(env: ApplyEnv) -> None:
    # the service allows fewer than the client believes: its Retry-After corrects the bucket
    env.server.configure(post_limit=Rate(3, 60.0))
    env.write_videos(simple_videos(7))
    recorder = Recorder()
    results = env.apply(reporter=recorder)
    assert results is not None and results.ok, results.rows
    refused = [p for m, p, s in env.server.request_log if s == 429]
    assert len(refused) == results.stats.rate_limited > 0
    assert results.stats.generation_posts == 7 + len(refused)
    assert most_in_any_window(creation_times(env), 60.0) == 3
    reasons = {reason for _, reason, pacing in recorder.of("waiting") if pacing}
    assert "the service asked to slow down (HTTP 429 Retry-After)" in reasons
    assert env.state().pending == ()  # a 429 proves nothing was made: no pending left behind
    env.assert_exactly_the_manifest({f"Video {n}" for n in range(7)})


def test_a_create_refused_again_and_again_fails_alone(env: ApplyEnv) -> None:
    """Another client of the same account takes every freed slot: after the allowed number of
    429s the create fails (nothing was made), and the others are not held up by it."""
    env.server.configure(post_limit=Rate(1, 100.0))  # Retry-After within safety.max_wait
    env.write_videos(simple_videos(2))
    other = requests.Session()
    other.headers["CDN-AUTH-TOKEN"] = TOKEN
    body = dict(load_desired(env.project).videos["video-00"].spec, video_name="Someone else")

    class OtherClient(Recorder):
        def waiting(self, seconds: float, reason: str, progress: object, *, pacing: bool) -> None:
            if "429" in reason:
                env.clock.advance(seconds)  # the slot frees up, and the other client takes it
                other.post(f"{env.server.base_url}/accounts/acme/generate", json=body)

    results = env.apply(engine=EngineOptions(rate_limited_retries=2), reporter=OtherClient())
    assert results is not None
    assert [(r.address, r.outcome) for r in results.rows] == [
        ("video-00", Outcome.DONE),
        ("video-01", Outcome.FAILED),
    ]
    assert results.rows[1].detail.startswith("too many requests")
    assert results.stats.rate_limited == 3
    assert env.state().pending == ()
    assert [a for a in env.kinds()] == [("video-01", "create")]


# --- Vidnoz: one call a second, no rename, no delete ----------------------------------------

ANNA = "Rk1nN090NnZQWXlSZW5oSHJlSlhWdz09"
JENNY = "d0VWUk5SU056NEwwMlRsem5vNVROYlpCc3FGY25CY0xBa3VIeWtLUkRyMD0="


def test_vidnoz_apply_paces_every_call_and_forgets_what_it_cannot_delete(
    tmp_path: Path,
) -> None:
    clock = ManualClock()
    settings = EmulatorSettings(
        provider="vidnoz", token="vid-key", queue_seconds=0.0, processing_seconds=5.0, seed=3
    )
    with serve(settings, clock=clock) as server:
        (tmp_path / "videos").mkdir()
        (tmp_path / "vidspec.yaml").write_text(
            textwrap.dedent(
                f"""\
                version: 1
                provider: {{kind: vidnoz, api_key: env/VIDNOZ_KEY, base_url: {server.base_url}}}
                manifests: ["videos/*.yaml"]
                """
            )
        )

        def write(names: dict[str, str]) -> None:
            lines = [f"defaults: {{avatar: {{id: {ANNA}}}}}", "videos:"]
            for address, name in names.items():
                lines += [
                    f"  {address}:",
                    f"    name: {name}",
                    f"    voice: {{tts: {{id: '{JENNY}', text: 'Hello from {name}.'}}}}",
                ]
            (tmp_path / "videos" / "main.yaml").write_text("\n".join(lines) + "\n")

        environ = {"VIDNOZ_KEY": "vid-key"}

        def apply() -> object:
            project = load_project(tmp_path)
            return apply_project(project, ApplyRequest(), clock, environ=environ).results

        def plan_kinds() -> list[tuple[str, str]]:
            result = make_plan(load_project(tmp_path), PlanRequest(), clock, environ=environ)
            return [(a.address, a.kind) for a in result.plan.actions]

        write({"intro": "Intro", "outro": "Outro"})
        start = clock.monotonic()
        results = apply()
        assert results.ok  # type: ignore[attr-defined]
        calls = len(server.request_log)
        # every call at least a second after the previous one's answer: the clock moved
        assert clock.monotonic() - start >= calls - 2  # (the plan's own calls are in there)
        assert plan_kinds() == []

        # a new name: Vidnoz cannot rename, so a new video; the old one is forgotten
        old = LocalStateStore(load_project(tmp_path)).load().videos["intro"].id
        write({"intro": "Intro v2", "outro": "Outro"})
        assert plan_kinds() == [("intro", "regenerate")]
        results = apply()
        assert results.ok  # type: ignore[attr-defined]
        state = LocalStateStore(load_project(tmp_path)).load()
        assert state.videos["intro"].id != old
        assert old not in state.managed_ids()  # forgotten: it stays until Vidnoz expires it
        assert plan_kinds() == []

        # a task that fails: its reason reaches the table, and the next plan creates it again
        write({"intro": "Intro v2", "outro": "Outro", "extra": "Extra"})

        class FailIt(Recorder):
            def submitted(self, address: str, video_id: str, progress: object) -> None:
                server.world.fail(video_id, "avatar rendering failed")

        project = load_project(tmp_path)
        outcome = apply_project(project, ApplyRequest(), clock, environ=environ, reporter=FailIt())
        assert outcome.results is not None
        (row,) = outcome.results.rows
        assert (row.outcome, row.detail) == (Outcome.FAILED, "task failed: avatar rendering failed")
        assert plan_kinds() == [("extra", "create")]
