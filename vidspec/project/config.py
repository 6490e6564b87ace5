"""vidspec.yaml: the project file. Provider settings, state location, defaults, safety limits.

The value types live here; ``load_project`` finds and validates the file (JSON Schema
``project.schema.json`` is the only structural validator).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from vidspec.core.durations import parse_duration
from vidspec.core.errors import ManifestError, MissingVariable, Problem, ProjectError
from vidspec.core.location import SourceLocation
from vidspec.core.paths import display_path
from vidspec.core.rate import Rate, parse_rate
from vidspec.core.statesettings import JOURNAL_SUFFIX, S3State
from vidspec.project.loctree import LocTree, child
from vidspec.project.pathrules import path_problem
from vidspec.project.plugin_schemas import DEFAULT_KIND
from vidspec.project.resolve import is_inside
from vidspec.project.schema import project_validator
from vidspec.project.schema_errors import ErrorTranslator, dotted
from vidspec.project.yamlload import YamlDocument, load_yaml

PROJECT_FILE = "vidspec.yaml"


@dataclass(frozen=True)
class SecretRef:
    """A secret named as ``env/NAME`` in vidspec.yaml. Only the name is ever stored."""

    name: str
    location: SourceLocation

    def resolve(self, environ: Mapping[str, str]) -> str:
        value = environ.get(self.name)
        if not value:
            raise MissingVariable(self.name, self.location)
        if any(c in value for c in "\r\n\0"):
            # Sent in a header, a line break would be refused by requests ("could not reach
            # the service") or, worse, forge a header: say what is wrong with the variable.
            raise ProjectError(
                f"{self.location}: environment variable {self.name} holds a line break "
                f"(or a NUL), which no credential has",
                f"Set {self.name} to the credential alone (a file read with $(cat ...) may "
                f"end in a CR/LF: strip it).",
            )
        return value

    def __repr__(self) -> str:
        return f"SecretRef(env/{self.name})"


@dataclass(frozen=True)
class ProviderConfig:
    """``provider:`` of vidspec.yaml. Secrets are references, resolved only when needed."""

    kind: str = DEFAULT_KIND
    account: str | None = None
    base_url: str | None = None
    token: SecretRef | None = None
    username: SecretRef | None = None
    password: SecretRef | None = None
    api_key: SecretRef | None = None
    # Provider-specific knobs that are not secrets (e.g. the sandbox's processing time).
    options: Mapping[str, Any] = field(default_factory=dict)
    location: SourceLocation | None = None
    # ``rate_limit``: send generations at most this fast (only ever below the service's rate).
    rate_limit: Rate | None = None
    # Vidnoz: how long .vidspec/catalog.json is used again (None: the default, 10 minutes)
    catalog_max_age: timedelta | None = None
    # the block as written (validated by the kind's schema), for the kind's plugin; and every
    # secret field in it (``env/NAME``) as a reference, by field
    settings: Mapping[str, Any] = field(default_factory=dict)
    secrets: Mapping[str, SecretRef] = field(default_factory=dict)
    # the sandbox: which service's emulator it runs (None: CDNvideo's)
    emulate: str | None = None

    @property
    def speaks(self) -> str:
        """Whose request fields the manifests hold: the kind's, or the emulated service's."""
        return self.emulate if self.kind == "sandbox" and self.emulate else self.kind


@dataclass(frozen=True)
class Safety:
    """Absolute caps a plan must stay under unless ``--force``; and ``pending_grace``: how long
    a create whose answer was lost (and that the listing does not show) is waited for before
    the plan sends it again."""

    max_deletes: int = 10
    max_regenerations: int = 10
    max_minutes: float = 60.0
    pending_grace: timedelta = timedelta(minutes=30)
    # How long a server may keep vidspec waiting: a wait it asks for (Retry-After), and one
    # API request from sending to its last byte (an answer of kilobytes: nothing legitimate
    # takes minutes). Past them a call fails naming the host.
    max_wait: timedelta = timedelta(minutes=2)
    request_deadline: timedelta = timedelta(seconds=60)


DEFAULT_MAX_BYTES = 2 * 1024**3  # a 3-minute 4K video is a few hundred MB; 2 GiB is ample


@dataclass(frozen=True)
class DownloadLimits:
    """``download:`` of vidspec.yaml: the largest file a download may save, and the slowest it
    may come (fewer than ``min_speed`` bytes a second over ``stall_time`` ends it)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    min_speed: int = 10 * 1024
    stall_time: timedelta = timedelta(seconds=30)


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
    download: DownloadLimits = field(default_factory=DownloadLimits)
    # ``state: {backend: s3, ...}``; None: the local file ``state_path``. With S3, ``state_path``
    # stays the default, so ``work_dir`` (.vidspec/) still holds the local lock-free files.
    state_backend: S3State | None = None

    @property
    def work_dir(self) -> Path:
        """``.vidspec/`` beside the state: lock, usage count, sandbox data."""
        return self.state_path.parent

    @property
    def usage_path(self) -> Path:
        return self.work_dir / "usage.json"

    @property
    def observed_path(self) -> Path:
        """What the last refresh saw (local, git-ignored): ``vidspec.state.observed``."""
        return self.work_dir / "observed.json"

    @property
    def lock_path(self) -> Path:
        return self.work_dir / "lock"

    @property
    def sandbox_dir(self) -> Path:
        return self.work_dir / "sandbox"


