"""Load every manifest of a project into one ``Desired`` value, or report every problem.

Order of work: read each file (YAML with locations), validate it against the manifest schema of
the provider kind, read ``{file:}`` references, merge defaults (project, then file, then the
video; the video wins), validate each merged video against the complete schema, then check
what no schema can say: addresses unique across files, ``moved`` blocks, download paths.
Problems are collected, never raised one by one: ``ManifestError`` lists them all.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from vidspec.core.addresses import natural_key
from vidspec.core.errors import ManifestError, Problem
from vidspec.core.location import FieldLocations, LocationPool, SourceLocation
from vidspec.project.config import Project, vidspec_files
from vidspec.project.foreach import (
    FOR_EACH,
    data_files,
    expand,
    may_name_data_files,
    row_problems,
)
from vidspec.project.globs import manifest_paths
from vidspec.project.loctree import LocTree, child, flatten, locate, shape_paths
from vidspec.project.model import Desired, DesiredVideo, Lifecycle, MovedBlock, spec_hash
from vidspec.project.moves import Move, check_moves
from vidspec.project.problems import ErrorTranslator, dotted
from vidspec.project.protect import (
    DownloadTarget,
    check_downloads,
    protected_paths,
    read_refusal,
)
from vidspec.project.removed import RemovedBlock, check_removed, collect_removed
from vidspec.project.resolve import (
    download_path,
    file_kind,
    file_reference,
    get_path,
    lifecycle_of,
    location_or,
    merge,
    replace_path,
    split_body,
    strip_final_newline,
)
from vidspec.project.schema import manifest_validator, schema_family, text_paths
from vidspec.project.templates import stray_placeholders, without_templates
from vidspec.project.yamlload import YamlDocument, display_path, load_yaml, read_text

MANIFEST_KEYS = ("defaults", "videos", "moved", "removed")


def load_desired(project: Project, *, unmatched_globs: bool = False) -> Desired:
    """Everything the project's manifests ask for, resolved; ``ManifestError`` otherwise.

    ``unmatched_globs``: a ``manifests:`` glob may match no file (``import --all --write``,
    about to write the first manifest); otherwise that is a problem."""
    with _cyclic_gc_paused():
        return _Loading(project, unmatched_globs=unmatched_globs).run()


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Loading builds hundreds of thousands of small, acyclic containers; the cyclic collector
    would rescan them all again and again (a third of the time for 10,000 videos) and find
    nothing: reference counting frees them. So it rests while we load."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Loading:
    """One load: the problems found so far and what has been read."""

    def __init__(self, project: Project, *, unmatched_globs: bool = False) -> None:
        self.project = project
        self.unmatched_globs = unmatched_globs
        self.family = schema_family(project.provider.kind)
        self.root = project.root
        self.own = protected_paths(self.root, vidspec_files(project), (), ())  # never read
        self.problems: list[Problem] = []
        self.videos: dict[str, DesiredVideo] = {}
        self.locations = LocationPool()  # compact field locations, shapes shared
        self._lifecycles: dict[Lifecycle, Lifecycle] = {}  # equal lifecycles: one object
        self.first_seen: dict[str, SourceLocation] = {}
        self.moves: list[Move] = []
        self.removed: list[RemovedBlock] = []
        self.downloads: list[DownloadTarget] = []
        self.data_files: set[Path] = set()  # for_each: {file: …} rows
        self.sources: list[Path] = []  # every file read for videos: vidspec.yaml, manifests
        self.files: list[str] = []
        self.definitions: dict[str, tuple[str, ...]] = {}  # for_each name -> instances
        self.warnings: list[str] = []
        self.texts: dict[Path, str | None] = {}
        self.text_paths = text_paths(project.provider.kind)
        self.file_validator = manifest_validator(f"manifest_{self.family}")
        self.video_validator = manifest_validator(f"complete_{self.family}")
        self.own_validator = manifest_validator(f"video_{self.family}")

    def run(self) -> Desired:
        project_doc = None
        project_defaults: tuple[Any, LocTree] = (dict(self.project.defaults), None)
        if self.project.file.is_file():  # a Project built in code may have no file behind it
            project_doc = self._read(self.project.file)
        if project_doc is not None and isinstance(project_doc.value, dict):
            section = {k: v for k, v in project_doc.value.items() if k in MANIFEST_KEYS}
            project_defaults = self._load_source(project_doc, section, ({}, None))
            if "videos" in section:
                self.files.append(project_doc.display)
        paths, problems = manifest_paths(
            self.project, project_doc, unmatched_globs=self.unmatched_globs
        )
        self.problems += problems
        # A YAML file of for_each rows that the manifest globs also match is data, not a
        # manifest: only a file that may name one is read ahead (and kept); every other file
        # is read, loaded and let go in turn, so a load holds one file's YAML, not them all.
        early = {path: self._read_quietly(path) for path in paths if may_name_data_files(path)}
        data = data_files([project_doc, *(doc for doc, _ in early.values())])
        self.sources += paths  # what no download may overwrite, with the for_each rows
        self.data_files = data
        for path in paths:
            if path in data:
                continue
            doc, problems = early.pop(path) if path in early else self._read_quietly(path)
            self.problems += problems
            if doc is None:
                continue
            self.files.append(doc.display)
            if doc.empty or doc.value is None:
                self.problems.append(
                    Problem(
                        doc.root,
                        f"{doc.display} is empty",
                        "add `videos:` with at least one video, or delete the file",
                    )
                )
                continue
            self._load_source(doc, doc.value, project_defaults)
        self.problems += check_moves(self.moves, self.first_seen, self.definitions)
        self.problems += check_removed(self.removed, self.first_seen, self.definitions)
        protected = protected_paths(
            self.root, vidspec_files(self.project), self.sources, self.texts, self.data_files
        )
        self.problems += check_downloads(self.root, self.downloads, protected)
        if self.problems:
            raise ManifestError(self.problems)
        return Desired(
            provider_kind=self.project.provider.kind,
            videos=dict(sorted(self.videos.items(), key=lambda i: natural_key(i[0]))),
            moves=tuple(m.block for m in self.moves),
            removed=tuple(self.removed),
            files=tuple(self.files),
            definitions=self.definitions,
            warnings=tuple(self.warnings),
            protected=protected,
        )

    def _read(self, path: Path) -> YamlDocument | None:
        try:
            return load_yaml(path)
        except ManifestError as exc:
            self.problems.extend(exc.problems)
            return None

    @staticmethod
    def _read_quietly(path: Path) -> tuple[YamlDocument | None, list[Problem]]:
        try:
            return load_yaml(path), []
        except ManifestError as exc:
            return None, list(exc.problems)

    def _load_source(
        self, doc: YamlDocument, data: Any, project_defaults: tuple[Any, LocTree]
    ) -> tuple[Any, LocTree]:
        """Check one file's manifest part and load its videos; returns its resolved defaults."""
        self._check_file(doc, data)
        if not isinstance(data, dict):
            return {}, None
        defaults: tuple[Any, LocTree] = ({}, None)
        entry = child(doc.locs, "defaults")
        if isinstance(data.get("defaults"), dict) and entry is not None:
            defaults = self._read_texts(doc, data["defaults"], entry[1], entry[0])
        merged_defaults = merge(*project_defaults, *defaults)
        videos = data.get("videos")
        videos_entry = child(doc.locs, "videos")
        if isinstance(videos, dict) and videos_entry is not None:
            for address, video in videos.items():
                where, locs = videos_entry[1][address]  # type: ignore[index]
                if isinstance(video, dict) and FOR_EACH in video:
                    self._load_each(doc, address, video, where, locs, merged_defaults)
                elif isinstance(video, dict):
                    if doc.placeholders:  # no "${" in the file: none to look for
                        self.problems += stray_placeholders(video, locs, where, address)
                    self._load_video(doc, address, video, where, locs, merged_defaults)
        self._collect_moves(doc, data.get("moved"))
        self.removed += collect_removed(doc.root, doc.locs, data.get("removed"))
        return merged_defaults

    def _check_file(self, doc: YamlDocument, data: Any) -> None:
        """The manifest schema on the whole file: every field's own form, once."""
        errors = without_templates(self.file_validator.iter_errors(data), data)
        if errors:
            translator = ErrorTranslator(doc.root, doc.locs, label=_file_label)
            self.problems.extend(translator.problems(errors))

    def _load_video(
        self,
        doc: YamlDocument,
        address: str,
        video: dict[str, Any],
        where: SourceLocation,
        locs: LocTree,
        defaults: tuple[Any, LocTree],
        definition: str | None = None,
    ) -> None:
        """Load one video; an instance of a for_each names its ``definition`` in a message
        that every instance would repeat (a field missing from the template)."""
        self._check_unique(address, where)
        own, own_locs = self._read_texts(doc, video, locs, where)
        merged, merged_locs = merge(*defaults, own, own_locs)
        errors = list(self.video_validator.iter_errors(merged))
        if errors:
            named = definition or address
            translator = ErrorTranslator(
                where,
                merged_locs,
                label=lambda path: dotted(path) or f"video '{named}'",
                subject=f" in video '{named}'",
                required_hint="add it to the video or to defaults",
            )
            self.problems.extend(translator.problems(errors))
        download = None
        if isinstance(merged.get("download"), str):
            download = download_path(merged["download"])
            download_at = location_or(merged_locs, "download", where)
            if download is None:
                self.problems.append(
                    Problem(
                        download_at,
                        f"download path {merged['download']!r} leaves the project directory",
                        "write a path inside the project, e.g. out/video.mp4",
                    )
                )
            else:
                self.downloads.append(DownloadTarget(address, download, download_at))
        if self.problems:  # nothing will be returned; and a bad field must not be read further
            return
        body, _ = split_body(merged, merged_locs)
        self.videos[address] = DesiredVideo(
            address=address,
            spec=body,
            spec_hash=spec_hash(body),
            location=where,
            lifecycle=self._shared(lifecycle_of(merged.get("lifecycle"))),
            download=download,
            # body fields, and vidspec's own (lifecycle.prevent_destroy, download) for errors
            field_locations=self._field_locations(merged_locs),
        )

    def _field_locations(self, locs: LocTree) -> FieldLocations:
        shape, found = flatten(locs)
        return self.locations.build(shape, lambda: shape_paths(shape), found)

    def _shared(self, lifecycle: Lifecycle) -> Lifecycle:
        return self._lifecycles.setdefault(lifecycle, lifecycle)

    def _load_each(
        self,
        doc: YamlDocument,
        name: str,
        video: dict[str, Any],
        where: SourceLocation,
        locs: LocTree,
        defaults: tuple[Any, LocTree],
    ) -> None:
        """A for_each definition: each instance loaded as a video (``vidspec.project.foreach``)."""
        self._check_unique(name, where)
        found = expand(name, video, where, locs, manifest=doc.path, root=self.root, own=self.own)
        self.problems += found.problems
        self.warnings += found.warnings
        self.definitions[name] = tuple(i.address for i in found.instances)
        own_schema = ErrorTranslator(where, found.template_locs)
        for instance in found.instances:
            before = len(self.problems)
            # each field's own form, now that the row filled it (the file check left it out)
            self.problems += own_schema.problems(self.own_validator.iter_errors(instance.video))
            self._load_video(
                doc, instance.address, instance.video, where, found.template_locs, defaults, name
            )
            self.problems[before:] = row_problems(self.problems[before:], instance)

    def _check_unique(self, address: str, where: SourceLocation) -> None:
        first = self.first_seen.setdefault(address, where)
        if first is where:
            return
        hint = "addresses are unique across all files: rename one of them"
        self.problems.append(
            Problem(where, f"address '{address}' is already defined at {first}", hint)
        )
        self.problems.append(
            Problem(first, f"address '{address}' is defined again at {where}", hint)
        )

    def _read_texts(
        self, doc: YamlDocument, value: dict[str, Any], locs: LocTree, where: SourceLocation
    ) -> tuple[dict[str, Any], LocTree]:
        """Replace each ``{file: path}`` at a text field by the file's text."""
        for path in self.text_paths:
            reference = file_reference(get_path(value, path))
            if reference is None:
                continue
            field_location = locate(where, locs, path)
            text = self._read_text_file(doc, reference, field_location, dotted(path))
            if text is not None:
                value, locs = replace_path(value, locs, path, text)
        return value, locs

    def _read_text_file(
        self, doc: YamlDocument, reference: str, where: SourceLocation, field: str
    ) -> str | None:
        target = Path(os.path.normpath(doc.path.parent / reference))
        refused = read_refusal(self.root, reference, target, self.own)
        if refused is not None:
            why, hint = refused
            self.problems.append(Problem(where, f"{field}: {{file: {reference}}} {why}", hint))
            return None
        if target in self.texts:
            return self.texts[target]
        shown = display_path(target)
        text: str | None = None
        kind = file_kind(target)
        if kind == "missing":
            self.problems.append(
                Problem(
                    where,
                    f"{field}: file {shown} does not exist",
                    f"the path is relative to {doc.display}",
                )
            )
        elif kind != "file":  # never opened: reading a FIFO or a device could block forever
            self.problems.append(
                Problem(where, f"{field}: {shown} is {kind}, not a file", "point at a text file")
            )
        else:
            try:
                text = strip_final_newline(read_text(target, shown, where))
            except ManifestError as exc:
                self.problems.extend(exc.problems)
        self.texts[target] = text
        return text

    def _collect_moves(self, doc: YamlDocument, moved: Any) -> None:
        if not isinstance(moved, list):
            return
        for index, item in enumerate(moved):
            if not isinstance(item, Mapping):
                continue
            source, target = item.get("from"), item.get("to")
            if not isinstance(source, str) or not isinstance(target, str):
                continue
            where = locate(doc.root, doc.locs, ("moved", index))
            self.moves.append(
                Move(
                    MovedBlock(source, target, where),
                    locate(doc.root, doc.locs, ("moved", index, "from")),
                    locate(doc.root, doc.locs, ("moved", index, "to")),
                )
            )


def _file_label(path: tuple[str | int, ...]) -> str:
    """How a file-level error names a path: a field of defaults or of a video as the field
    (the location says which), so the same problem found again after merging reads the same."""
    if path[:1] == ("defaults",):
        return dotted(path[1:]) or "defaults"
    if path[:1] == ("videos",) and len(path) > 1:
        return dotted(path[2:]) or f"video '{path[1]}'"
    return dotted(path) or "the file"
