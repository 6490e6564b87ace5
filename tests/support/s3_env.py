"""Shared by the S3 state backend tests: fake credentials, a fresh bucket, a project using it.

The server is moto's (``s3_endpoint`` in conftest.py): real S3 requests over loopback HTTP,
signed with the fake credentials below, which boto3 finds in the environment like real ones.
Tests look for these credentials in every output and file (``assert_no_credentials``).
"""

from __future__ import annotations

import os
import textwrap
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from vidspec.project.config import Project, load_project
from vidspec.state import State, open_state_store
from vidspec.state.s3store import S3StateStore

KEY_ID = "AKIAVIDSPECFAKE00042"
SECRET = "vidspecFakeSecret/0042+doNotLeakThisValue"
REGION = "eu-central-1"
KEY = "marketing/state.json"


def s3_environ(endpoint: str) -> dict[str, str]:
    """The environment of a runner: fake credentials (boto3's chain), no profile files, no
    instance metadata lookups. The endpoint is in vidspec.yaml, not here."""
    del endpoint
    return {
        "AWS_ACCESS_KEY_ID": KEY_ID,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }


@dataclass
class S3Env:
    """A bucket of its own on the session's S3 server, and a client to look inside it."""

    endpoint: str
    bucket: str
    client: Any

    def body(self, key: str) -> bytes | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=key)
        except self.client.exceptions.NoSuchKey:
            return None
        data: bytes = answer["Body"].read()
        return data

    def keys(self) -> list[str]:
        answer = self.client.list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in answer.get("Contents", []))

    def state_block(self, key: str = KEY) -> str:
        return textwrap.dedent(
            f"""\
            state:
              backend: s3
              bucket: {self.bucket}
              key: {key}
              region: {REGION}
              endpoint_url: {self.endpoint}
            """
        )

    def write_project(self, root: Path, *, key: str = KEY, provider: str = "") -> Project:
        """A sandbox project (or ``provider`` block) whose state lives at ``key``."""
        root.mkdir(parents=True, exist_ok=True)
        (root / "videos").mkdir(exist_ok=True)
        text = "version: 1\n" + (provider or "") + 'manifests: ["videos/*.yaml"]\n'
        (root / "vidspec.yaml").write_text(text + self.state_block(key), encoding="utf-8")
        return load_project(root)

    def store(self, root: Path) -> S3StateStore:
        store = open_state_store(load_project(root))
        assert isinstance(store, S3StateStore)
        return store

    def state(self, root: Path) -> State:
        return self.store(root).load()


def make_s3_env(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> S3Env:
    """A fresh bucket, with the fake credentials in this process's environment."""
    for name, value in s3_environ(endpoint).items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    client = boto3.client("s3", endpoint_url=endpoint, region_name=REGION)
    bucket = f"vidspec-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    return S3Env(endpoint=endpoint, bucket=bucket, client=client)


def fail_puts(s3: S3Env, first: int) -> None:
    """From now on, the ``first``-th PUT into the bucket and every later one fail (403
    AccessDenied; ``tests/support/s3server.py``); ``first=0`` lifts the rule."""
    answer = requests.post(
        f"{s3.endpoint}/__vidspec__/fail-puts",
        params={"bucket": s3.bucket, "from": str(first)},
        timeout=10,
    )
    answer.raise_for_status()


def assert_no_credentials(*texts: str | bytes) -> None:
    """Neither fake credential appears in any of ``texts``."""
    for text in texts:
        data = text.encode() if isinstance(text, str) else text
        assert KEY_ID.encode() not in data
        assert SECRET.encode() not in data


def assert_no_credentials_in_tree(root: Path) -> None:
    """No file below ``root`` holds a credential."""
    for path in root.rglob("*"):
        if path.is_file():
            assert_no_credentials(path.read_bytes())


SANDBOX = """\
provider:
  kind: sandbox
  options: {queue_seconds: 0.05, processing_seconds: 0.1, post_limit: 100/1s}
"""
MANIFEST = """\
defaults:
  actor: {name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}
  voice: Sara
videos:
"""


def videos(*names: str) -> str:
    return MANIFEST + "".join(
        f"  {n}:\n    video_name: {n.title()}\n    script: Hello from {n}.\n" for n in names
    )


def s3_project(s3: S3Env, root: Path, *names: str) -> Path:
    s3.write_project(root, provider=SANDBOX)
    (root / "videos" / "main.yaml").write_text(videos(*names), encoding="utf-8")
    return root
