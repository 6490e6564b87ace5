"""vidspec's providers against the public provider contract suite (``vidspec.testing.provider``):
CDNvideo, the sandbox, Vidnoz, HeyGen and Synthesia, each client against its emulator.

Each harness starts the service's emulator on a ``ManualClock`` with short generation times
(the limits stay the documented ones: the suite checks that the client keeps them) and opens
the client the way vidspec does (HeyGen and Synthesia are not a ``kind:`` yet: their clients
are built directly).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from vidspec.core.clock import ManualClock
from vidspec.emulator import EmulatorServer, EmulatorSettings, serve
from vidspec.http.client import HttpPolicy
from vidspec.plugin import open_context
from vidspec.providers.base import Provider
from vidspec.providers.cdnvideo import CdnvideoProvider
from vidspec.providers.heygen import HeygenProvider
from vidspec.providers.plugin import ProviderSettings
from vidspec.providers.synthesia.provider import SynthesiaProvider
from vidspec.providers.vidnoz.provider import VidnozProvider
from vidspec.sandbox.provider import SandboxProvider
from vidspec.testing.provider import ProviderContract, ProviderHarness

KEY = "contract-SECRET-4711"
QUEUE, PROCESSING = 0.5, 1.5  # seconds on the clock: a video is done 2 s after its create

Opener = Callable[[str, HttpPolicy, ManualClock], Provider]  # (root URL, policy, clock)


class EmulatorHarness:
    """A ``ProviderHarness`` over one emulator: ``opener`` builds the client, ``namer`` reads
    a video's name from the emulator's record, ``spec`` makes a create body."""

    def __init__(
        self,
        server: EmulatorServer,
        clock: ManualClock,
        opener: Opener,
        namer: Callable[[Any], str | None],
        spec: Callable[[str], Mapping[str, Any]],
    ) -> None:
        self.server, self.clock, self.ready_after = server, clock, QUEUE + PROCESSING + 1
        self._opener, self._namer, self._spec = opener, namer, spec

    def open_provider(
        self, *, root_url: str | None = None, page_size: int | None = None, policy: HttpPolicy
    ) -> Provider:
        provider = self._opener(root_url or self.server.root_url, policy, self.clock)
        if page_size is not None:
            caps = dataclasses.replace(provider.capabilities, list_page_size=page_size)
            provider.capabilities = caps
        return provider

    def spec(self, name: str) -> Mapping[str, Any]:
        return self._spec(name)

    def lose_create_answers(self, lose: bool) -> None:
        self.server.configure(lose_response_rate=1.0 if lose else 0.0)

    def names(self) -> dict[str, str | None]:
        return {record.id: self._namer(record) for record in self.server.world.records()}

    def refused(self) -> int:
        return sum(1 for _, _, status in self.server.request_log if status == 429)


def _settings(provider: str, **more: Any) -> EmulatorSettings:
    return EmulatorSettings(
        provider=provider,
        token=KEY,
        seed=7,
        queue_seconds=QUEUE,
        processing_seconds=PROCESSING,
        **more,
    )


class VidnozHarness(EmulatorHarness):
    def refused(self) -> int:  # the 803 "too frequent" envelope comes with HTTP 200
        return int(self.server.service.too_frequent) + super().refused()


class SandboxHarness(EmulatorHarness):
    """The sandbox as its plugin opens it: ``SandboxProvider.open`` starts the CDNvideo
    emulator on the project's ``.vidspec/sandbox/`` and holds its lock (one at a time); the
    harness reads the emulator of the sandbox opened last. Against another server (the
    suite's hostile one) it is the client the sandbox is made of, ``CdnvideoProvider``."""

    def __init__(self, root: Path, clock: ManualClock) -> None:
        self.root, self.clock, self.ready_after = root, clock, QUEUE + PROCESSING + 1
        self._spec = _cdnvideo_spec
        self._namer: Callable[[Any], str | None] = lambda record: record.generation.video_name
        self.current: SandboxProvider | None = None
        options = {"queue_seconds": QUEUE, "processing_seconds": PROCESSING}
        self.settings = ProviderSettings(kind="sandbox", values={"options": options})

    def open_provider(
        self, *, root_url: str | None = None, page_size: int | None = None, policy: HttpPolicy
    ) -> Provider:
        provider: Provider
        if root_url is not None:
            provider = _cdnvideo(root_url, policy, self.clock)
        else:
            context = open_context(
                clock=self.clock,
                policy=policy,
                work_dir=self.root / ".vidspec",
                cache_dir=self.root / "cache",
                secrets=lambda name: None,
            )
            self.current = SandboxProvider.open(self.settings, context)
            self.server = self.current.server
            provider = self.current
        if page_size is not None:
            caps = dataclasses.replace(provider.capabilities, list_page_size=page_size)
            provider.capabilities = caps
        return provider


def _cdnvideo(root_url: str, policy: HttpPolicy, clock: ManualClock) -> CdnvideoProvider:
    base = root_url + "/app/th-api/v1"
    return CdnvideoProvider(
        account="acme", base_url=base, token=KEY, policy=policy, clock=clock, trust_env=False
    )


def _vidnoz(root_url: str, policy: HttpPolicy, clock: ManualClock) -> VidnozProvider:
    return VidnozProvider(
        api_key=KEY, base_url=root_url, policy=policy, clock=clock, trust_env=False
    )


def _heygen(root_url: str, policy: HttpPolicy, clock: ManualClock) -> HeygenProvider:
    return HeygenProvider(
        api_key=KEY, base_url=root_url, policy=policy, clock=clock, trust_env=False
    )


def _synthesia(root_url: str, policy: HttpPolicy, clock: ManualClock) -> SynthesiaProvider:
    return SynthesiaProvider(
        api_key=KEY, base_url=root_url, policy=policy, clock=clock, trust_env=False
    )


def _cdnvideo_spec(name: str) -> Mapping[str, Any]:
    return {
        "video_name": name,
        "script": "Hello! This is the text I am speaking.",
        "actor": {"name": "Natalia", "version": "4.0.0", "style": "dressshirt", "shot": "waist"},
        "voice": "Sara",
        "background": "green_screen",
    }


def _vidnoz_spec(name: str) -> Mapping[str, Any]:
    return {
        "name": name,
        "aspect": 2,
        "avatar": {"id": "Rk1nN090NnZQWXlSZW5oSHJlSlhWdz09", "style": 3},
        "voice": {"tts": {"id": VIDNOZ_VOICE, "text": "Hello and welcome!"}},
    }


VIDNOZ_VOICE = "d0VWUk5SU056NEwwMlRsem5vNVROYlpCc3FGY25CY0xBa3VIeWtLUkRyMD0="


def _heygen_spec(name: str) -> Mapping[str, Any]:
    return {
        "avatar_id": "Angela-inTshirt-20220820",
        "voice_id": "1bd001e7e50f421d891986aad5158bc8",
        "script": "Hello and welcome to Acme!",
        "title": name,
    }


def _synthesia_spec(name: str) -> Mapping[str, Any]:
    scene = {"avatar": "anna_costume1_cameraA", "background": "off_white"}
    return {"title": name, "input": [{**scene, "scriptText": "Hello and welcome!"}]}


@contextlib.contextmanager
def _harness(
    settings: EmulatorSettings,
    opener: Opener,
    namer: Callable[[Any], str | None],
    spec: Callable[[str], Mapping[str, Any]],
    kind: type[EmulatorHarness] = EmulatorHarness,
) -> Iterator[ProviderHarness]:
    clock = ManualClock()
    with serve(settings, clock=clock) as server:
        yield kind(server, clock, opener, namer, spec)


class TestCdnvideo(ProviderContract):
    @pytest.fixture
    def provider_harness(self) -> Iterator[ProviderHarness]:
        settings = _settings("cdnvideo", account="acme")
        with _harness(settings, _cdnvideo, lambda r: r.generation.video_name, _cdnvideo_spec) as h:
            yield h


class TestSandbox(ProviderContract):
    @pytest.fixture
    def provider_harness(self, tmp_path: Path) -> Iterator[ProviderHarness]:
        harness = SandboxHarness(tmp_path, ManualClock())
        yield harness
        if harness.current is not None:
            harness.current.close()


class TestVidnoz(ProviderContract):
    @pytest.fixture
    def provider_harness(self) -> Iterator[ProviderHarness]:
        settings = _settings("vidnoz")
        with _harness(settings, _vidnoz, lambda r: r.name, _vidnoz_spec, VidnozHarness) as h:
            yield h


class TestHeygen(ProviderContract):
    @pytest.fixture
    def provider_harness(self) -> Iterator[ProviderHarness]:
        with _harness(_settings("heygen"), _heygen, lambda r: r.title, _heygen_spec) as h:
            yield h


class TestSynthesia(ProviderContract):
    @pytest.fixture
    def provider_harness(self) -> Iterator[ProviderHarness]:
        with _harness(_settings("synthesia"), _synthesia, lambda r: r.title, _synthesia_spec) as h:
            yield h
