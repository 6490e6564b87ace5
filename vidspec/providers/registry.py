"""The provider registry: every kind installed through the ``vidspec.providers`` entry points.

vidspec's own providers are registered the same way, in its own ``pyproject.toml`` (like
pytest's built-in plugins): there is no second path. Reading what is installed reads the
distributions' metadata only; a plugin's module is imported when its kind is used (``load``),
so ``--help``, ``--version`` and ``validate`` import none they do not need. A plugin that fails
to import, or that was written for another major ``API_VERSION``, breaks only its own kind,
with a message naming its distribution and entry point.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata

from vidspec.core.errors import ProjectError
from vidspec.core.suggest import did_you_mean
from vidspec.providers.plugin import API_VERSION, ProviderPlugin

__all__ = ["GROUP", "Installed", "installed", "load", "load_all"]

GROUP = "vidspec.providers"


@dataclass(frozen=True)
class Installed:
    """One entry point of the group: the kind, what it names, and the distribution it is in."""

    kind: str
    value: str
    distribution: str
    version: str

    @property
    def origin(self) -> str:
        """``distribution VERSION (entry point KIND = module:attr)``, for messages."""
        return f"{self.distribution} {self.version} (entry point {self.kind} = {self.value})"


@functools.cache
def installed() -> Mapping[str, Installed]:
    """Every kind installed, by name (sorted). When two distributions register one kind, the
    first found stands (as ``importlib.metadata`` orders ``sys.path``)."""
    found: dict[str, Installed] = {}
    for point in metadata.entry_points(group=GROUP):
        dist = point.dist
        name = dist.metadata["Name"] if dist is not None else "?"
        version = dist.version if dist is not None else "?"
        found.setdefault(point.name, Installed(point.name, point.value, name, version))
    return dict(sorted(found.items()))


@functools.cache
def _loaded(kind: str) -> ProviderPlugin:
    entry = installed()[kind]
    try:
        plugin = metadata.EntryPoint(entry.kind, entry.value, GROUP).load()
    except Exception as exc:  # any import-time failure is the plugin's, not vidspec's
        raise ProjectError(
            f"the provider plugin for kind {kind!r} failed to load: {type(exc).__name__}: "
            f"{exc} [{entry.origin}]",
            f"Reinstall or upgrade {entry.distribution} (pip install --upgrade "
            f"{entry.distribution}), or report it to its authors; other kinds still work.",
        ) from exc
    _check(plugin, entry)
    return plugin  # type: ignore[no-any-return]


def _check(plugin: object, entry: Installed) -> None:
    if not isinstance(plugin, ProviderPlugin):
        raise ProjectError(
            f"the entry point for kind {entry.kind!r} does not name a vidspec.plugin."
            f"ProviderPlugin but a {type(plugin).__name__} [{entry.origin}]",
            f"Report it to the authors of {entry.distribution}.",
        )
    theirs, ours = plugin.api_version.split(".")[0], API_VERSION.split(".")[0]
    if theirs != ours:
        raise ProjectError(
            f"{entry.distribution} {entry.version} is a provider plugin for vidspec plugin "
            f"API {plugin.api_version}; this vidspec speaks plugin API {API_VERSION} "
            f"[{entry.origin}]",
            f"Install a version of {entry.distribution} made for plugin API {API_VERSION}, "
            f"or a vidspec that speaks {plugin.api_version}.",
        )
    if plugin.kind != entry.kind:
        raise ProjectError(
            f"the entry point {entry.kind!r} names a plugin of kind {plugin.kind!r} "
            f"[{entry.origin}]",
            f"Report it to the authors of {entry.distribution}.",
        )


def load(kind: str, *, where: str = "") -> ProviderPlugin:
    """The plugin of ``kind``, imported on first use. ``ProjectError`` (``where`` leading the
    message) for a kind not installed, a plugin that fails to import or of another API."""
    if kind not in installed():
        raise unknown_kind(kind, where)
    return _loaded(kind)


def unknown_kind(kind: str, where: str = "") -> ProjectError:
    """The error of a ``provider.kind`` no installed package provides."""
    if not installed():
        return ProjectError(
            f"{where}unknown provider kind {kind!r}: no provider kind is installed, not even "
            f"vidspec's own (its package metadata lacks the {GROUP} entry points)",
            "Reinstall vidspec (pip install --force-reinstall vidspec; in a checkout: "
            "pip install -e . again, which writes the entry points).",
        )
    kinds = ", ".join(installed())
    return ProjectError(
        f"{where}unknown provider kind {kind!r} (installed: {kinds})",
        f"{did_you_mean(kind, installed())}A provider package is installed with pip: "
        f"pip install vidspec-{kind} (the name third-party providers go by).",
    )


def load_all() -> dict[str, ProviderPlugin | ProjectError]:
    """Every installed kind, loaded, or the error that keeps it from loading."""
    result: dict[str, ProviderPlugin | ProjectError] = {}
    for kind in installed():
        try:
            result[kind] = _loaded(kind)
        except ProjectError as exc:
            result[kind] = exc
    return result


def forget() -> None:
    """Read the installed kinds again (tests that install a distribution on ``sys.path``)."""
    installed.cache_clear()
    _loaded.cache_clear()
