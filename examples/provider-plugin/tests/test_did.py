"""vidspec-did against its emulator over loopback HTTP, with a ManualClock (no real waiting).

Opened the way vidspec opens it: the plugin object, found through the ``vidspec.providers``
entry point, with an ``OpenContext`` (vidspec's HTTP policy, clock and secrets)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import pytest
from vidspec.plugin import (
    API_VERSION,
    AuthError,
    Deleter,
    HttpPolicy,
    ManualClock,
    OutcomeUnknown,
    Provider,
    ProviderSettings,
    Renamer,
    TaskState,
    open_context,
)

from vidspec_did.emulator import RESULT, DidEmulator, serve
from vidspec_did.plugin import PLUGIN

KEY = "ZGVtbzpzZWNyZXQ="  # what D-ID shows: base64 of user:password
FAST = HttpPolicy(retries=2, backoff_factor=0.01, backoff_jitter=0.0)


def spec(name: str) -> dict[str, object]:
    return {
        "name": name,
        "source_url": "https://example.com/alice.jpg",
        "script": {"type": "text", "input": "Hello from vidspec."},
        "user_data": "campaign=spring",
    }


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2027, 3, 1, 9, 0, tzinfo=timezone.utc))


@pytest.fixture
def emulator(clock: ManualClock) -> Iterator[DidEmulator]:
    with serve(token=KEY, clock=clock) as server:
        yield server


def open_did(
    url: str, clock: ManualClock, tmp_path: Path, key: str = KEY, **values: object
) -> Provider:
    context = open_context(
        clock=clock,
        policy=FAST,
        work_dir=tmp_path / ".vidspec",
        cache_dir=tmp_path / "cache",
        secrets=lambda name: key if name == "api_key" else None,
    )
    settings = ProviderSettings("did", {"api_key": "env/DID_API_KEY", "base_url": url, **values})
    return PLUGIN.open(settings, context)


@pytest.fixture
def did(emulator: DidEmulator, clock: ManualClock, tmp_path: Path) -> Iterator[Provider]:
    provider = open_did(emulator.base_url, clock, tmp_path)
    yield provider
    provider.close()


def test_the_plugin_is_registered_by_its_entry_point() -> None:
    (point,) = metadata.entry_points(group="vidspec.providers", name="did")
    assert point.dist is not None and point.dist.metadata["Name"] == "vidspec-did"
    assert point.load() is PLUGIN and PLUGIN.api_version == API_VERSION


def test_a_talk_is_created_listed_followed_to_done_downloaded_and_deleted(
    did: Provider, emulator: DidEmulator, clock: ManualClock, tmp_path: Path
) -> None:
    talk = did.create(spec("welcome"))
    listed = {v.id: v for v in did.list_videos()}
    assert listed[talk].name == "welcome" and listed[talk].state is TaskState.QUEUED
    clock.advance(1.5)
    assert did.status([talk])[talk].state is TaskState.RUNNING
    clock.advance(2.0)
    done = did.status([talk])[talk]
    assert done.state is TaskState.DONE and done.url is not None
    saved = did.download(talk, tmp_path / "out" / "welcome.mp4")
    assert saved.sha256 == hashlib.sha256(RESULT).hexdigest()
    assert isinstance(did, Deleter) and not isinstance(did, Renamer)
    did.delete(talk)
    assert emulator.names() == {}
    assert did.catalog().quota.left == 100.0


def test_the_listing_pages_by_token_in_the_requests_the_cost_model_counts(
    emulator: DidEmulator, clock: ManualClock, tmp_path: Path
) -> None:
    provider = open_did(emulator.base_url, clock, tmp_path)
    provider.capabilities = replace(PLUGIN.capabilities, list_page_size=2)
    for n in range(5):
        provider.create(spec(f"v{n}"))
    before = provider.ledger.count("GET")
    assert sorted(v.name or "" for v in provider.list_videos()) == [f"v{n}" for n in range(5)]
    assert provider.ledger.count("GET") - before == 3  # ceil(5 / 2): the last page has no token
    provider.close()


def test_a_lost_create_answer_is_never_sent_twice(did: Provider, emulator: DidEmulator) -> None:
    emulator.world.lose_answers = True
    with pytest.raises(OutcomeUnknown):
        did.create(spec("lost"))
    emulator.world.lose_answers = False
    assert list(emulator.names().values()) == ["lost"]
    assert [v.name for v in did.list_videos()] == ["lost"]


def test_creates_beyond_the_rate_wait_on_the_clock_instead_of_meeting_429(
    did: Provider, emulator: DidEmulator
) -> None:
    for n in range(did.capabilities.generation_rate.count + 1):
        did.create(spec(f"v{n}"))
    assert emulator.world.refused == 0
    assert len(emulator.names()) == did.capabilities.generation_rate.count + 1


def test_a_refused_key_says_which_variable_to_check_and_never_shows_the_key(
    emulator: DidEmulator, clock: ManualClock, tmp_path: Path
) -> None:
    provider = open_did(emulator.base_url, clock, tmp_path, key="wrong-key-123")
    with pytest.raises(AuthError) as caught:
        provider.list_videos()
    assert "DID_API_KEY" in str(caught.value)
    assert "wrong-key-123" not in str(caught.value)
    provider.close()
