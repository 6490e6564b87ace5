"""``apply --json``: apply as a stream of events, one JSON object per line, in the shape of
Terraform's machine-readable UI (``terraform apply -json``), so what follows Terraform's stream
can follow vidspec's. Pure: values in, lines out through the ``emit`` it is given.

Every event has ``@level`` (``info``, ``warn``, ``error``), ``@message`` (a line a person can
read), ``@module`` (``vidspec.ui``), ``@timestamp`` (RFC 3339, UTC) and ``type``. The types,
in the order a run sends them (``schemas/apply-events.schema.json`` fixes each one's fields):

- ``version``: first, ``ui`` is this stream's version (``UI_VERSION``: the minor grows with
  additions, the major with changes a consumer must know; like Terraform's, ignore unknown
  fields, refuse an unknown major), ``vidspec`` the program's version.
- ``planned_change`` (one per action: ``change.resource``, ``change.action``, ``reason``),
  ``change_summary`` (``changes.operation: plan``, counts), ``quota`` (vidspec's: the plan's
  cost and what the month and the account have left), ``diagnostic`` for each plan warning.
- During the run: ``apply_start`` (a generation accepted, its id; any other action just before
  its end), ``apply_progress`` (a video still generating: every wait, and every
  ``PROGRESS_EVERY`` seconds of a long one, with the seconds since it started and what the run
  waits for), ``rate_wait`` (vidspec's: the run waits for a rate limit or a 429),
  ``apply_complete`` (``id_value``, ``url``, ``expires_at``, ``file``, ``duration_seconds``),
  ``download_complete`` (vidspec's: a finished video's file saved), ``apply_errored`` (with
  ``error``; a ``diagnostic`` follows, naming the address), ``apply_submitted`` (vidspec's:
  sent and still generating when the run ended) and ``apply_skipped`` (vidspec's: not done,
  and why).
- ``change_summary`` (``operation: apply`` or ``destroy``, counts, ``failed``, ``not_done``;
  ``requests``: the calls the run made),
  ``outputs`` (the videos this run finished), and a ``diagnostic`` when the command fails.

Text a server sent (a failure's message, a video's link) is made one visible line
(``core.escape.escape_text``) and every line is ASCII JSON: no raw control character reaches a
terminal or a file that prints an event.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from vidspec.core.addresses import split_address
from vidspec.core.errors import ManifestError, VidspecError
from vidspec.core.escape import escape_text
from vidspec.core.times import format_time
from vidspec.engine.progress import Progress
from vidspec.engine.results import ActionResult, ApplyResults, Made, Outcome
from vidspec.plan.model import Plan
from vidspec.render.apply import final_line, wait_text
from vidspec.render.rows import cost_line, plan_rows

UI_VERSION = "1.0"
MODULE = "vidspec.ui"
PROGRESS_EVERY = 10.0  # Terraform's heartbeat: a video still generating is said this often

# (doing, done): "Creating...", "Creation complete after 3s", as Terraform words them.
_VERBS: dict[str, tuple[str, str]] = {
    "create": ("Creating", "Creation"),
    "rename": ("Modifying", "Modifications"),
    "regenerate": ("Regenerating", "Regeneration"),
    "delete": ("Destroying", "Destruction"),
    "forget": ("Forgetting", "Forgetting"),
    "move": ("Moving", "Move"),
    "adopt": ("Adopting", "Adoption"),
    "download": ("Saving", "Saving"),
}
_ADD, _CHANGE, _REMOVE = ("create",), ("rename", "regenerate", "move"), ("delete", "forget")
_GENERATING = ("create", "regenerate", "adopt")  # the actions whose video is waited for


def resource(address: str) -> dict[str, Any]:
    """Terraform's resource address object, for a video (``promo[de]``: name and key)."""
    name, key = split_address(address)
    return {
        "addr": address,
        "module": "",
        "resource": address,
        "resource_type": "video",
        "resource_name": name,
        "resource_key": key,
    }


def _counts(done: Mapping[str, int], operation: str) -> dict[str, Any]:
    """Terraform's ``add``/``change``/``remove`` beside vidspec's count per action kind."""
    changes: dict[str, Any] = {
        "add": sum(done.get(k, 0) for k in _ADD),
        "change": sum(done.get(k, 0) for k in _CHANGE),
        "remove": sum(done.get(k, 0) for k in _REMOVE),
        "import": 0,
        "operation": operation,
    }
    changes.update({kind: done.get(kind, 0) for kind in _VERBS})
    return changes


def planned_events(plan: Plan) -> Iterable[dict[str, Any]]:
    """The plan: one ``planned_change`` per action, its warnings, ``change_summary``, ``quota``."""
    for action in plan.actions:
        change: dict[str, Any] = {
            "resource": resource(action.address),
            "action": action.kind,
            "reason": action.reason,
        }
        if action.kind == "move":
            change["previous_resource"] = resource(action.to_json()["from_address"])
        yield _event("planned_change", f"{action.address}: Plan to {action.kind}", change=change)
    for warning in plan.warnings:
        yield diagnostic("warning", warning)
    rows = plan_rows(plan)
    counts = _counts(plan.summary, "plan")  # a destroy's plan too, as Terraform's
    yield _event("change_summary", rows.summary_line, changes=counts)
    yield _event("quota", cost_line(plan), quota=plan.cost.to_json())


