"""Synthesia's catalog as a value: the account's templates (``GET /v2/templates``).

The API lists templates but no avatars and no voices [doc SW: no such path], so
``SynthesiaCatalog.problems(spec)`` checks a template video against the template's declared
variables (an unknown template, an unknown variable, a variable with no default left out), and
a video of scenes for what can be checked without a list: 1 to 25 scenes, each with an avatar
and a background, a voice that is a UUID, a stock background spelled right (a background may
also be an asset id or a URL). Avatar and voice ids are checked for their form only, and the
catalog says so (``to_json``: ``checks``). No endpoint reports credits left: the quota is
unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from vidspec.core.errors import ProviderError
from vidspec.core.suggest import did_you_mean
from vidspec.providers.base import CatalogProblem, Quota
from vidspec.providers.synthesia.api import API
from vidspec.providers.synthesia.wire import Template, is_uuid, read_template

FORM_ONLY = (
    "Synthesia's API lists no avatars or voices: avatar and voice ids are checked for their "
    "form only; the service itself refuses an unknown one when the video is created."
)
_AVATAR = re.compile(r"[A-Za-z0-9_\-]+")


def _manifest_path(path: str) -> str:
    """The manifest's spelling of a fromTemplate body path (``templateData.x``:
    ``template.variables.x``)."""
    if path == "templateId":
        return "template.id"
    return "template.variables" + path.removeprefix("templateData")


@dataclass(frozen=True)
class SynthesiaCatalog:
    """What a Synthesia account offers. Implements ``vidspec.providers.base.Catalog``."""

    templates: tuple[Template, ...]
    quota: Quota = field(default_factory=lambda: Quota("minutes", None, None))
    # the templates as read, kept in ``.vidspec/catalog.json`` (``from_source``)
    source: Any = field(default=None, compare=False, repr=False)

    @classmethod
    def from_items(cls, items: list[Any]) -> SynthesiaCatalog:
        """The catalog from the templates' listing items (``ProviderError`` if one is bad)."""
        path = API.templates_path
        return cls(tuple(read_template(i, path=path) for i in items), source=list(items))

    @classmethod
    def from_source(cls, source: Any) -> SynthesiaCatalog:
        if not isinstance(source, list):
            raise ProviderError("a kept Synthesia catalog holds no list of templates")
        return cls.from_items(source)

    def template(self, template_id: str) -> Template | None:
        return next((t for t in self.templates if t.id == template_id), None)

    # -- checking ---------------------------------------------------------------------------

    def problems(self, spec: Mapping[str, Any]) -> list[CatalogProblem]:
        """Every reason the service would refuse this body that the catalog can tell."""
        template = spec.get("template")
        if isinstance(template, Mapping):  # a manifest's template: {id, variables}
            body = {"templateId": template.get("id"), "templateData": template.get("variables")}
            return [
                CatalogProblem(_manifest_path(p.path), p.message, p.hint)
                for p in self._template_problems(body)
            ]
        if "templateId" in spec:
            return list(self._template_problems(spec))
        return list(_scene_problems(spec.get("input")))

    def _template_problems(self, spec: Mapping[str, Any]) -> Iterator[CatalogProblem]:
        template_id = spec.get("templateId")
        found = self.template(template_id) if isinstance(template_id, str) else None
        if found is None:
            names = {t.id: t for t in self.templates}
            yield CatalogProblem(
                "templateId",
                f"unknown template {template_id!r}",
                did_you_mean(str(template_id), names)
                + "templates of this account: "
                + (", ".join(f"{t.title} ({t.id})" for t in self.templates) or "none"),
            )
            return
        data = spec.get("templateData")
        data = data if isinstance(data, Mapping) else {}
        declared = [v.name for v in found.variables]
        for name in data:
            if found.variable(name) is None:
                yield CatalogProblem(
                    f"templateData.{name}",
                    f"template {found.title!r} has no variable {name!r}",
                    did_you_mean(name, declared) + f"its variables: {', '.join(declared)}",
                )
        for variable in found.variables:
            if variable.name not in data and variable.default in (None, ""):
                yield CatalogProblem(
                    f"templateData.{variable.name}",
                    f"template {found.title!r} needs the variable {variable.name!r}",
                    "it has no default value; give one in templateData",
                )

    # -- output -----------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The provider-neutral catalog document of ``vidspec catalog --json``, with the
        templates and what is checked of avatars and voices."""
        return {
            "actors": [],
            "voices": [],
            "backgrounds": list(API.stock_backgrounds),
            "templates": [t.to_json() for t in self.templates],
            "checks": FORM_ONLY,
            "quota": {"unit": self.quota.unit, "limit": self.quota.limit, "left": self.quota.left},
        }


def _scene_problems(scenes: Any) -> Iterator[CatalogProblem]:
    if not isinstance(scenes, list):
        return
    if not 1 <= len(scenes) <= API.max_scenes:
        yield CatalogProblem(
            "input", f"a video has 1 to {API.max_scenes} scenes, not {len(scenes)}"
        )
    for index, scene in enumerate(scenes):
        if isinstance(scene, Mapping):
            yield from _one_scene(f"input.{index}", scene)


def _one_scene(at: str, scene: Mapping[str, Any]) -> Iterator[CatalogProblem]:
    avatar = scene.get("avatar")
    if isinstance(avatar, str) and _AVATAR.fullmatch(avatar) is None:
        yield CatalogProblem(
            f"{at}.avatar",
            f"{avatar!r} is not the form of an avatar id",
            "a stock avatar id looks like anna_costume1_cameraA; " + FORM_ONLY,
        )
    settings = scene.get("avatarSettings")
    voice = settings.get("voice") if isinstance(settings, Mapping) else None
    if voice is not None and not is_uuid(voice):
        yield CatalogProblem(
            f"{at}.avatarSettings.voice",
            f"{voice!r} is not the form of a voice id (a UUID)",
            FORM_ONLY,
        )
    background = scene.get("background")
    if (
        isinstance(background, str)
        and background not in API.stock_backgrounds
        and not is_uuid(background)
        and not background.startswith(("http://", "https://"))
    ):
        yield CatalogProblem(
            f"{at}.background",
            f"unknown background {background!r}",
            did_you_mean(background, API.stock_backgrounds)
            + "a background is a stock name, an asset id or an http(s) URL",
        )
