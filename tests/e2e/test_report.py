"""``vidspec report``: the gallery page's data from a sandbox apply, the escaping of what a
server or a manifest said, the CSP, the saved files' links, and writing the page safely.
The page in a real browser: tests/e2e/test_report_browser.py."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from repo_paths import GOLDEN
from report_env import ADDRESSES, IMG_NAME, SCRIPT_NAME, applied_project, page_data

from vidspec.app.report import folder_href, gallery
from vidspec.cli import main
from vidspec.cli.context import GlobalOptions
from vidspec.core.clock import ManualClock
from vidspec.core.videos import TaskState
from vidspec.project.config import load_project
from vidspec.render.gallery import Gallery, SavedFile, VideoView
from vidspec.render.report import render_report, script_json
from vidspec.state import open_state_store
from vidspec.state.observed import Observed, Seen, save_observed

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def applied(tmp_path: Path) -> tuple[Path, ManualClock]:
    root = tmp_path / "acme"
    return root, applied_project(root)


@dataclass(frozen=True)
class Ran:
    exit_code: int
    output: str  # stdout and stderr


@pytest.fixture
def report(
    capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> Callable[..., Ran]:
    """``vidspec -C ROOT report ARGS`` in-process, through the entry point (its errors), on
    the clock of the ``applied`` project when the test has one."""
    world = None
    if "applied" in request.fixturenames:
        world = GlobalOptions(clock=request.getfixturevalue("applied")[1])

    def run(root: Path, *args: str) -> Ran:
        capsys.readouterr()
        with pytest.raises(SystemExit) as exited:
            main(["-C", str(root), "report", *args], world=world)
        out = capsys.readouterr()
        return Ran(int(exited.value.code or 0), out.out + out.err)

    return run


def test_the_page_holds_every_video_grouped_in_natural_order(applied, report) -> None:
    root, _ = applied
    result = report(root)
    assert (result.exit_code, result.output) == (
        0,
        f"Wrote {root / 'vidspec-report' / 'index.html'} (7 videos).\n",
    )
    doc = page_data((root / "vidspec-report" / "index.html").read_text("utf-8"))
    videos = {v["address"]: v for v in doc["videos"]}
    assert list(videos) == ADDRESSES
    assert (doc["format_version"], doc["project"], doc["provider"]) == (1, "acme", "sandbox")
    assert [videos[a]["definition"] for a in ("promo[b2]", "welcome")] == ["promo", None]
    b2 = videos["promo[b2]"]
    state = open_state_store(load_project(root)).load()
    assert (b2["id"], b2["status"], b2["name"]) == (
        state.videos["promo[b2]"].id,
        "done",
        "Offer: Patio table",
    )
    assert b2["text"] == "Buy the Patio table today. It is the best one we have made."
    assert b2["file"] == {
        "path": "out/promo-b2.mp4",
        "href": "../out/promo-b2.mp4",
        "sha256": state.videos["promo[b2]"].download.sha256,
        "size": state.videos["promo[b2]"].download.size,
        "on_disk": "saved",
    }
    assert videos["hostile-img"]["file"]["href"] == "../out/hostile%20img.mp4"
    # the spoken text keeps its lines; the video not applied yet is planned, from the manifest
    assert videos["welcome"]["text"] == "Hello and welcome to Acme.\nWe are glad you are here."
    later = videos["later"]
    assert (later["status"], later["id"], later["name"], later["file"]) == (
        "planned",
        None,
        "Not made yet",
        None,
    )


def test_a_hostile_name_is_data_that_cannot_leave_its_script_element(applied, report) -> None:
    root, _ = applied
    assert report(root).exit_code == 0
    page = (root / "vidspec-report" / "index.html").read_text("utf-8")
    # two script elements (data and code), each closed once; no markup from a name
    assert page.count("<script") == 2 and page.count("</script>") == 2
    assert "<img" not in page and "<b>" not in page and "\u202e" not in page
    assert "\u2028" not in page
    names = {v["address"]: v["name"] for v in page_data(page)["videos"]}
    assert names["hostile-img"] == IMG_NAME
    assert names["hostile-script"] == "</script><b>x</b>\\u202egnp.exe\\u2028"
    assert SCRIPT_NAME.startswith("</script>")


def test_the_csp_allows_only_the_pages_own_script_and_style(applied, report) -> None:
    root, _ = applied
    assert report(root).exit_code == 0
    page = (root / "vidspec-report" / "index.html").read_text("utf-8")
    (policy,) = re.findall(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    (script,) = re.findall(r"<script>(.*?)</script>", page, re.S)
    (style,) = re.findall(r"<style>(.*?)</style>", page, re.S)

    def sha(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    assert policy.split("; ") == [
        "default-src 'none'",
        f"script-src 'sha256-{sha(script)}'",
        f"style-src 'sha256-{sha(style)}'",
        "media-src 'self' file: https:",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'none'",
    ]
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|https?://", page.split("<script type")[0])


def test_a_missing_or_changed_file_is_marked_and_not_linked(applied, report) -> None:
    root, _ = applied
    (root / "out" / "welcome.mp4").unlink()
    (root / "out" / "promo-a1.mp4").write_bytes(b"edited")
    assert report(root, "-o", "site").exit_code == 0
    videos = {
        v["address"]: v for v in page_data((root / "site" / "index.html").read_text())["videos"]
    }
    assert videos["welcome"]["file"]["on_disk"] == "missing"
    assert videos["promo[a1]"]["file"]["on_disk"] == "changed"
    assert videos["promo[b2]"]["file"]["on_disk"] == "saved"


def test_a_recorded_path_leaving_the_project_is_not_looked_at(applied) -> None:
    root, clock = applied
    project = load_project(root)
    store = open_state_store(project)
    with store.lock("test"):
        state = store.load()
        record = state.videos["promo[c3]"]
        assert record.download is not None
        outside = root.parent / "outside.mp4"
        outside.write_bytes(b"x" * record.download.size)  # the size the state recorded
        moved = replace(record.download, path="../outside.mp4")
        store.save(state.with_video("promo[c3]", replace(record, download=moved)))
    view = {v.address: v for v in gallery(project, root, clock.now()).videos}
    assert view["promo[c3]"].file == replace(
        view["promo[b2]"].file,
        path="../outside.mp4",
        sha256=moved.sha256,
        size=moved.size,
        on_disk="missing",
    )


def as_cdnvideo(root: Path) -> None:
    """The applied sandbox project, as if its videos were a CDNvideo account's (no request is
    sent: the report reads files only)."""
    config = root / "vidspec.yaml"
    config.write_text(
        config.read_text().replace(
            "  kind: sandbox\n",
            "  kind: cdnvideo\n  account: acme\n  token: env/CDN_TOKEN\n",
        )
    )
    state = root / ".vidspec" / "state.json"
    state.write_text(
        state.read_text().replace(
            '"provider": {"account": null, "kind": "sandbox"}',
            '"provider": {"account": "acme", "kind": "cdnvideo"}',
        )
    )


def test_links_are_shown_only_while_valid_and_only_http(applied, report) -> None:
    root, clock = applied
    project = load_project(root)
    # the sandbox's own links (apply kept them) die with its command: none is shown
    assert {v.url for v in gallery(project, root, clock.now()).videos} == {None}
    assert "127.0.0.1" in project.observed_path.read_text()
    as_cdnvideo(root)
    project = load_project(root)
    state = open_state_store(project).load()
    ids = {a: r.id for a, r in state.videos.items()}
    save_observed(
        project.observed_path,
        Observed(
            clock.now(),
            {
                ids["welcome"]: Seen(TaskState.DONE, "https://cdn.example/welcome.mp4?sig=1"),
                ids["promo[a1]"]: Seen(TaskState.DONE, "javascript:alert(1)"),
                ids["promo[b2]"]: Seen(TaskState.DONE, "https://cdn.example/\u202ex.mp4"),
            },
        ),
    )
    view = gallery(project, root / "vidspec-report", clock.now())
    urls = {v.address: v.url for v in view.videos}
    assert urls["welcome"] == "https://cdn.example/welcome.mp4?sig=1"
    assert urls["promo[a1]"] is None and urls["promo[b2]"] is None
    # past its expiry, the video's link is no longer offered, and it shows expired
    later = gallery(project, root / "vidspec-report", clock.now() + timedelta(days=31))
    welcome = next(v for v in later.videos if v.address == "welcome")
    assert (welcome.url, welcome.status) == (None, "expired")


def test_renewal_marks_come_from_the_lifecycle_or_three_days(applied, report) -> None:
    root, clock = applied
    project = load_project(root)
    view = {v.address: v for v in gallery(project, root, clock.now()).videos}
    welcome = view["welcome"]
    assert welcome.expires_at is not None and welcome.renew_at is not None
    assert welcome.expires_at - welcome.renew_at == timedelta(days=3)
    main = root / "videos" / "main.yaml"
    main.write_text(
        main.read_text().replace(
            "    download: out/welcome.mp4\n",
            "    download: out/welcome.mp4\n    lifecycle: {regenerate_before_expiry: 10d}\n",
        )
    )
    renewed = next(v for v in gallery(project, root, clock.now()).videos if v.address == "welcome")
    assert renewed.expires_at - renewed.renew_at == timedelta(days=10)


def test_a_video_no_manifest_wants_is_kept_and_marked(applied, report) -> None:
    root, clock = applied
    main = root / "videos" / "main.yaml"
    main.write_text(main.read_text().replace("  hostile-script:", "  gone-script:"))
    view = {v.address: v for v in gallery(load_project(root), root, clock.now()).videos}
    assert view["hostile-script"].wanted is False and view["hostile-script"].status == "done"
    assert view["gone-script"].status == "planned" and view["gone-script"].wanted


def test_without_a_state_every_video_is_planned(tmp_path: Path) -> None:
    from report_env import write_project

    write_project(tmp_path)
    view = gallery(load_project(tmp_path), tmp_path / "r", NOW)
    assert {v.status for v in view.videos} == {"planned"}
    assert len(view.videos) == 6 and view.seen_at is None


def test_the_page_dir_is_relative_to_dash_c_and_files_to_the_page(
    applied, report, tmp_path
) -> None:
    root, _ = applied
    assert report(root, "-o", "docs/gallery").exit_code == 0
    doc = page_data((root / "docs" / "gallery" / "index.html").read_text())
    welcome = next(v for v in doc["videos"] if v["address"] == "welcome")
    assert welcome["file"]["href"] == "../../out/welcome.mp4"
    assert folder_href(root, root) == ""
    assert folder_href(root, tmp_path / "elsewhere") == "../acme/"
    assert folder_href(tmp_path / "a b#c", tmp_path / "r") == "../a%20b%23c/"


def test_only_a_previous_report_is_replaced(applied, report) -> None:
    root, _ = applied
    page = root / "vidspec-report" / "index.html"
    assert report(root).exit_code == 0
    first = page.read_text()
    assert report(root).exit_code == 0  # its own page: replaced
    assert page.read_text() == first
    page.write_text("<p>the team's own page</p>")
    refused = report(root)
    assert refused.exit_code == 1
    assert refused.output == (
        f"Error: {page} exists and is not a page vidspec report wrote; nothing was written\n"
        "  Choose another folder with -o DIR, or move that file away.\n"
    )
    assert page.read_text() == "<p>the team's own page</p>"
    (root / "afile").write_text("x")
    assert "is a file, not a folder" in report(root, "-o", "afile").output


def test_the_page_is_readable_by_others(applied, report) -> None:
    root, _ = applied
    assert report(root).exit_code == 0
    assert (root / "vidspec-report" / "index.html").stat().st_mode & 0o044 == 0o044


# -- the renderer alone, against a golden file --------------------------------------------------


def hand_made_gallery() -> Gallery:
    saved = SavedFile("out/a b.mp4", "ab" * 32, 1258, "saved")
    return Gallery(
        project="acme\u202e",
        provider="cdnvideo",
        generated_at=NOW,
        seen_at=NOW - timedelta(hours=1),
        project_href="../",
        videos=(
            VideoView(
                address="promo[x]",
                definition="promo",
                name="</script><script>alert(1)</script>",
                text="line one\nline\u2028two & <b>three</b>\x1b[31m",
                provider="cdnvideo",
                status="done",
                remote_id="id\u202e1",
                created_at=NOW - timedelta(days=1),
                expires_at=NOW + timedelta(days=29),
                renew_at=NOW + timedelta(days=26),
                url="https://cdn.example/a.mp4?x=1&y=<2>",
                file=saved,
            ),
            VideoView(
                address="welcome",
                definition=None,
                name=None,
                text=None,
                provider="cdnvideo",
                status="planned",
                wanted=True,
            ),
            replace(
                VideoView("old", None, "Old", "Bye.", "cdnvideo", "failed", "id-2"),
                wanted=False,
            ),
        ),
    )


def test_the_page_data_matches_its_golden_file() -> None:
    page = render_report(hand_made_gallery())
    data = re.findall(r'id="gallery-data">(.*?)</script>', page, re.S)
    golden = GOLDEN / "report_data.json.txt"
    if os.environ.get("VIDSPEC_UPDATE_GOLDEN"):
        golden.write_text(data[0] + "\n", encoding="utf-8")
    assert data == [golden.read_text(encoding="utf-8").rstrip("\n")]
    assert "<title>vidspec report: acme\\u202e</title>" in page


def test_inlined_json_reads_back_equal_and_has_no_closing_markup() -> None:
    value = {"a": "</script>\u2028\u2029<!-- & -->", "b": ["é", "𝄞"]}
    text = script_json(value)
    assert json.loads(text) == value
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}


# -- the browser tests cannot pass CI by skipping ------------------------------------------------


@pytest.mark.slow  # a pytest process
@pytest.mark.parametrize("required", ["1", ""])
def test_without_chromium_the_browser_tests_skip_or_fail_when_required(
    required: str, tmp_path: Path
) -> None:
    environ = {**os.environ, "VIDSPEC_CHROMIUM": str(tmp_path / "no-chromium")}
    environ["VIDSPEC_REQUIRE_BROWSER"] = required
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-n",
            "0",
            "-p",
            "no:cacheprovider",
            "-rs",
            str(Path(__file__).with_name("test_report_browser.py")),
            "-k",
            "three_thousand",
        ],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # whichever is missing first: playwright (not installed), else the Chromium named
    why = (
        "playwright is not installed"
        if importlib.util.find_spec("playwright") is None
        else f"Chromium is not at {tmp_path / 'no-chromium'}"
    )
    if required:
        assert done.returncode == 1, done.stdout
        assert f"VIDSPEC_REQUIRE_BROWSER=1, but {why}" in done.stdout
    else:
        assert done.returncode == 0, done.stdout
        assert "SKIPPED [1]" in done.stdout and why in done.stdout


def test_a_vidnoz_project_shows_its_name_and_spoken_text_fields(tmp_path: Path) -> None:
    from apply_env import VIDNOZ_DEFAULTS, manifest, vidnoz_videos

    (tmp_path / "videos").mkdir()
    (tmp_path / "vidspec.yaml").write_text(
        "version: 1\nprovider: {kind: vidnoz, api_key: env/VIDNOZ_API_KEY}\n"
        'manifests: ["videos/*.yaml"]\n',
        encoding="utf-8",
    )
    text = manifest(vidnoz_videos(1), defaults=VIDNOZ_DEFAULTS)
    (tmp_path / "videos" / "main.yaml").write_text(text, encoding="utf-8")
    (video,) = gallery(load_project(tmp_path), tmp_path, NOW).videos
    assert (video.address, video.provider, video.name, video.text, video.status) == (
        "video-00",
        "vidnoz",
        "Video 0",
        "This is video number 0, said well.",
        "planned",
    )
