"""The planner shows pending downloads: a finished managed video whose ``download:`` file is not
saved as the state recorded it is a ``download`` action, decided from values (the state's
record and the file facts the caller passes in), and rendered like any other action."""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from plan_fixtures import CDN, NOW, desired, listed, record, spec, state, want

from vidspec.core.videos import TaskState
from vidspec.engine.localfiles import already_saved, local_files
from vidspec.plan import Download, Plan
from vidspec.plan.downloads import LocalFile, LocalFiles
from vidspec.plan.planner import PlanOptions, plan
from vidspec.render.markdown import render_markdown
from vidspec.render.text import render_text
from vidspec.state import DownloadRecord

BODY = spec(name="Welcome")
SAVED = DownloadRecord(path="out/welcome.mp4", size=3, sha256=hashlib.sha256(b"abc").hexdigest())
INTACT = LocalFile(size=3, sha256=SAVED.sha256)


def planned(
    *,
    download: str | None = "out/welcome.mp4",
    saved: DownloadRecord | None = SAVED,
    files: LocalFiles | None = None,
    body: dict[str, object] = BODY,
    status: TaskState = TaskState.DONE,
    listed_as: TaskState | None = TaskState.DONE,
    options: PlanOptions | None = None,
) -> Plan:
    current = replace(record("vid-1", BODY, status=status), download=saved)
    remote = None if listed_as is None else [listed("vid-1", "Welcome", state=listed_as)]
    return plan(
        desired(want("welcome", body, download=download)),
        state({"welcome": current}),
        remote,
        None,
        CDN,
        NOW,
        options,
        files=files,
    )


def reasons(result: Plan) -> list[tuple[str, str, str]]:
    return [(a.address, a.kind, a.reason) for a in result.actions]


@pytest.mark.parametrize(
    ("saved", "files", "reason"),
    [
        (None, {}, "not saved yet"),
        (replace(SAVED, path="out/old.mp4"), {}, "download: changed from out/old.mp4"),
        (SAVED, {"out/welcome.mp4": None}, "file missing"),
        (SAVED, {"out/welcome.mp4": LocalFile(size=4, sha256=None)}, "file changed"),
        (SAVED, {"out/welcome.mp4": LocalFile(size=3, sha256="0" * 64)}, "file changed"),
    ],
)
def test_a_finished_video_not_saved_as_recorded_is_downloaded(
    saved: DownloadRecord | None, files: LocalFiles, reason: str
) -> None:
    result = planned(saved=saved, files=files)
    assert reasons(result) == [("welcome", "download", reason)]
    action = result.actions[0]
    assert isinstance(action, Download)
    assert (action.video_id, action.download) == ("vid-1", "out/welcome.mp4")
    assert action.cost.api_requests == 1 and action.cost.generation_requests == 0
    assert result.cost.api_requests == result.cost.refresh_requests + 1
    assert result.has_changes  # --detailed-exitcode 2
    assert result.summary["download"] == 1


def test_nothing_to_download_when_the_file_is_the_one_recorded() -> None:
    assert planned(files={"out/welcome.mp4": INTACT}).actions == ()
    assert planned(files=None).actions == ()  # not looked at: the state is trusted
    assert planned(download=None, saved=None).actions == ()  # no download: asked for


def test_the_listing_decides_whether_the_video_is_finished() -> None:
    # --no-wait left the state at queued; the listing says done: save it
    assert reasons(planned(saved=None, status=TaskState.QUEUED)) == [
        ("welcome", "download", "not saved yet")
    ]
    # still generating: shown in flight, nothing to save yet
    result = planned(saved=None, status=TaskState.QUEUED, listed_as=TaskState.RUNNING)
    assert result.actions == () and [p.address for p in result.pending] == ["welcome"]
    # not refreshed: the state's status counts
    assert reasons(planned(saved=None, listed_as=None)) == [
        ("welcome", "download", "not saved yet")
    ]
    assert planned(saved=None, status=TaskState.QUEUED, listed_as=None).actions == ()


