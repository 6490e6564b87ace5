"""vidspec's two state backends against the public state-store contract suite
(``vidspec.testing.store``): the local file, and S3 on moto's server
(``tests/support/s3server.py``).

Each backend is given to the suite as a ``StoreBackend``: how to open a store on one place
(a project directory; a bucket and key), and the raw objects kept there.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from vidspec.core.clock import Clock
from vidspec.core.statesettings import S3State
from vidspec.project.config import Project, ProviderConfig
from vidspec.state.backend import StateStore
from vidspec.state.model import ProviderRef
from vidspec.state.s3objects import S3Objects, s3_client
from vidspec.state.s3store import S3StateStore
from vidspec.state.store import LocalStateStore
from vidspec.testing.store import Part, StateStoreContract, StoreBackend

if TYPE_CHECKING:
    from s3_env import S3Env  # boto3: only where the S3 tests run (the `s3` fixture skips)


def _project(root: Path, provider: ProviderRef, backend: S3State | None = None) -> Project:
    return Project(
        root=root,
        file=root / "vidspec.yaml",
        provider=ProviderConfig(kind=provider.kind, account=provider.account),
        state_path=root / ".vidspec" / "state.json",
        state_backend=backend,
    )


class LocalBackend:
    """``state: .vidspec/state.json`` of one project directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        work = root / ".vidspec"
        self.paths = {
            "state": work / "state.json",
            "backup": work / "state.json.backup",
            "lock_note": work / "lock.info",
        }

    def open(self, provider: ProviderRef, clock: Clock) -> StateStore:
        return LocalStateStore(_project(self.root, provider), clock=clock)

    def read(self, part: Part) -> bytes | None:
        path = self.paths[part]
        return path.read_bytes() if path.exists() else None

    def write(self, part: Part, data: bytes | None) -> None:
        path = self.paths[part]
        if data is None:
            path.unlink(missing_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


class S3Backend:
    """``state: {backend: s3, ...}``: a key in a fresh bucket of moto's server."""

    KEY = "team/state.json"

    def __init__(self, s3: S3Env, root: Path) -> None:
        self.s3 = s3
        self.root = root
        self.settings = S3State(
            bucket=s3.bucket, key=self.KEY, region="eu-central-1", endpoint_url=s3.endpoint
        )
        self.keys = {
            "state": self.KEY,
            "backup": f"{self.KEY}.backup",
            "lock_note": f"{self.KEY}.lock",
        }

    def open(self, provider: ProviderRef, clock: Clock) -> StateStore:
        settings = replace(self.settings, deadline=10.0)
        objects = S3Objects(settings, _client(settings.endpoint_url))
        return S3StateStore(_project(self.root, provider, settings), clock=clock, objects=objects)

    def read(self, part: Part) -> bytes | None:
        return self.s3.body(self.keys[part])

    def write(self, part: Part, data: bytes | None) -> None:
        if data is None:
            self.s3.client.delete_object(Bucket=self.s3.bucket, Key=self.keys[part])
        else:
            self.s3.client.put_object(Bucket=self.s3.bucket, Key=self.keys[part], Body=data)


@cache
def _client(endpoint: str | None) -> Any:
    """One boto3 client for every store of the module (a client is thread-safe, and making
    one costs a fifth of a second of CPU); each store keeps its own lock and versions."""
    return s3_client(S3State(bucket="any", key="any", region="eu-central-1", endpoint_url=endpoint))


class TestLocalStateStore(StateStoreContract):
    @pytest.fixture
    def store_backend(self, tmp_path: Path) -> StoreBackend:
        return LocalBackend(tmp_path)


class TestS3StateStore(StateStoreContract):
    @pytest.fixture
    def store_backend(self, s3: S3Env, tmp_path: Path) -> StoreBackend:
        return S3Backend(s3, tmp_path)
