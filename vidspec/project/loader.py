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
    unused_columns,
)
from vidspec.project.globs import manifest_paths
from vidspec.project.loctree import LocTree, child, flatten, locate, shape_paths
from vidspec.project.model import (
    Desired,
    DesiredVideo,
    Lifecycle,
    MovedBlock,
    spec_hash,
)
from vidspec.project.moves import Move, check_moves
from vidspec.project.protect import (
    DownloadTarget,
    check_downloads,
    download_refused,
    protected_paths,
)
from vidspec.project.removed import RemovedBlock, check_removed, collect_removed
from vidspec.project.resolve import (
    download_path,
    lifecycle_of,
    location_or,
    merge,
    split_body,
)
from vidspec.project.schema import manifest_validator, schema_family, text_paths
from vidspec.project.schema_errors import ErrorTranslator, dotted
from vidspec.project.templates import (
    stray_placeholders,
    unfilled_placeholders,
    without_templates,
)
from vidspec.project.texts import EachFill, Filled, TextFiles, row_origin
from vidspec.project.yamlload import YamlDocument, load_yaml

MANIFEST_KEYS = ("defaults", "videos", "moved", "removed")
DEFAULTS_OWNER = "defaults, which are merged after for_each fills a video"


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
        self.family = schema_family(project.provider.speaks)
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
        self.unexpanded: set[str] = set()  # definitions whose instances are not all known
        self.unread = False  # a manifest could not be read: its addresses are unknown
        self.warnings: list[str] = []
        self.text_files = TextFiles(
            self.root, self.own, text_paths(project.provider.speaks), self.problems
        )
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
            if path not in data:
                self._load_manifest(path, early, project_defaults)
        self._check_addresses()
        protected = protected_paths(
            self.root,
            vidspec_files(self.project),
            self.sources,
            self.text_files.texts,
            self.data_files,
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

    def _load_manifest(
        self,
        path: Path,
        early: dict[Path, tuple[YamlDocument | None, list[Problem]]],
        project_defaults: tuple[Any, LocTree],
    ) -> None:
        """Read, load and let go of one manifest (``early``: the files read ahead)."""
        doc, problems = early.pop(path) if path in early else self._read_quietly(path)
        self.problems += problems
        if doc is None:
            self.unread = True
            return
        self.files.append(doc.display)
        if doc.empty or doc.value is None:
            self.problems.append(
                Problem(
                    doc.root,
                    f"{doc.display} is empty",
                    "add `videos:` with at least one video, or delete the file",
                )
            )
            return
        self._load_source(doc, doc.value, project_defaults)

    def _check_addresses(self) -> None:
        """The ``moved`` and ``removed`` blocks, once every video is known. What could not be
        read or expanded may hold the address a move names: it is not "unknown"."""
        unsure = None if self.unread else self.unexpanded
        self.problems += check_moves(self.moves, self.first_seen, self.definitions, unsure)
        self.problems += check_removed(self.removed, self.first_seen, self.definitions)

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
            value, locs, _ = self.text_files.read(
                doc, data["defaults"], entry[1], entry[0], owner=DEFAULTS_OWNER
            )
            defaults = (value, locs)
        merged_defaults = merge(*project_defaults, *defaults)
        videos = data.get("videos")
        videos_entry = child(doc.locs, "videos")
        if isinstance(videos, dict) and videos_entry is not None:
            for address, video in videos.items():
                where, locs = videos_entry[1][address]  # type: ignore[index]
                if isinstance(video, dict) and FOR_EACH in video:
                    self._load_each(doc, address, video, where, locs, merged_defaults)
                elif isinstance(video, dict):
                    since = len(self.problems)
                    if doc.placeholders:  # no "${" in the file: none to look for
                        self.problems += stray_placeholders(video, locs, where, address)
                    self._load_video(doc, address, video, where, locs, merged_defaults, since)
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
        since: int,
        each: EachFill | None = None,
    ) -> Filled:
        """Load one video (``self.problems[since:]`` are its own so far); an instance of a
        for_each (``each``) names its definition in a message that every instance would
        repeat (a field missing from the template). Returns the text fields its row filled."""
        self._check_unique(address, where)
        owner = f"video '{address}', which has no for_each"
        own, own_locs, filled = self.text_files.read(
            doc, video, locs, where, owner=owner, each=each
        )
        merged, merged_locs = merge(*defaults, own, own_locs)
        errors = list(self.video_validator.iter_errors(merged))
        if errors:
            named = each.expansion.name if each else address
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
            refused = download_refused(merged["download"], download, self.root)
            if refused is not None:
                self.problems.append(Problem(download_at, *refused))
            elif download is not None:
                self.downloads.append(DownloadTarget(address, download, download_at))
        if len(self.problems) == since:  # the last guard, unless a problem above explains it
            self.problems += unfilled_placeholders(merged, merged_locs, where)
        if self.problems:  # nothing will be returned; and a bad field must not be read further
            return filled
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
            origin=None if each is None else row_origin(each.instance, filled),
        )
        return filled

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
        if found.problems or not found.instances:
            self.unexpanded.add(name)
        self.definitions[name] = tuple(i.address for i in found.instances)
        own_schema = ErrorTranslator(where, found.template_locs)
        for instance in found.instances:
            before = len(self.problems)
            # each field's own form, now that the row filled it (the file check left it out)
            self.problems += own_schema.problems(self.own_validator.iter_errors(instance.video))
            each = EachFill(instance, found)
            filled = self._load_video(
                doc,
                instance.address,
                instance.video,
                where,
                found.template_locs,
                defaults,
                before,
                each,
            )
            self.problems[before:] = row_problems(self.problems[before:], instance, filled)
        if found.source.names:  # read, so its names can be compared with the placeholders
            used = found.used | self.text_files.used.get(name, set())
            self.warnings += unused_columns(found, used)
            self.warnings += found.empty.warnings(name)

    def _check_unique(self, address: str, where: SourceLocation) -> None:
        first = self.first_seen.setdefault(address, where)
        if first is where or "[" in address:
            # an instance is defined twice only when its definition is (reported once, there)
            return
        hint = "addresses are unique across all files: rename one of them"
        self.problems.append(
            Problem(where, f"address '{address}' is already defined at {first}", hint)
        )
        self.problems.append(
            Problem(first, f"address '{address}' is defined again at {where}", hint)
        )

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
