"""Done-when, on the sandbox: the quick start applies and then plans clean; each of rename,
regenerate, delete, drift (renamed or deleted in the vendor's UI) and expiry goes from plan to
apply to a clean plan. The sandbox runs in-process on a ManualClock (its server reads the
same clock), so a month passes in a moment."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from apply_env import real_now_clock
from repo_paths import EXAMPLES

from vidspec.app.apply import ApplyRequest, apply_project
from vidspec.app.workflow import PlanRequest, make_plan
from vidspec.core.clock import ManualClock
from vidspec.core.errors import PreventDestroy
from vidspec.emulator import EmulatorSettings, serve
from vidspec.emulator.cdnvideo.world import CdnVideoWorld
from vidspec.plan import Plan
from vidspec.project.config import load_project
from vidspec.sandbox.provider import SANDBOX_ACCOUNT, SANDBOX_TOKEN
from vidspec.state import LocalStateStore, State

QUICKSTART = EXAMPLES / "quickstart"
NAMES = {"Welcome to Acme", "Your first day", "Security basics (RU)"}


class Quickstart:
    def __init__(self, root: Path, clock: ManualClock) -> None:
        self.root = root
        self.clock = clock

    def apply(self, **request: object) -> None:
        outcome = apply_project(load_project(self.root), ApplyRequest(**request), self.clock)  # type: ignore[arg-type]
        assert outcome.results is not None, "expected changes to apply"
        assert outcome.results.ok, outcome.results.rows

    def plan(self, **request: object) -> Plan:
        return make_plan(load_project(self.root), PlanRequest(**request), self.clock).plan  # type: ignore[arg-type]

    def reasons(self, **request: object) -> list[tuple[str, str, str]]:
        return [(a.address, a.kind, a.reason) for a in self.plan(**request).actions]

    def state(self) -> State:
        return LocalStateStore(load_project(self.root)).load()

    def edit(self, change: object) -> None:
        path = self.root / "videos" / "onboarding.yaml"
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(doc)  # type: ignore[operator]
        path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")

    @contextmanager
    def vendor_ui(self) -> Iterator[CdnVideoWorld]:
        """The sandbox's account as its web UI would change it (same data, same clock)."""
        settings = EmulatorSettings(
            token=SANDBOX_TOKEN,
            account=SANDBOX_ACCOUNT,
            data_dir=load_project(self.root).sandbox_dir,
        )
        with serve(settings, clock=self.clock) as server:
            yield server.world

    def assert_exactly(self, names: set[str]) -> None:
        with self.vendor_ui() as world:
            videos = world.videos
        state = self.state()
        assert sorted(r.generation.video_name or "" for r in videos.values()) == sorted(names)
        assert set(videos) == set(state.managed_ids())
        assert state.pending == ()


@pytest.fixture
def quickstart(tmp_path: Path) -> Quickstart:
    root = tmp_path / "quickstart"
    shutil.copytree(QUICKSTART, root, ignore=shutil.ignore_patterns(".vidspec", "out"))
    project = Quickstart(root, real_now_clock())
    project.apply(command="test")
    return project


def test_the_quickstart_applies_then_plans_clean(quickstart: Quickstart) -> None:
    plan = quickstart.plan()
    assert plan.actions == () and plan.pending == ()
    quickstart.assert_exactly(NAMES)
    saved = quickstart.root / "out" / "welcome.mp4"
    record = quickstart.state().videos["welcome"].download
    assert record is not None and record.path == "out/welcome.mp4"
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == record.sha256


def test_rename(quickstart: Quickstart) -> None:
    quickstart.edit(lambda d: d["videos"]["first-day"].update(video_name="Day one"))
    assert quickstart.reasons() == [("first-day", "rename", "video_name changed")]
    quickstart.apply()
    assert quickstart.plan().actions == ()
    quickstart.assert_exactly(NAMES - {"Your first day"} | {"Day one"})


def test_regenerate(quickstart: Quickstart) -> None:
    old = quickstart.state().videos["welcome"]
    quickstart.edit(lambda d: d["videos"]["welcome"].update(background="background_1"))
    assert quickstart.reasons() == [("welcome", "regenerate", "background changed")]
    quickstart.apply()
    new = quickstart.state().videos["welcome"]
    assert new.id != old.id and new.previous == ()
    assert new.download is not None and new.download.sha256 != old.download.sha256  # type: ignore[union-attr]
    assert quickstart.plan().actions == ()
    quickstart.assert_exactly(NAMES)