def test_a_video_made_again_is_saved_by_its_generation_not_downloaded() -> None:
    changed = {**BODY, "voice": "Mia"}
    assert reasons(planned(saved=None, body=changed)) == [
        ("welcome", "regenerate", "voice changed")
    ]
    result = planned(saved=None, listed_as=TaskState.FAILED)
    assert [a.kind for a in result.actions] == ["create"]


def test_a_rename_and_a_download_go_together() -> None:
    result = planned(saved=None, body={**BODY, "video_name": "Hello"})
    assert reasons(result) == [
        ("welcome", "rename", "video_name changed"),
        ("welcome", "download", "not saved yet"),
    ]


def test_targets_and_destroy() -> None:
    assert planned(saved=None, options=PlanOptions(targets=("other",))).actions == ()
    assert reasons(planned(saved=None, options=PlanOptions(targets=("welcome",)))) == [
        ("welcome", "download", "not saved yet")
    ]
    assert [a.kind for a in planned(saved=None, options=PlanOptions(destroy=True)).actions] == [
        "delete"
    ]


def test_the_download_reads_the_same_in_text_and_markdown() -> None:
    result = planned(files={"out/welcome.mp4": None})
    text = render_text(result)
    assert "  ↓ download (save a finished video's file; nothing generated)\n" in text
    assert (
        '  # welcome will be downloaded to out/welcome.mp4 (file missing)\n  ↓ video "welcome" {\n'
        '        id = "vid-1"\n    }\n'
    ) in text
    assert "Plan: 0 to create, 0 to rename, 0 to regenerate, 0 to delete, 1 to download." in text
    markdown = render_markdown(result)
    assert markdown.startswith(
        "### vidspec plan: 0 to create, 0 to rename, 0 to regenerate, 0 to delete, 1 to download"
    )
    assert "| `↓` download | `welcome` | file missing | - |" in markdown


# --- the file facts (vidspec.engine.localfiles) ---------------------------------------------------


def test_local_files_looks_only_at_recorded_paths_and_hashes_only_a_matching_size(
    tmp_path: Path,
) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "welcome.mp4").write_bytes(b"abc")
    (tmp_path / "out" / "other.mp4").write_bytes(b"abcd")
    wanted = desired(
        want("welcome", BODY, download="out/welcome.mp4"),
        want("other", BODY, download="out/other.mp4"),
        want("gone", BODY, download="out/gone.mp4"),
        want("new", BODY, download="out/new.mp4"),
    )
    current = state(
        {
            "welcome": replace(record("v1", BODY), download=SAVED),
            "other": replace(record("v2", BODY), download=replace(SAVED, path="out/other.mp4")),
            "gone": replace(record("v3", BODY), download=replace(SAVED, path="out/gone.mp4")),
            "new": record("v4", BODY),
        }
    )
    assert local_files(wanted, current, tmp_path) == {
        "out/gone.mp4": None,
        "out/other.mp4": LocalFile(size=4, sha256=None),  # size differs: not read
        "out/welcome.mp4": INTACT,
    }
    assert local_files(wanted, current, tmp_path, targets=("welcome",)) == {
        "out/welcome.mp4": INTACT
    }
    assert already_saved(tmp_path, SAVED, "out/welcome.mp4")
    assert not already_saved(tmp_path, SAVED, "out/other.mp4")
    assert not already_saved(tmp_path, None, "out/welcome.mp4")


def test_a_file_behind_a_symlink_out_of_the_project_counts_as_missing(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("elsewhere")
    (outside / "welcome.mp4").write_bytes(b"abc")
    os.symlink(outside, tmp_path / "out", target_is_directory=True)
    wanted = desired(want("welcome", BODY, download="out/welcome.mp4"))
    current = state({"welcome": replace(record("v1", BODY, age=timedelta(days=1)), download=SAVED)})
    assert local_files(wanted, current, tmp_path) == {"out/welcome.mp4": None}
