"""``vidspec report``'s page in a real browser (Debian's Chromium through Playwright, over
``file://``): the page of a sandbox apply shows its cards, searches, filters, follows an
anchor, plays the saved files, and shows a hostile name as text. A page of 3,000 videos keeps
only what is in view in the DOM. Skipped without Chromium or playwright
(``tests/support/browser.py``);
``.ci/run`` sets VIDSPEC_REQUIRE_BROWSER=1, which turns the skip into a failure."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from browser import launch_options, missing, required
from report_env import ADDRESSES, IMG_NAME, applied_project

from vidspec.cli import main
from vidspec.cli.context import GlobalOptions
from vidspec.render.gallery import Gallery, SavedFile, VideoView
from vidspec.render.report import render_report

pytestmark = pytest.mark.slow  # a real browser process

if missing() is None:
    from playwright.sync_api import expect


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    why = missing()
    if why is not None:
        if required():
            pytest.fail(f"VIDSPEC_REQUIRE_BROWSER=1, but {why}")
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(**launch_options())
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def report_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The page of a sandbox apply (``tests/support/report_env.py``), as ``vidspec report``
    wrote it."""
    root = tmp_path_factory.mktemp("gallery") / "acme"
    clock = applied_project(root)
    with pytest.raises(SystemExit) as exited:
        main(["-C", str(root), "report"], world=GlobalOptions(clock=clock))
    assert exited.value.code == 0
    return (root / "vidspec-report" / "index.html").as_uri()


class Page:
    """One tab on the page, with the errors it reported."""

    def __init__(self, browser: Any, url: str) -> None:
        self.tab = browser.new_page(viewport={"width": 1200, "height": 900})
        self.errors: list[str] = []
        self.tab.on("pageerror", lambda error: self.errors.append(str(error)))
        self.tab.on(
            "console",
            lambda message: self.errors.append(message.text) if message.type == "error" else None,
        )
        self.tab.goto(url)
        self.tab.wait_for_selector("body[data-ready]")

    def cards(self) -> list[str]:
        """The addresses of the cards in the DOM, top to bottom."""
        ids: list[str] = self.tab.eval_on_selector_all(
            "article.card",
            "cards => cards.map(c => [c.offsetTop, c.id])"
            ".sort((a, b) => a[0] - b[0]).map(p => p[1])",
        )
        return ids

    def count(self) -> str:
        text: str = self.tab.text_content("#count") or ""
        return text


def assert_in_view(page: Page, card: Any) -> None:
    """``card`` is in the window, below the sticky header (not hidden behind it)."""
    box, header = card.bounding_box(), page.tab.locator("header#top").bounding_box()
    assert box is not None and header is not None
    assert header["height"] - 1 <= box["y"] < 900 - box["height"] / 2, (box, header)


@pytest.fixture
def page(browser: Any, report_url: str) -> Iterator[Page]:
    opened = Page(browser, report_url)
    yield opened
    opened.tab.close()
    assert opened.errors == []  # no script error, no refused resource (CSP)


def test_every_video_has_a_card_and_instances_sit_under_their_definition(page: Page) -> None:
    assert page.cards() == ADDRESSES
    assert page.count() == "7 videos"
    group = page.tab.locator("section.group")
    assert group.count() == 1
    assert group.locator("h2").text_content() == "promo"
    assert group.locator(".members").text_content() == "3 videos"
    assert page.tab.title() == "vidspec report: acme"
    later = page.tab.locator("article.card[id='later']")
    assert later.locator(".badge").first.text_content() == "planned"
    assert later.locator(".media").text_content() == "Not made yet: the next apply makes it."


def test_the_search_box_matches_names_text_and_addresses(page: Page) -> None:
    page.tab.fill("#search", "hammock")
    expect(page.tab.locator("#count")).to_have_text("1 of 7 videos")
    assert page.cards() == ["promo[c3]"]
    page.tab.fill("#search", "no such words")
    expect(page.tab.locator("#empty")).to_be_visible()
    assert page.cards() == []
    page.tab.fill("#search", "GLAD welcome")  # every word, any field, any case
    expect(page.tab.locator("#count")).to_have_text("1 of 7 videos")
    assert page.cards() == ["welcome"]