def test_delete(quickstart: Quickstart) -> None:
    quickstart.edit(lambda d: d["videos"].pop("first-day"))
    assert quickstart.reasons() == [("first-day", "delete", "not in any manifest")]
    quickstart.apply()
    assert quickstart.plan().actions == ()
    quickstart.assert_exactly(NAMES - {"Your first day"})


def test_drift_renamed_in_the_vendors_ui(quickstart: Quickstart) -> None:
    ids = {a: v.id for a, v in quickstart.state().videos.items()}
    with quickstart.vendor_ui() as world:
        world.rename(ids["first-day"], "Someone renamed me")
        world.rename(ids["welcome"], "Also renamed")  # ignore_changes: [video_name]
    assert quickstart.reasons() == [("first-day", "rename", "renamed outside vidspec")]
    quickstart.apply()
    assert quickstart.plan().actions == ()
    quickstart.assert_exactly(NAMES - {"Welcome to Acme"} | {"Also renamed"})


def test_drift_deleted_in_the_vendors_ui(quickstart: Quickstart) -> None:
    gone = quickstart.state().videos["security-basics"].id
    with quickstart.vendor_ui() as world:
        world.delete(gone)
    assert quickstart.reasons() == [("security-basics", "create", "deleted outside vidspec")]
    quickstart.apply()
    assert quickstart.plan().actions == ()
    quickstart.assert_exactly(NAMES)


def test_expiry(quickstart: Quickstart) -> None:
    quickstart.clock.advance(31 * 24 * 3600)
    assert quickstart.reasons() == [
        ("first-day", "create", "expired after 30 days"),
        ("security-basics", "create", "expired after 30 days"),
        ("welcome", "create", "expired after 30 days"),
    ]
    quickstart.apply()
    assert quickstart.plan().actions == ()
    quickstart.assert_exactly(NAMES)


def test_renewed_before_expiry(quickstart: Quickstart) -> None:
    # regenerate_before_expiry: 3d (the quickstart's default). security-basics is protected by
    # prevent_destroy, which allows a renewal (its old video vanishes in days anyway) ...
    quickstart.clock.advance(27.5 * 24 * 3600)
    assert quickstart.reasons() == [
        ("first-day", "regenerate", "expires in 2 days"),
        ("security-basics", "regenerate", "expires in 2 days"),
        ("welcome", "regenerate", "expires in 2 days"),
    ]
    old = quickstart.state().videos["security-basics"].id
    quickstart.apply()
    assert quickstart.plan().actions == ()
    assert quickstart.state().videos["security-basics"].id != old
    quickstart.assert_exactly(NAMES)


def test_prevent_destroy_still_refuses_a_changed_script_near_expiry(
    quickstart: Quickstart,
) -> None:
    # ... but not a content change riding on it: that would replace the video for its content
    quickstart.clock.advance(27.5 * 24 * 3600)
    path = quickstart.root / "videos" / "security.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("блокируйте компьютер", "блокируйте ноутбук"), encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "prevent_destroy: true" in row)
    column = text.splitlines()[line - 1].index("prevent_destroy") + 1
    with pytest.raises(PreventDestroy) as caught:
        quickstart.plan()
    assert (
        f"security.yaml:{line}:{column}: security-basics would be regenerated "
        f"(script changed; expires in 2 days)"
    ) in str(caught.value)
    assert quickstart.reasons(targets=("welcome",)) == [
        ("welcome", "regenerate", "expires in 2 days")
    ]


def test_the_readme_quick_start_command(tmp_path: Path) -> None:
    """``vidspec init --example quickstart DIR && vidspec -C DIR apply --auto-approve``, as the
    README says, in fresh processes with the real clock (the sandbox's 2.5 s videos: about five
    seconds)."""
    root = tmp_path / "vidspec-demo"
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    init = [sys.executable, "-m", "vidspec", "init", "--example", "quickstart", str(root)]
    assert subprocess.run(init, capture_output=True, env=env, timeout=60).returncode == 0
    run = [sys.executable, "-m", "vidspec", "-C", str(root)]
    done = subprocess.run(
        [*run, "apply", "--auto-approve"], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith(
        "Apply complete! Videos: 3 created, 0 renamed, 0 regenerated, 0 deleted."
    )
    assert (root / "out" / "welcome.mp4").is_file()
    again = subprocess.run(
        [*run, "plan", "--detailed-exitcode"], capture_output=True, text=True, env=env, timeout=60
    )
    assert (again.returncode, again.stdout) == (
        0,
        "No changes. Your videos match the manifests.\n",
    )
