"""``safety.pending_grace`` in vidspec.yaml: how long a create whose answer was lost (and that
the listing does not show) is waited for before the plan sends it again. Default 30m."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from apply_env import ApplyEnv, make_env, simple_videos

from vidspec.core.errors import ManifestError
from vidspec.plan.planner import PlanOptions
from vidspec.project.config import Safety, load_project
from vidspec.project.loader import load_desired
from vidspec.project.model import spec_hash
from vidspec.render.markdown import render_markdown
from vidspec.render.text import render_text
from vidspec.state import LocalStateStore, PendingRecord

RETRY = "previous create's outcome unknown; not found in listing"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ApplyEnv]:
    yield from make_env(tmp_path, monkeypatch, queue_seconds=0.0, processing_seconds=3.0)


def set_safety(env: ApplyEnv, safety: str) -> None:
    path = env.root / "vidspec.yaml"
    lines = [row for row in path.read_text().splitlines() if not row.startswith("safety:")]
    path.write_text("\n".join([*lines, f"safety: {safety}"]) + "\n")


def lose_a_create(env: ApplyEnv, address: str, age: timedelta) -> None:
    """A create was sent ``age`` ago and its answer never came; the service has no video."""
    body = dict(load_desired(env.project).videos[address].spec)
    store = LocalStateStore(env.project)
    with store.lock("test"):
        store.save(
            store.load().with_pending(
                PendingRecord(
                    address=address,
                    action="create",
                    spec_hash=spec_hash(body),
                    spec=body,
                    started_at=env.clock.now() - age,
                    outcome="unknown",
                )
            )
        )


def test_the_default_is_thirty_minutes(env: ApplyEnv) -> None:
    assert env.project.safety.pending_grace == timedelta(minutes=30) == Safety().pending_grace
    env.write_videos(simple_videos(1))
    lose_a_create(env, "video-00", timedelta(minutes=5))
    result = env.plan()
    assert result.actions == ()
    assert [(p.address, p.state) for p in result.pending] == [("video-00", "unknown")]
    env.clock.advance(26 * 60)
    assert [(a.kind, a.reason) for a in env.plan().actions] == [("create", RETRY)]


def test_the_project_setting_shortens_the_wait(env: ApplyEnv) -> None:
    set_safety(env, "{max_deletes: 50, pending_grace: 2m}")
    assert env.project.safety == Safety(max_deletes=50, pending_grace=timedelta(minutes=2))
    env.write_videos(simple_videos(1))
    lose_a_create(env, "video-00", timedelta(seconds=90))
    result = env.plan()
    assert result.actions == () and "waiting until" in result.pending[0].note
    env.clock.advance(31)
    assert [(a.kind, a.reason) for a in env.plan().actions] == [("create", RETRY)]
    # apply plans the same way, and sends it again
    results = env.apply()
    assert results is not None and results.ok
    assert [r.kind for r in results.rows] == ["create"]
    # a library caller's explicit options still win over the project file
    lose_a_create(env, "video-00", timedelta(minutes=3))
    assert [p.state for p in env.plan(grace=timedelta(hours=1)).pending] == ["unknown"]
    # past the project's grace the record is dead: shown as abandoned, a change apply makes
    dead = env.plan()
    assert dead.actions == () and [p.state for p in dead.pending] == ["abandoned"]
    assert dead.has_changes
    env.apply()
    assert env.state().pending == ()
    assert not env.plan().has_changes


def test_seconds_are_accepted_for_test_and_ci_projects(env: ApplyEnv) -> None:
    set_safety(env, "{pending_grace: 45s}")
    assert env.project.safety.pending_grace == timedelta(seconds=45)
    assert PlanOptions().pending_grace == timedelta(minutes=30)  # the library default


@pytest.mark.parametrize("value", ["30", "30 minutes", "0m", "-5m", "1.5h"])
def test_a_bad_value_points_at_the_line(env: ApplyEnv, value: str) -> None:
    set_safety(env, f"{{pending_grace: '{value}'}}")
    line = len((env.root / "vidspec.yaml").read_text().splitlines())
    with pytest.raises(ManifestError) as caught:
        load_project(env.root)
    [problem] = [str(p) for p in caught.value.problems]
    assert problem.startswith(f"{env.root / 'vidspec.yaml'}:{line}:10: safety.pending_grace")
    assert "a period such as 30m, 2h or 90s" in problem


def test_a_plan_holding_only_an_abandoned_record_says_so_under_its_own_heading(
    env: ApplyEnv,
) -> None:
    videos = simple_videos(2)
    env.write_videos(videos)
    results = env.apply(targets=("video-01",))
    assert results is not None and results.ok
    lose_a_create(env, "video-00", timedelta(hours=1))
    env.write_videos({"video-01": videos["video-01"]})  # no manifest wants video-00 now
    plan = env.plan()
    assert plan.actions == () and [p.state for p in plan.pending] == ["abandoned"]
    text = render_text(plan)
    assert text.startswith(
        "No videos to change. Apply drops 1 abandoned create record from the state "
        "(nothing is created or paid).\n"
    ), text
    assert "No changes." not in text and "In flight" not in text
    heading = "\nAbandoned (apply drops these records; nothing is created again):\n"
    assert heading + "  video-00: " in text
    markdown = render_markdown(plan)
    assert markdown.startswith("### vidspec plan: no videos to change\n")
    assert "**Abandoned**" in markdown and "**In flight**" not in markdown