def test_status_definition_and_date_filters(page: Page) -> None:
    page.tab.select_option("#status", "planned")
    assert page.cards() == ["later"]
    page.tab.select_option("#status", "")
    page.tab.select_option("#definition", "promo")
    assert page.cards() == ["promo[a1]", "promo[b2]", "promo[c3]"]
    page.tab.select_option("#definition", "")
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).strftime("%Y-%m-%d")
    yesterday = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%d")
    page.tab.fill("#since", tomorrow)
    assert page.cards() == [] and page.tab.is_visible("#empty")
    page.tab.fill("#since", yesterday)
    assert page.cards() == [a for a in ADDRESSES if a != "later"]  # made today; later is not made
    page.tab.click("#clear")
    expect(page.tab.locator("#count")).to_have_text("7 videos")
    assert page.tab.input_value("#since") == ""


def test_an_anchor_opens_on_its_video_even_past_a_filter(browser: Any, report_url: str) -> None:
    linked = Page(browser, report_url + "#promo[c3]")
    card = linked.tab.locator("article.card.target")
    assert card.get_attribute("id") == "promo[c3]"
    assert_in_view(linked, card)
    # a link clicked while a filter hides the video clears the filter and scrolls to it
    linked.tab.select_option("#definition", "promo")
    linked.tab.evaluate("location.hash = '#welcome'")
    expect(linked.tab.locator("article.card.target")).to_have_id("welcome")
    assert linked.tab.input_value("#definition") == ""
    href = linked.tab.get_attribute("article.card#welcome a.address", "href")
    assert href == "#welcome"
    assert linked.errors == []
    linked.tab.close()


# The player's state once its metadata loaded or it failed (Playwright's wait_for_function
# evaluates a string, which the page's CSP refuses: no 'unsafe-eval').
LOADED = """v => new Promise(done => {
  const report = () => done([v.error && v.error.code, v.duration, v.videoWidth]);
  if (v.readyState >= 1 || v.error) report();
  v.addEventListener("loadedmetadata", report);
  v.addEventListener("error", report);
})"""


@pytest.mark.parametrize("address", ["welcome", "hostile-img"])  # hostile-img: a space in the path
def test_the_player_loads_the_saved_file(page: Page, address: str) -> None:
    player = page.tab.locator(f"article.card[id='{address}'] video")
    player.wait_for(state="attached")
    handle = player.element_handle()
    assert handle is not None
    loaded = handle.evaluate(LOADED)
    assert loaded == [None, 2, 320]
    assert handle.evaluate("v => v.currentSrc").endswith(
        "/out/welcome.mp4" if address == "welcome" else "/out/hostile%20img.mp4"
    )


def test_hostile_names_are_shown_as_text(page: Page) -> None:
    names = page.tab.eval_on_selector_all(
        "article.card .name",
        "nodes => Object.fromEntries(nodes.map(n => [n.closest('article').id, n.textContent]))",
    )
    assert names["hostile-img"] == IMG_NAME
    assert names["hostile-script"] == "</script><b>x</b>\\u202egnp.exe\\u2028"
    assert page.tab.locator("img").count() == 0 and page.tab.locator("main b").count() == 0
    assert page.tab.evaluate("window.pwned") is None


def test_three_thousand_videos_keep_only_the_visible_cards_in_the_dom(
    browser: Any, tmp_path: Path
) -> None:
    page_file = tmp_path / "index.html"
    page_file.write_text(render_report(many_videos(3000)), encoding="utf-8")
    big = Page(browser, page_file.as_uri() + "#clip2500")
    assert big.count() == "3000 videos"
    in_dom = big.cards()
    assert 5 <= len(in_dom) <= 30 and "clip2500" in in_dom
    target = big.tab.locator("article.card.target")
    assert target.get_attribute("id") == "clip2500"
    assert_in_view(big, target)
    big.tab.fill("#search", "clip299")
    expect(big.tab.locator("#count")).to_have_text("11 of 3000 videos")
    assert big.cards()[:2] == ["clip299", "clip2990"]
    assert big.errors == []
    big.tab.close()


def many_videos(count: int) -> Gallery:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    videos = tuple(
        VideoView(
            address=f"clip{n}",
            definition=None,
            name=f"Clip number {n}",
            text=f"This is clip {n}. " * 8,
            provider="sandbox",
            status="done",
            remote_id=f"id-{n}",
            created_at=now,
            expires_at=now + timedelta(days=30),
            renew_at=now + timedelta(days=27),
            file=SavedFile(f"out/clip{n}.mp4", "0" * 64, 1258, "missing"),
        )
        for n in range(count)
    )
    return Gallery("big", "sandbox", now, now, "../", videos)
