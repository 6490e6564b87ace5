"""The provider contract suite: what every provider client promises, against its emulator.

A provider (``vidspec/providers/base.py``: ``Provider`` and the optional ``Renamer``,
``Deleter``, ``Canceler``) is done when its tests subclass ``ProviderContract`` and pass. The
subclass gives one fixture, ``provider_harness``, returning a ``ProviderHarness``: the
package's emulator serving on 127.0.0.1 and reading a ``ManualClock`` that the client shares,
so "10 a minute" costs no real time::

    class TestMyProvider(ProviderContract):
        @pytest.fixture
        def provider_harness(self) -> Iterator[ProviderHarness]:
            with MyHarness.start() as harness:
                yield harness

What the suite holds a provider to (each a test below):

- it says what it can do: ``Renamer``/``Deleter``/``Canceler`` exactly when ``capabilities``
  says ``can_rename``/``can_delete``/``can_cancel``; one that cannot never half-does it (a
  method it has anyway raises a ``VidspecError`` before sending anything);
- ``catalog()`` is a ``Catalog`` that accepts the harness's request body, in
  ``capabilities.catalog_requests`` requests;
- ``create`` returns an id the listing shows, with its name (``capabilities.name_field``);
  ``status`` follows the task to ``done``; ``download`` saves the file, its size and sha256;
- ``list_videos`` pages with ``capabilities.list_page_size`` through more videos than a page,
  each once, in the requests the cost model counts (``listing_end``);
- a create whose answer is lost (the emulator did the work) raises ``OutcomeUnknown`` or
  returns the id, never sends it twice: the listing then shows exactly one such video;
- the limits: as many creates as ``generation_rate`` allows plus one, and as many listings as
  ``request_rate`` allows plus one, meet no refusal (HTTP 429, or the service's own code): the
  client waits on the clock instead;
- hostile answers are bounded: a body over ``HttpPolicy.max_body`` or a download over
  ``max_bytes`` is refused, a body that never ends stops at ``HttpPolicy.deadline``, and a
  server's message with escape sequences reaches no error raw, nor a credential a server
  repeats (``vidspec.testing.hostile``); a name with escape sequences is kept as data (the
  renderers escape it);
- ``list_videos(since=...)`` holds every video made from that moment on.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

import pytest

from vidspec.core.clock import ManualClock
from vidspec.core.errors import OutcomeUnknown, ProviderError, VidspecError
from vidspec.core.videos import RemoteVideo, TaskState
from vidspec.http.client import HttpPolicy
from vidspec.providers.base import (
    Canceler,
    Catalog,
    Deleter,
    Provider,
    Renamer,
)
from vidspec.testing.hostile import EVIL, RAW_CONTROLS, Answer, serve_hostile

FAST = HttpPolicy(retries=2, backoff_factor=0.01, backoff_jitter=0.0)
"""The policy the suite opens providers with: retries backed off in hundredths of a second."""

HOSTILE_NAME = "Evil\x1b[31m\u202e"
"""A video name with an escape sequence and a right-to-left override (short: any service's
name limit allows it)."""


class ProviderHarness(Protocol):
    """A provider package's emulator and client, as the suite drives them (implemented by
    the package's tests, passed by the ``provider_harness`` fixture)."""

    clock: ManualClock
    """The clock the emulator and every provider opened here read."""

    ready_after: float
    """Seconds on ``clock`` after which a video created now has finished generating."""

    def open_provider(
        self, *, root_url: str | None = None, page_size: int | None = None, policy: HttpPolicy
    ) -> Provider:
        """A new client of the emulator (``root_url``: of the server at that root URL
        instead, the suite's hostile one), with ``policy``; ``page_size``: its
        ``capabilities.list_page_size`` instead of the documented one."""
        ...

    def spec(self, name: str) -> Mapping[str, Any]:
        """A create body the emulator accepts, naming the video ``name``."""
        ...

    def lose_create_answers(self, lose: bool) -> None:
        """From now on, every create does its work and its answer is lost (a 5xx or a
        dropped connection) while ``lose``."""
        ...

    def names(self) -> dict[str, str | None]:
        """The emulator's own account: id -> name of every video it keeps."""
        ...

    def refused(self) -> int:
        """How many calls the emulator refused so far for a rate or concurrency limit."""
        ...