def diagnostic(
    severity: str,
    summary: str,
    detail: str = "",
    *,
    address: str | None = None,
    where: Any = None,
) -> dict[str, Any]:
    """Terraform's ``diagnostic``: ``error`` or ``warning``, what (summary), what to do
    (detail), the video (``address``) or the file position (``where``: a SourceLocation)."""
    body: dict[str, Any] = {
        "severity": severity,
        "summary": escape_text(summary),
        "detail": escape_text(detail),
    }
    if address is not None:
        body["address"] = address
    if where is not None:
        position = {"line": where.line, "column": where.column}
        body["range"] = {"filename": where.path, "start": position, "end": position}
    level = "error" if severity == "error" else "warn"
    label = "Error" if severity == "error" else "Warning"
    return _event("diagnostic", f"{label}: {body['summary']}", level=level, diagnostic=body)


def error_events(exc: VidspecError) -> list[dict[str, Any]]:
    """A command's failure as diagnostics: one per problem of a manifest error (its file,
    line and column), else one with the message and the hint."""
    if isinstance(exc, ManifestError):
        return [diagnostic("error", p.message, p.hint, where=p.location) for p in exc.problems]
    return [diagnostic("error", exc.message, exc.hint or "")]


def version_event(version: str) -> dict[str, Any]:
    return _event("version", f"vidspec {version}", vidspec=version, ui=UI_VERSION)


def result_events(results: ApplyResults) -> list[dict[str, Any]]:
    """The end: ``change_summary`` of what was done, then ``outputs``."""
    done = results.done_counts()
    changes = _counts(done, "destroy" if results.destroy else "apply")
    changes["failed"] = results.count(Outcome.FAILED)
    changes["not_done"] = results.count(Outcome.NOT_ATTEMPTED) + results.count(Outcome.SKIPPED)
    changes["submitted"] = results.count(Outcome.SUBMITTED)
    changes["interrupted"] = results.interrupted
    level = "info" if results.ok else "error"
    stats = results.stats
    requests = {
        "generation": stats.generation_posts,
        "listing": stats.listing_calls,
        "status": stats.status_calls,
        "rate_limited": stats.rate_limited,
    }
    summary = _event(
        "change_summary", final_line(results), level=level, changes=changes, requests=requests
    )
    made = {r.address: _made(r.made) for r in results.rows if r.made is not None}
    outputs = {
        address: {"sensitive": False, "type": "object", "value": value}
        for address, value in made.items()
    }
    noun = "video" if len(outputs) == 1 else "videos"
    return [summary, _event("outputs", f"Outputs: {len(outputs)} {noun}", outputs=outputs)]


def _made(made: Made) -> dict[str, Any]:
    return {
        "id": escape_text(made.video_id),
        "url": None if made.url is None else escape_text(made.url),
        "expires_at": None if made.expires_at is None else format_time(made.expires_at),
        "file": made.file,
        "duration_seconds": made.duration,
    }


def _event(type_: str, message: str, *, level: str = "info", **fields: Any) -> dict[str, Any]:
    return {"@level": level, "@message": message, "@module": MODULE, "type": type_, **fields}


def to_line(event: Mapping[str, Any], now: datetime) -> str:
    """One event as its line: ``@timestamp`` added, ASCII JSON (no raw control characters)."""
    stamped = dict(event)
    utc = now.astimezone(timezone.utc)
    stamped["@timestamp"] = utc.isoformat(timespec="microseconds").replace("+00:00", "Z")
    return json.dumps(stamped, ensure_ascii=True, separators=(",", ":"))


