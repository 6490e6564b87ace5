"""vidspec.yaml: finding it, reading it, and secrets that only ever come from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from vidspec.core.errors import ManifestError, MissingVariable, ProjectError
from vidspec.project.config import (
    ProviderConfig,
    Safety,
    SecretRef,
    find_project_file,
    load_project,
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def write_project(text: str, where: str = ".") -> Path:
    directory = Path(where)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "vidspec.yaml").write_text(text, encoding="utf-8")
    return directory


def problems(directory: Path) -> list[str]:
    with pytest.raises(ManifestError) as caught:
        load_project(directory)
    return [str(p) for p in caught.value.problems]


def test_minimal_project_is_a_sandbox_with_the_documented_defaults(tmp_path: Path) -> None:
    project = load_project(write_project("version: 1\n"))
    assert project.provider == ProviderConfig(kind="sandbox", location=project.provider.location)
    assert project.root == tmp_path
    assert project.file == tmp_path / "vidspec.yaml"
    assert project.manifests == ("videos/**/*.yaml",)
    assert project.state_path == tmp_path / ".vidspec/state.json"
    assert project.usage_path == tmp_path / ".vidspec/usage.json"
    assert project.safety == Safety()
    assert project.defaults == {}


def test_every_setting_is_read(tmp_path: Path) -> None:
    write_project(
        "version: 1\n"
        "provider:\n"
        "  kind: cdnvideo\n"
        "  account: acme\n"
        "  token: env/CDN_TOKEN\n"
        "  base_url: http://127.0.0.1:8080/app/th-api/v1\n"
        "  options: {page_size: 500}\n"
        'manifests: ["a/*.yaml", "b/**/*.yml"]\n'
        "state: state/vidspec.json\n"
        "defaults: {voice: Sara}\n"
        "safety: {max_deletes: 2, max_regenerations: 3, max_minutes: 4.5}\n",
        "proj",
    )
    project = load_project(Path("proj"))
    assert project.provider.kind == "cdnvideo"
    assert project.provider.account == "acme"
    assert project.provider.base_url == "http://127.0.0.1:8080/app/th-api/v1"
    assert project.provider.options == {"page_size": 500}
    assert project.provider.token is not None
    assert project.provider.token.name == "CDN_TOKEN"
    assert str(project.provider.token.location) == "proj/vidspec.yaml:5:3"
    assert project.manifests == ("a/*.yaml", "b/**/*.yml")
    assert project.state_path == tmp_path / "proj/state/vidspec.json"
    assert project.defaults == {"voice": "Sara"}
    assert project.safety == Safety(max_deletes=2, max_regenerations=3, max_minutes=4.5)


def test_no_project_file_says_how_to_get_one() -> None:
    Path("empty").mkdir()
    with pytest.raises(ProjectError) as caught:
        find_project_file(Path("empty"))
    assert str(caught.value) == (
        "no vidspec.yaml in empty or above it (run `vidspec init` or pass -C DIR)"
    )


def test_a_literal_secret_is_refused_and_never_echoed() -> None:
    write_project(
        "version: 1\nprovider:\n  kind: cdnvideo\n  account: acme\n  token: cdn2_s3cr3t_value\n"
    )
    found = problems(Path("."))
    assert found == [
        "vidspec.yaml:5:3: provider.token must name an environment variable (env/NAME), never "
        "hold the secret itself (write token: env/CDN_TOKEN and export CDN_TOKEN in the "
        "environment)"
    ]
    assert "s3cr3t" not in "".join(found)


@pytest.mark.parametrize(
    ("login", "line", "field", "example"),
    [
        ("username: admin\n  password: env/P", 5, "username", "CDN_USERNAME"),
        ("username: env/U\n  password: 12345", 6, "password", "CDN_PASSWORD"),
    ],
)
def test_literal_login_secrets_are_refused(login: str, line: int, field: str, example: str) -> None:
    write_project(f"version: 1\nprovider:\n  kind: cdnvideo\n  account: acme\n  {login}\n")
    assert problems(Path(".")) == [
        f"vidspec.yaml:{line}:3: provider.{field} must name an environment variable (env/NAME), "
        f"never hold the secret itself (write {field}: env/{example} and export {example} in "
        "the environment)"
    ]


def test_vidnoz_api_key_literal_is_refused() -> None:
    write_project("version: 1\nprovider: {kind: vidnoz, api_key: sk-live-123}\n")
    assert problems(Path(".")) == [
        "vidspec.yaml:2:26: provider.api_key must name an environment variable (env/NAME), never "
        "hold the secret itself (write api_key: env/VIDNOZ_API_KEY and export VIDNOZ_API_KEY in "
        "the environment)"
    ]


def test_a_missing_variable_is_reported_only_when_resolved() -> None:
    write_project(
        "version: 1\nprovider:\n  kind: cdnvideo\n  account: acme\n  token: env/VIDSPEC_T\n"
    )
    project = load_project(Path("."))  # loading never reads the environment
    token = project.provider.token
    assert isinstance(token, SecretRef)
    assert repr(token) == "SecretRef(env/VIDSPEC_T)"
    with pytest.raises(MissingVariable) as caught:
        token.resolve({})
    assert str(caught.value) == (
        "vidspec.yaml:5:3: environment variable VIDSPEC_T is not set\n"
        "  export VIDSPEC_T=... before running this command (it is referenced as env/VIDSPEC_T)."
    )
    assert token.resolve({"VIDSPEC_T": "abc"}) == "abc"


def test_cdnvideo_needs_an_account_and_one_way_to_log_in() -> None:
    write_project("version: 1\nprovider: {kind: cdnvideo}\n")
    assert problems(Path(".")) == [
        "vidspec.yaml:2:1: missing field 'provider.account' (add it to vidspec.yaml)",
        "vidspec.yaml:2:1: provider needs token: env/NAME, or username: env/NAME and password: "
        "env/NAME (not both) (e.g. token: env/CDN_TOKEN)",
    ]


def test_secrets_of_another_kind_are_refused() -> None:
    write_project("version: 1\nprovider: {kind: sandbox, api_key: env/K}\n")
    assert problems(Path(".")) == [
        "vidspec.yaml:2:27: provider.api_key is not used by this provider kind "
        "(remove it, or change provider.kind)"
    ]


def test_unknown_fields_wrong_types_and_versions_are_all_reported() -> None:
    write_project(
        "version: 2\n"
        "provder: {kind: sandbox}\n"
        "manifests: videos/*.yaml\n"
        "safety: {max_deletes: -1}\n"
    )
    assert problems(Path(".")) == [
        "vidspec.yaml:1:1: version must be 1, not 2 (write version: 1)",
        "vidspec.yaml:2:1: unknown field 'provder' (did you mean 'provider'?)",
        "vidspec.yaml:3:1: manifests must be a list, not text (write a list)",
        "vidspec.yaml:4:10: safety.max_deletes is -1, out of range (use a whole number at least 0)",
    ]


def test_unknown_provider_kind_suggests_the_closest() -> None:
    write_project("version: 1\nprovider: {kind: cdnvdeo}\n")
    assert problems(Path(".")) == [
        "vidspec.yaml:2:12: provider.kind is 'cdnvdeo', not one of 'cdnvideo', 'heygen', "
        "'sandbox', 'synthesia', 'vidnoz' (did you mean 'cdnvideo'? or install the provider "
        "package: pip install vidspec-cdnvdeo)"
    ]


def test_empty_project_file() -> None:
    write_project("")
    assert problems(Path(".")) == [
        "vidspec.yaml:1:1: vidspec.yaml is empty (write at least `version: 1`)"
    ]


def test_manifest_globs_may_not_leave_the_project() -> None:
    write_project('version: 1\nmanifests: ["../other/*.yaml"]\n')
    assert problems(Path(".")) == [
        "vidspec.yaml:2:13: manifests[0] is '../other/*.yaml', not a glob relative to the project "
        "directory (write a pattern like videos/**/*.yaml, without a leading / or ..)"
    ]
