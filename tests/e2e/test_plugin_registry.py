"""Providers as plugins (issue 22): every kind, vidspec's own too, comes through the
``vidspec.providers`` entry points; a broken plugin or one of another API version breaks only
its own kind, and says which package it is. The plugins here are tiny real distributions (a
``*.dist-info`` with ``entry_points.txt`` on ``sys.path``), found by ``importlib.metadata``."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from plugin_dists import PluginDir

import vidspec
from vidspec.app.providers import kind_capabilities, open_provider
from vidspec.core.errors import ProjectError
from vidspec.emulator.common.settings import PROVIDERS
from vidspec.plugin import API_VERSION, ProviderPlugin
from vidspec.project.config import Project, ProviderConfig
from vidspec.providers import registry

ROOT = Path(vidspec.__file__).parent
PYPROJECT = ROOT.parent / "pyproject.toml"


def _builtin_entry_points() -> dict[str, str]:
    import tomllib

    data = tomllib.loads(PYPROJECT.read_text("utf-8"))
    points: dict[str, str] = data["project"]["entry-points"]["vidspec.providers"]
    return points


GOOD = """
    from vidspec.plugin import API_VERSION, ProviderPlugin
    from vidspec.providers.cdnvideo.api import CAPABILITIES

    def _open(settings, context):
        raise AssertionError("not opened in these tests")

    PLUGIN = ProviderPlugin(
        kind="{kind}", display_name="Test", version="1.2.3", capabilities=CAPABILITIES,
        open=_open, api_version="{api}",
    )
"""


def test_vidspecs_own_kinds_are_registered_by_entry_point_like_any_other() -> None:
    installed = registry.installed()
    for kind, value in _builtin_entry_points().items():
        assert installed[kind].value == value
        assert installed[kind].distribution == "vidspec"
        plugin = registry.load(kind)
        assert isinstance(plugin, ProviderPlugin)
        assert plugin.kind == kind == plugin.capabilities.kind
    assert set(_builtin_entry_points()) == {"sandbox", "cdnvideo", "vidnoz", "heygen", "synthesia"}


def test_no_kind_is_named_in_app_or_cli() -> None:
    """``app/`` and ``cli/`` open every kind through the registry: no string in their code is
    a kind's name (docstrings and help texts may mention one)."""
    kinds = set(_builtin_entry_points()) | set(PROVIDERS)
    found = []
    for folder in ("app", "cli"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text("utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and node.value in kinds:
                    found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}: {node.value!r}")
    assert found == []


def test_the_kind_literal_finder_finds_one(tmp_path: Path) -> None:
    tree = ast.parse('if kind == "vidnoz":\n    pass\n')
    assert [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)] == ["vidnoz"]


def test_a_third_party_kind_is_found_by_entry_point_alone(plugins: PluginDir) -> None:
    plugins.install(
        "vidspec-acme", "acme", "vidspec_test_acme", GOOD.format(kind="acme", api=API_VERSION)
    )
    assert registry.installed()["acme"].origin == (
        "vidspec-acme 1.2.3 (entry point acme = vidspec_test_acme:PLUGIN)"
    )
    assert "vidspec_test_acme" not in sys.modules  # listed, not imported
    assert kind_capabilities("acme").can_rename is True
    assert "vidspec_test_acme" in sys.modules


def test_an_unknown_kind_lists_the_installed_ones_and_how_to_install_one(tmp_path: Path) -> None:
    config = ProviderConfig(kind="vidnoe")
    project = Project(root=tmp_path, file=tmp_path / "vidspec.yaml", provider=config)
    with pytest.raises(ProjectError) as caught:
        open_provider(project, environ={})
    text = str(caught.value)
    assert (
        "unknown provider kind 'vidnoe' (installed: cdnvideo, heygen, sandbox, synthesia, vidnoz)"
        in text
    )
    assert "did you mean 'vidnoz'?" in text
    assert "pip install vidspec-vidnoe" in text


def test_a_plugin_that_fails_to_import_breaks_only_its_kind(plugins: PluginDir) -> None:
    plugins.install("vidspec-broken", "broken", "vidspec_test_broken", "import no_such_module\n")
    with pytest.raises(ProjectError) as caught:
        registry.load("broken")
    text = str(caught.value)
    assert "the provider plugin for kind 'broken' failed to load" in text
    assert "ModuleNotFoundError: No module named 'no_such_module'" in text
    assert "vidspec-broken 1.2.3 (entry point broken = vidspec_test_broken:PLUGIN)" in text
    assert "pip install --upgrade vidspec-broken" in text
    loaded = registry.load_all()
    assert isinstance(loaded["broken"], ProjectError)
    assert all(isinstance(loaded[k], ProviderPlugin) for k in ("sandbox", "cdnvideo", "vidnoz"))


def test_a_plugin_of_another_major_api_version_is_refused(plugins: PluginDir) -> None:
    plugins.install(
        "vidspec-future", "future", "vidspec_test_future", GOOD.format(kind="future", api="2.0")
    )
    with pytest.raises(ProjectError) as caught:
        registry.load("future")
    text = str(caught.value)
    assert (
        f"vidspec-future 1.2.3 is a provider plugin for vidspec plugin API 2.0; this vidspec "
        f"speaks plugin API {API_VERSION}"
    ) in text
    assert "entry point future = vidspec_test_future:PLUGIN" in text


def test_a_plugin_of_a_later_minor_api_version_loads(plugins: PluginDir) -> None:
    major = API_VERSION.split(".")[0]
    plugins.install(
        "vidspec-minor", "minor", "vidspec_test_minor", GOOD.format(kind="minor", api=f"{major}.9")
    )
    assert registry.load("minor").api_version == f"{major}.9"


def test_an_entry_point_naming_something_else_is_refused(plugins: PluginDir) -> None:
    plugins.install("vidspec-odd", "odd", "vidspec_test_odd", "PLUGIN = object()\n")
    with pytest.raises(ProjectError, match=r"does not name a vidspec.plugin.ProviderPlugin"):
        registry.load("odd")


def test_help_version_and_validate_import_no_provider_they_do_not_use(tmp_path: Path) -> None:
    """Entry-point metadata is read when a kind is needed; a plugin's module only when its
    kind is used: a sandbox project's validate imports neither Vidnoz nor a server."""
    (tmp_path / "vidspec.yaml").write_text("version: 1\nvideos: {}\n")
    script = textwrap.dedent(
        """
        import sys
        from vidspec.cli import main
        try:
            main(sys.argv[1:])
        except SystemExit:
            pass
        print("MODULES", *sorted(m for m in sys.modules if m.startswith("vidspec.")))
        """
    )
    for args, absent in (
        (["--help"], ("vidspec.providers.registry", "vidspec.sandbox", "vidspec.providers.")),
        (["--version"], ("vidspec.providers.registry", "vidspec.sandbox", "vidspec.providers.")),
        (["-C", str(tmp_path), "validate"], ("vidspec.providers.vidnoz", "vidspec.emulator")),
    ):
        done = subprocess.run(
            [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True
        )
        modules = done.stdout.rsplit("MODULES", 1)[1].split()
        assert [m for m in modules if m.startswith(absent)] == [], args