SECRET_FIELDS = ("token", "username", "password", "api_key")


def find_project_file(directory: Path) -> Path:
    """The nearest ``vidspec.yaml``: in ``directory`` (the ``-C`` directory) or the closest
    folder above it, as git finds its repository; the search stops at the filesystem's root
    and at a git work tree's root (a folder holding ``.git``). ``ProjectError`` when none."""
    start = Path(os.path.abspath(directory))
    for folder in (start, *start.parents):
        candidate = folder / PROJECT_FILE
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists():
            break
    shown = display_path(directory)
    raise ProjectError(
        f"no {PROJECT_FILE} in {shown} or above it (run `vidspec init` or pass -C DIR)"
    )


def load_project(directory: Path) -> Project:
    """Find, read and validate vidspec.yaml. Problems in it raise ``ManifestError``.

    Only the project's own settings are checked here; ``defaults``, ``videos`` and ``moved``
    follow the manifest schema of the provider kind and are checked by ``load_desired``.
    """
    file = find_project_file(directory)
    doc = load_yaml(file)
    if doc.empty or doc.value is None:
        raise ManifestError(
            [Problem(doc.root, f"{doc.display} is empty", "write at least `version: 1`")]
        )
    translator = ErrorTranslator(
        doc.root,
        doc.locs,
        label=lambda path: dotted(path) or PROJECT_FILE,
        required_hint=f"add it to {PROJECT_FILE}",
    )
    problems = translator.problems(project_validator(_kind(doc.value)).iter_errors(doc.value))
    if problems:
        raise ManifestError(problems)

    data: Mapping[str, Any] = doc.value
    root = file.parent
    provider = _provider(data, doc.locs, doc.root)
    safety = _safety(data.get("safety") or {})
    state_path, backend = _state_location(data, doc, root)
    if backend is not None:  # an S3 call is an API call: it keeps the same deadline
        backend = replace(backend, deadline=safety.request_deadline.total_seconds())
    return Project(
        root=root,
        file=file,
        provider=provider,
        manifests=tuple(data.get("manifests", Project.manifests)),
        state_path=state_path,
        defaults=dict(data.get("defaults") or {}),
        safety=safety,
        download=_download(data.get("download") or {}),
        state_backend=backend,
    )


def _kind(data: Any) -> str:
    """The ``provider.kind`` written (any string: the schema checks it), or the default."""
    provider = data.get("provider") if isinstance(data, Mapping) else None
    kind = provider.get("kind") if isinstance(provider, Mapping) else None
    return kind if isinstance(kind, str) else DEFAULT_KIND


def _state_location(
    data: Mapping[str, Any], doc: YamlDocument, root: Path
) -> tuple[Path, S3State | None]:
    """``state:``: the local file (inside the project), or the S3 mapping (then the local
    work files stay in the default .vidspec/)."""
    entry = child(doc.locs, "state")
    value = data.get("state", str(Project.state_path))
    if isinstance(value, Mapping):
        backend = S3State(
            bucket=value["bucket"],
            key=value["key"],
            region=value.get("region"),
            endpoint_url=value.get("endpoint_url"),
            location=entry[0] if entry else doc.root,
        )
        return root / Project.state_path, backend
    state = str(value)
    state_path = root / state
    where = entry[0] if entry else doc.root
    # the journal beside the state has the longest name vidspec gives a file there
    refused = path_problem(state, root) or path_problem(f"{state}{JOURNAL_SUFFIX}", root)
    if refused is not None:
        raise ManifestError(
            [
                Problem(
                    where,
                    f"state {state!r} {refused} (vidspec writes {JOURNAL_SUFFIX} beside it)",
                    "keep the state at a short path inside the project, e.g. .vidspec/state.json",
                )
            ]
        )
    if not is_inside(state_path, root.resolve()):  # the schema refused / and ..: a symlink
        raise ManifestError(
            [
                Problem(
                    where,
                    f"state {state!r} leads outside the project directory through a symlink",
                    "keep the state inside the project, e.g. .vidspec/state.json",
                )
            ]
        )
    return state_path, None


