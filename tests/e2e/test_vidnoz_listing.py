"""Vidnoz's request model against what the client sends: two catalog calls (avatars, voices)
and a cursor-paged listing whose last page is marked (an empty ``end_cursor``), so a listing
of exactly one full page costs one call, not two. The model is data on ``Capabilities``."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from vidspec.core.clock import ManualClock
from vidspec.emulator import EmulatorServer, EmulatorSettings
from vidspec.plan.cost import listing_requests, refresh_requests
from vidspec.providers.vidnoz.api import CAPABILITIES
from vidspec.providers.vidnoz.provider import VidnozProvider

KEY = "listing-key-0815"
PAGE = 10
CAPS = dataclasses.replace(CAPABILITIES, list_page_size=PAGE)


@pytest.fixture
def emulator_settings() -> EmulatorSettings:
    return EmulatorSettings(provider="vidnoz", token=KEY, seed=9)


@pytest.fixture
def provider(emulator: EmulatorServer, clock: ManualClock) -> Iterator[VidnozProvider]:
    client = VidnozProvider(
        api_key=KEY, base_url=emulator.base_url, clock=clock, capabilities=CAPS, trust_env=False
    )
    yield client
    client.close()


def test_the_capabilities_say_how_vidnoz_counts() -> None:
    assert CAPABILITIES.catalog_requests == 2
    assert CAPABILITIES.listing_end == "marked"
    assert CAPABILITIES.list_page_size == 10000


@pytest.mark.parametrize(
    ("count", "pages"), [(0, 1), (1, 1), (9, 1), (10, 1), (11, 2), (20, 2), (25, 3)]
)
def test_a_refresh_costs_what_the_model_says(provider, emulator, clock, count, pages):
    world = emulator.world
    ids = {world.add_video(name=f"v{n}", created_at=clock.now()).id for n in range(count)}
    provider.catalog()
    assert provider.ledger.total == CAPS.catalog_requests == 2
    videos = provider.list_videos()
    assert {v.id for v in videos} == ids
    listed = [e for e in emulator.request_log if e[1] == "/v2/video/list"]
    assert len(listed) == pages == listing_requests(count, CAPS)
    assert provider.ledger.total == refresh_requests(count, CAPS) == 2 + pages


def test_a_short_page_listing_still_costs_one_more_page_when_full() -> None:
    cdn_like = dataclasses.replace(CAPS, listing_end="short_page", catalog_requests=1)
    assert [listing_requests(n, cdn_like) for n in (0, 9, 10, 11)] == [1, 1, 2, 2]
    assert [listing_requests(n, CAPS) for n in (0, 9, 10, 11)] == [1, 1, 1, 2]


def test_since_stops_at_the_first_page_that_reaches_older_videos(provider, emulator, clock):
    # The list is newest first: the new videos are on the first page, however long it is.
    world = emulator.world
    for n in range(35):
        world.add_video(name=f"old{n}", created_at=clock.now())
    clock.advance(600)
    new = {world.add_video(name=f"new{n}", created_at=clock.now()).id for n in range(3)}
    videos = provider.list_videos(since=clock.now())
    assert new <= {v.id for v in videos}
    listed = [e for e in emulator.request_log if e[1] == "/v2/video/list"]
    assert len(listed) == 1  # not ceil(38 / 10) = 4