class ProviderContract:
    """The suite: subclass it (named ``Test...``) and give the ``provider_harness`` fixture."""

    @pytest.fixture
    def provider_harness(self) -> ProviderHarness:
        """Override: a ``ProviderHarness`` for each test (its emulator stopped after it)."""
        raise NotImplementedError("a ProviderContract subclass gives provider_harness")

    @pytest.fixture
    def provider(self, provider_harness: ProviderHarness) -> Iterator[Provider]:
        provider = provider_harness.open_provider(policy=FAST)
        yield provider
        provider.close()

    @staticmethod
    def listed(provider: Provider) -> dict[str, RemoteVideo]:
        return {video.id: video for video in provider.list_videos()}

    # --- what it is ----------------------------------------------------------------------

    def test_it_is_a_provider_that_does_what_its_capabilities_say(
        self, provider: Provider, provider_harness: ProviderHarness
    ) -> None:
        assert isinstance(provider, Provider)
        caps = provider.capabilities
        assert caps.kind and caps.display_name and caps.name_field
        assert caps.generation_rate.count >= 1 and caps.list_page_size >= 1
        video_id = provider.create(provider_harness.spec("Contract kept"))
        calls = (
            (caps.can_rename, Renamer, "rename", (video_id, "Contract renamed")),
            (caps.can_delete, Deleter, "delete", (video_id,)),
            (caps.can_cancel, Canceler, "cancel", (video_id,)),
        )
        for can, protocol, method, args in calls:
            if can:
                assert isinstance(provider, protocol), f"can_{method} without {method}()"
            elif hasattr(provider, method):
                sent = provider.ledger.total
                with pytest.raises(VidspecError):
                    getattr(provider, method)(*args)
                assert provider.ledger.total == sent, f"{method}() sent a request"
        assert provider_harness.names()[video_id] == "Contract kept"

    # --- the calls -----------------------------------------------------------------------

    def test_the_catalog_accepts_the_harness_request_in_the_counted_requests(
        self, provider: Provider, provider_harness: ProviderHarness
    ) -> None:
        catalog = provider.catalog()
        assert isinstance(catalog, Catalog)
        assert provider.ledger.total == provider.capabilities.catalog_requests
        assert catalog.problems(provider_harness.spec("Contract catalog")) == []
        json.dumps(catalog.to_json())

    def test_a_create_is_listed_with_its_name_and_its_status_reaches_done(
        self, provider: Provider, provider_harness: ProviderHarness
    ) -> None:
        video_id = provider.create(provider_harness.spec("Contract one"))
        assert provider.ledger.count("POST") == 1
        assert provider_harness.names()[video_id] == "Contract one"
        listed = self.listed(provider)
        if video_id in listed or provider.capabilities.listing_shows_tasks:
            assert listed[video_id].name == "Contract one"
            assert listed[video_id].created_at.tzinfo is not None
        early = provider.status([video_id])[video_id].state  # a paced client's clock moved on
        assert early in (TaskState.QUEUED, TaskState.RUNNING, TaskState.DONE)
        provider_harness.clock.advance(provider_harness.ready_after)
        assert provider.status([video_id])[video_id].state is TaskState.DONE
        done = self.listed(provider)[video_id]
        assert (done.name, done.state) == ("Contract one", TaskState.DONE)

    def test_the_listing_pages_through_more_videos_than_a_page(
        self, provider_harness: ProviderHarness
    ) -> None:
        provider = provider_harness.open_provider(page_size=2, policy=FAST)
        made = {provider.create(provider_harness.spec(f"Contract page {n}")) for n in range(5)}
        provider_harness.clock.advance(provider_harness.ready_after)
        before = provider.ledger.count("GET")
        listing = provider.list_videos()
        assert sorted(v.id for v in listing if v.id in made) == sorted(made)
        assert len({v.id for v in listing}) == len(listing)
        pages = math.ceil(5 / 2)  # short_page: floor(5 / 2) + 1, the same 3
        assert provider.ledger.count("GET") - before == pages
        provider.close()

    def test_a_finished_video_downloads_with_its_size_and_sha256(
        self, provider: Provider, provider_harness: ProviderHarness, tmp_path: Path
    ) -> None:
        video_id = provider.create(provider_harness.spec("Contract file"))
        provider_harness.clock.advance(provider_harness.ready_after)
        provider.list_videos()  # a client may take the file's link from the listing
        result = provider.download(video_id, tmp_path / "out" / "file.mp4")
        data = (tmp_path / "out" / "file.mp4").read_bytes()
        assert result.size == len(data) > 0
        assert result.sha256 == hashlib.sha256(data).hexdigest()

    def test_a_download_over_max_bytes_is_refused_and_saves_nothing(
        self, provider_harness: ProviderHarness, tmp_path: Path
    ) -> None:
        provider = provider_harness.open_provider(policy=_replace(FAST, max_bytes=64))
        video_id = provider.create(provider_harness.spec("Contract big"))
        provider_harness.clock.advance(provider_harness.ready_after)
        provider.list_videos()
        with pytest.raises(ProviderError):
            provider.download(video_id, tmp_path / "big.mp4")
        assert not (tmp_path / "big.mp4").exists()
        provider.close()

    def test_a_lost_create_answer_is_resolved_through_the_listing_without_a_duplicate(
        self, provider: Provider, provider_harness: ProviderHarness
    ) -> None:
        provider_harness.lose_create_answers(True)
        try:
            returned: str | None = provider.create(provider_harness.spec("Contract lost"))
        except OutcomeUnknown:
            returned = None
        provider_harness.lose_create_answers(False)
        made = [i for i, name in provider_harness.names().items() if name == "Contract lost"]
        assert len(made) == 1, f"the create was sent {len(made)} times"
        provider_harness.clock.advance(provider_harness.ready_after)
        found = [v.id for v in provider.list_videos() if v.name == "Contract lost"]
        assert found == made and returned in (None, made[0])

    def test_rename_delete_and_cancel_do_what_the_capabilities_say(
        self, provider: Provider, provider_harness: ProviderHarness
    ) -> None:
        caps = provider.capabilities
        first = provider.create(provider_harness.spec("Contract first"))
        if caps.can_cancel and isinstance(provider, Canceler):
            provider.cancel(first)
            provider_harness.clock.advance(provider_harness.ready_after)
            status = provider.status([first]).get(first)
            assert status is None or status.state is not TaskState.DONE
        provider_harness.clock.advance(provider_harness.ready_after)
        second = provider.create(provider_harness.spec("Contract second"))
        provider_harness.clock.advance(provider_harness.ready_after)
        if caps.can_rename and isinstance(provider, Renamer):
            provider.rename(second, "Contract renamed")
            assert provider_harness.names()[second] == "Contract renamed"
            assert self.listed(provider)[second].name == "Contract renamed"
        if caps.can_delete and isinstance(provider, Deleter):
            provider.delete(second)
            assert second not in provider_harness.names()
            assert second not in self.listed(provider)

    def test_a_listing_since_a_moment_holds_every_video_made_from_then_on(
        self, provider: Provider, provider_harness: ProviderHarness
    ) -> None:
        provider.create(provider_harness.spec("Contract before"))
        provider_harness.clock.advance(600)
        since = provider_harness.clock.now()
        later = provider.create(provider_harness.spec("Contract after"))
        provider_harness.clock.advance(provider_harness.ready_after)
        assert later in {video.id for video in provider.list_videos(since=since)}

    # --- the limits ----------------------------------------------------------------------

    def test_creates_past_the_generation_rate_wait_on_the_clock_and_meet_no_refusal(
        self, provider: Provider, provider_harness: ProviderHarness
    ) -> None:
        rate = provider.capabilities.generation_rate
        cap = provider.capabilities.concurrency
        started = provider_harness.clock.monotonic()
        for n in range(rate.count + 1):
            if cap is not None and n and n % cap == 0:
                # videos generating at once are the engine's gate's to count (it knows what is
                # in flight), not the client's: here the batch finishes before the next create
                provider_harness.clock.advance(provider_harness.ready_after)
            provider.create(provider_harness.spec(f"Contract rate {n}"))
        assert provider_harness.refused() == 0
        assert provider_harness.clock.monotonic() - started >= rate.seconds
        assert provider.ledger.count("POST") == rate.count + 1

    def test_calls_past_the_request_rate_wait_on_the_clock_and_meet_no_refusal(
        self, provider: Provider, provider_harness: ProviderHarness
    ) -> None:
        rate = provider.capabilities.request_rate
        calls = 3 if rate is None else rate.count + 1
        started = provider_harness.clock.monotonic()
        for _ in range(calls):
            provider.list_videos()
        assert provider_harness.refused() == 0
        if rate is not None:
            assert provider_harness.clock.monotonic() - started >= rate.seconds

    # --- hostile answers -----------------------------------------------------------------

    def test_an_answer_over_max_body_is_refused(self, provider_harness: ProviderHarness) -> None:
        with serve_hostile("oversized", size=256 * 1024) as hostile:
            provider = provider_harness.open_provider(
                root_url=hostile.root_url, policy=_replace(FAST, max_body=16 * 1024)
            )
            with pytest.raises(ProviderError, match="longer than"):
                provider.list_videos()
            provider.close()

    def test_an_answer_that_never_ends_stops_at_the_request_deadline(
        self, provider_harness: ProviderHarness
    ) -> None:
        with serve_hostile("endless") as hostile:
            provider = provider_harness.open_provider(
                root_url=hostile.root_url, policy=_replace(FAST, deadline=0.3, retries=0)
            )
            started = time.monotonic()
            with pytest.raises(ProviderError, match="deadline"):
                provider.list_videos()
            assert time.monotonic() - started < 10
            provider.close()

    def test_a_servers_message_reaches_no_error_raw(
        self, provider_harness: ProviderHarness
    ) -> None:
        shown, _ = _listing_error(provider_harness, "message")
        assert "Evil" in shown or "400" in shown
        assert not any(raw in shown for raw in RAW_CONTROLS), shown
        assert EVIL not in shown

    def test_a_credential_a_server_repeats_reaches_no_error(
        self, provider_harness: ProviderHarness
    ) -> None:
        shown, credentials = _listing_error(provider_harness, "reflect")
        assert credentials, "the client sent no credential header"
        assert not [secret for secret in credentials if secret in shown], shown

    def test_a_name_with_escape_sequences_is_kept_as_data(
        self, provider: Provider, provider_harness: ProviderHarness
    ) -> None:
        video_id = provider.create(provider_harness.spec(HOSTILE_NAME))
        provider_harness.clock.advance(provider_harness.ready_after)
        assert self.listed(provider)[video_id].name == HOSTILE_NAME


def _listing_error(harness: ProviderHarness, answer: Answer) -> tuple[str, list[str]]:
    """The error of a listing the hostile server gives ``answer`` to, as shown, and the
    credentials the client sent it."""
    with serve_hostile(answer) as hostile:
        provider = harness.open_provider(root_url=hostile.root_url, policy=FAST)
        with pytest.raises(VidspecError) as refused:
            provider.list_videos()
        provider.close()
    return str(refused.value), hostile.credentials


def _replace(policy: HttpPolicy, **changes: Any) -> HttpPolicy:
    return dataclasses.replace(policy, **changes)


__all__ = ["FAST", "HOSTILE_NAME", "ProviderContract", "ProviderHarness"]