def _provider(data: Mapping[str, Any], locs: LocTree, root: SourceLocation) -> ProviderConfig:
    """``provider:`` (validated by the schema) with its secrets as ``env/`` references."""
    provider_data: Mapping[str, Any] = data.get("provider") or {}
    provider_entry = child(locs, "provider")
    provider_locs = provider_entry[1] if provider_entry else None
    secrets: dict[str, SecretRef] = {}
    for name, value in provider_data.items():
        if isinstance(value, str) and value.startswith("env/"):  # the schema says which may
            entry = child(provider_locs, name)
            where = entry[0] if entry else root
            secrets[name] = SecretRef(value.removeprefix("env/"), where)
    provider = ProviderConfig(
        rate_limit=_rate_limit(provider_data, provider_locs, root),
        kind=provider_data.get("kind", DEFAULT_KIND),
        emulate=provider_data.get("emulate"),
        account=provider_data.get("account"),
        base_url=provider_data.get("base_url"),
        options=dict(provider_data.get("options") or {}),
        location=provider_entry[0] if provider_entry else root,
        catalog_max_age=(
            parse_duration(provider_data["catalog_max_age"])
            if "catalog_max_age" in provider_data
            else None
        ),
        settings=dict(provider_data),
        secrets=secrets,
        **{name: ref for name, ref in secrets.items() if name in SECRET_FIELDS},
    )
    return provider


def _safety(safety_data: Mapping[str, Any]) -> Safety:
    """``safety:`` (validated by the schema), every cap not given at its default."""
    defaults = Safety()

    def period(name: str, default: timedelta) -> timedelta:
        return parse_duration(safety_data[name]) if name in safety_data else default

    safety = Safety(
        max_deletes=safety_data.get("max_deletes", defaults.max_deletes),
        max_regenerations=safety_data.get("max_regenerations", defaults.max_regenerations),
        max_minutes=float(safety_data.get("max_minutes", defaults.max_minutes)),
        pending_grace=period("pending_grace", defaults.pending_grace),
        max_wait=period("max_wait", defaults.max_wait),
        request_deadline=period("request_deadline", defaults.request_deadline),
    )
    return safety


def _download(download_data: Mapping[str, Any]) -> DownloadLimits:
    """``download:`` (validated by the schema), every bound not given at its default."""
    defaults = DownloadLimits()
    stall = download_data.get("stall_time")
    return DownloadLimits(
        max_bytes=download_data.get("max_bytes", defaults.max_bytes),
        min_speed=download_data.get("min_speed", defaults.min_speed),
        stall_time=defaults.stall_time if stall is None else parse_duration(stall),
    )


def _rate_limit(
    provider: Mapping[str, Any], locs: LocTree | None, root: SourceLocation
) -> Rate | None:
    """``provider.rate_limit`` (the schema checked its spelling), or ``None``."""
    if "rate_limit" not in provider:
        return None
    entry = child(locs, "rate_limit")
    try:
        return parse_rate(provider["rate_limit"])
    except ValueError as exc:
        where = entry[0] if entry else root
        raise ManifestError(
            [Problem(where, f"provider.rate_limit: {exc}", "write e.g. rate_limit: 5/1m")]
        ) from exc


def vidspec_files(project: Project) -> dict[Path, str]:
    """vidspec's own files of ``project`` (what no download may write, see
    ``vidspec.project.protect``), path -> what."""
    state = project.state_path
    files = {
        project.file: f"the project file {project.file.name}",
        state: "the state file",
        state.with_name(state.name + ".backup"): "the state's backup",
        state.with_name(state.name + ".journal"): "the state's journal",
        project.usage_path: "vidspec's request count",
        project.observed_path: "what vidspec's last refresh saw, video links included",
        project.work_dir / "catalog.json": "vidspec's kept catalog",
        project.work_dir / "backend.json": "vidspec's note of the state backend",
        project.work_dir / "state.rescued.json": "a state vidspec rescued",
        project.lock_path: "vidspec's lock",
        project.work_dir / "lock.info": "vidspec's lock note",
        project.sandbox_dir: "the sandbox's data",
    }
    if os.path.abspath(project.work_dir) != os.path.abspath(project.root):
        files[project.work_dir] = "vidspec's directory (where the state is)"
    return files
