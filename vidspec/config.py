"""vidspec.yaml: the project file. Provider settings, state location, defaults, safety limits.

The value types live here; ``load_project`` finds and validates the file (JSON Schema
``project.schema.json`` is the only structural validator).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vidspec.errors import MissingVariable
from vidspec.location import SourceLocation

PROJECT_FILE = "vidspec.yaml"
PROVIDER_KINDS = ("sandbox", "cdnvideo", "vidnoz")


@dataclass(frozen=True)
class SecretRef:
    """A secret named as ``env/NAME`` in vidspec.yaml. Only the name is ever stored."""

    name: str
    location: SourceLocation

    def resolve(self, environ: Mapping[str, str]) -> str:
        value = environ.get(self.name)
        if not value:
            raise MissingVariable(self.name, self.location)
        return value

    def __repr__(self) -> str:
        return f"SecretRef(env/{self.name})"


@dataclass(frozen=True)
class ProviderConfig:
    """``provider:`` of vidspec.yaml. Secrets are references, resolved only when needed."""

    kind: str = "sandbox"
    account: str | None = None
    base_url: str | None = None
    token: SecretRef | None = None
    username: SecretRef | None = None
    password: SecretRef | None = None
    api_key: SecretRef | None = None
    # Provider-specific knobs that are not secrets (e.g. the sandbox's processing time).
    options: Mapping[str, Any] = field(default_factory=dict)
    location: SourceLocation | None = None


@dataclass(frozen=True)
class Safety:
    """Absolute caps a plan must stay under unless ``--force``."""

    max_deletes: int = 10
    max_regenerations: int = 10
    max_minutes: float = 60.0


@dataclass(frozen=True)
class Project:
    """A loaded vidspec.yaml. Paths are absolute."""

    root: Path
    file: Path
    provider: ProviderConfig
    manifests: tuple[str, ...] = ("videos/**/*.yaml",)
    state_path: Path = Path(".vidspec/state.json")
    defaults: Mapping[str, Any] = field(default_factory=dict)
    safety: Safety = field(default_factory=Safety)

    @property
    def work_dir(self) -> Path:
        """``.vidspec/`` beside the state: lock, usage count, sandbox data."""
        return self.state_path.parent

    @property
    def usage_path(self) -> Path:
        return self.work_dir / "usage.json"

    @property
    def lock_path(self) -> Path:
        return self.work_dir / "lock"

    @property
    def sandbox_dir(self) -> Path:
        return self.work_dir / "sandbox"