class EventStream:
    """The engine's events (``vidspec.engine.progress.ApplyReporter``) as ``apply --json``
    lines, given to ``emit`` one at a time; ``now`` stamps them (the engine's clock)."""

    def __init__(self, emit: Callable[[str], None], now: Callable[[], datetime]) -> None:
        self._emit = emit
        self._now = now
        self._started: dict[str, float] = {}  # in flight: address -> elapsed when accepted
        self._kinds: dict[str, str] = {}
        self._ids: dict[str, str] = {}
        self._said = 0.0  # progress.elapsed of the last apply_progress round
        self._pacing = False

    def expect(self, plan: Plan) -> None:
        """The plan about to run: a generation accepted later is said with its action's kind
        (``regenerate``, ``adopt``), not only ``create``."""
        for action in plan.actions:
            if action.kind in _GENERATING:
                self._kinds[action.address] = action.kind

    def send(self, events: Iterable[Mapping[str, Any]]) -> None:
        for event in events:
            self._emit(to_line(event, self._now()))

    # -- the reporter ----------------------------------------------------------------------

    def started(self, progress: Progress) -> None:
        self._said = progress.elapsed

    def submitted(self, address: str, video_id: str, progress: Progress) -> None:
        self._started[address] = progress.elapsed
        self._ids[address] = video_id
        self._kinds.setdefault(address, "create")
        self.send([self._start(address, self._kinds[address], video_id)])

    def finished(self, result: ActionResult, progress: Progress) -> None:
        address, kind = result.address, result.kind
        generating = kind in _GENERATING  # a leftover's delete at the address is another action
        began = self._started.pop(address, None) if generating else None
        video_id = self._ids.pop(address, None) if generating else None
        events: list[dict[str, Any]] = []
        if began is None and result.outcome in (Outcome.DONE, Outcome.FAILED):
            began = progress.elapsed
            events.append(self._start(address, kind, None))
        elapsed = round(progress.elapsed - (began or progress.elapsed), 3)
        events += _finished(result, elapsed, video_id)
        if generating:
            self._kinds.pop(address, None)
        self.send(events)

    def waiting(self, seconds: float, reason: str, progress: Progress, *, pacing: bool) -> None:
        self._pacing = pacing
        if pacing:
            http_429 = "429" in reason
            wait = {"seconds": round(seconds, 3), "reason": reason, "http_429": http_429}
            self.send([_event("rate_wait", wait_text(seconds, reason), wait=wait)])
            return
        self._progress(reason, progress)

    def ticking(self, left: float, reason: str, progress: Progress) -> None:
        if not self._pacing and progress.elapsed - self._said >= PROGRESS_EVERY:
            self._progress(reason, progress)

    def closed(self, progress: Progress) -> None:
        pass

    def _progress(self, reason: str, progress: Progress) -> None:
        self._said = progress.elapsed
        events = []
        for address, began in self._started.items():
            kind = self._kinds.get(address, "create")
            elapsed = round(progress.elapsed - began, 3)
            hook = _hook(address, kind, elapsed_seconds=elapsed, waiting_for=reason)
            text = f"{address}: Still {_VERBS[kind][0].lower()}... [{elapsed:.0f}s elapsed]"
            events.append(_event("apply_progress", text, hook=hook))
        self.send(events)

    def _start(self, address: str, kind: str, video_id: str | None) -> dict[str, Any]:
        self._kinds[address] = kind
        hook = _hook(address, kind)
        text = f"{address}: {_VERBS.get(kind, (kind, kind))[0]}..."
        if video_id is not None:
            hook |= {"id_key": "id", "id_value": escape_text(video_id)}
            text += f" [id={escape_text(video_id)}]"
        return _event("apply_start", text, hook=hook)


def _hook(address: str, kind: str, **fields: Any) -> dict[str, Any]:
    return {"resource": resource(address), "action": kind, **fields}


def _finished(result: ActionResult, elapsed: float, video_id: str | None) -> list[dict[str, Any]]:
    """What an action's end says: complete (and its file), errored (and its diagnostic),
    still generating, or not done."""
    address, kind = result.address, result.kind
    detail = escape_text(result.detail)
    noun = _VERBS.get(kind, (kind, kind))[1]
    if result.outcome is Outcome.DONE:
        hook = _hook(address, kind, elapsed_seconds=elapsed)
        made = result.made
        text = f"{address}: {noun} complete after {elapsed:.0f}s"
        if made is not None:
            value = _made(made)
            hook |= {"id_key": "id", "id_value": value.pop("id"), **value}
            text += f" [id={hook['id_value']}]"
        events = [_event("apply_complete", text, hook=hook)]
        if made is not None and made.file is not None:
            saved = _hook(address, kind, id_value=hook["id_value"], file=made.file)
            events.append(_event("download_complete", f"{address}: Saved {made.file}", hook=saved))
        return events
    if result.outcome is Outcome.FAILED:
        hook = _hook(address, kind, elapsed_seconds=elapsed, error=detail)
        text = f"{address}: {noun} errored after {elapsed:.0f}s"
        return [
            _event("apply_errored", text, level="error", hook=hook),
            diagnostic("error", f"{kind} of {address} failed", detail, address=address),
        ]
    if result.outcome is Outcome.SUBMITTED:
        hook = _hook(address, kind, elapsed_seconds=elapsed, detail=detail)
        if video_id is not None:
            hook |= {"id_key": "id", "id_value": escape_text(video_id)}
        return [_event("apply_submitted", f"{address}: still generating ({detail})", hook=hook)]
    hook = _hook(address, kind, outcome=result.outcome.value, reason=detail)
    text = f"{address}: {kind} {result.outcome.value}" + (f" ({detail})" if detail else "")
    return [_event("apply_skipped", text, level="warn", hook=hook)]


__all__ = [
    "MODULE",
    "UI_VERSION",
    "EventStream",
    "diagnostic",
    "error_events",
    "planned_events",
    "resource",
    "result_events",
    "to_line",
    "version_event",
]
