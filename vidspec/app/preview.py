"""The flow of ``vidspec preview [ADDR...]`` (issue 23): free, watermarked test renders of the
videos a plan would create or regenerate, for a person to watch before paying for the real
ones. Never touches the state or the real videos: previews are no managed videos (the
provider's listing leaves them out), and nothing is written but the month's request count.

Only a ``Previewer`` renders them (Synthesia's ``test: true``, 30 a day: asking for more than
the day has left is refused before any is sent); HeyGen v3 has no test mode, so a project of
another kind is told so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from vidspec.app.providers import open_provider
from vidspec.app.workflow import PlanRequest, ProviderUse, make_plan
from vidspec.core.clock import Clock
from vidspec.core.errors import UsageError
from vidspec.core.videos import TaskState
from vidspec.plan.actions import Create, Regenerate
from vidspec.project.config import Project
from vidspec.providers.base import Previewer, Provider
from vidspec.render.preview_list import PreviewResult
from vidspec.state.backends import open_state_store

POLL_SECONDS = 10.0  # [vidspec] a preview renders in minutes: a look every 10 s is enough


def make_previews(
    project: Project,
    clock: Clock,
    *,
    addresses: Sequence[str] = (),
    wait: bool = True,
    environ: Mapping[str, str] | None = None,
) -> list[PreviewResult]:
    """Render a preview of each video the plan creates or regenerates (of ``addresses`` only,
    when given); with ``wait``, wait for them (up to ``safety.max_wait``) for their links."""
    usage = open_state_store(project, clock=clock).usage()
    use = ProviderUse(project, open_provider(project, environ=environ, clock=clock), clock, usage)
    try:
        provider = use.provider
        if not isinstance(provider, Previewer):
            name = provider.capabilities.display_name
            raise UsageError(
                f"{name} renders no free previews (its API has no test mode)",
                "vidspec plan shows what would change; vidspec apply makes the real videos.",
            )
        plan = make_plan(project, PlanRequest(), clock, environ=environ, use=use).plan
        wanted = [a for a in plan.actions if isinstance(a, (Create, Regenerate))]
        chosen = _chosen(wanted, addresses)
        left = provider.previews_left()
        if left is not None and len(chosen) > left:
            raise UsageError(
                f"{len(chosen)} previews asked for, and the service renders {left} more today",
                "Name the videos to preview (vidspec preview ADDR ...), or wait for tomorrow.",
            )
        sent = [
            PreviewResult(a.address, provider.preview(a.spec), TaskState.QUEUED) for a in chosen
        ]
        return (
            _waited(provider, sent, clock, project.safety.max_wait.total_seconds())
            if wait
            else sent
        )
    finally:
        use.close()


def _chosen(
    wanted: list[Create | Regenerate], addresses: Sequence[str]
) -> list[Create | Regenerate]:
    if not addresses:
        return wanted
    by_address = {a.address: a for a in wanted}
    unknown = [a for a in addresses if a not in by_address]
    if unknown:
        raise UsageError(
            f"{', '.join(unknown)}: not a video the plan creates or regenerates",
            "Previews are of changed videos: "
            + (", ".join(sorted(by_address)) or "the plan changes none"),
        )
    return [by_address[a] for a in dict.fromkeys(addresses)]


def _waited(
    provider: Provider, sent: list[PreviewResult], clock: Clock, max_wait: float
) -> list[PreviewResult]:
    """``sent`` once every preview finished, or as they are when ``max_wait`` is over."""
    results = {r.video_id: r for r in sent}
    waited = 0.0
    while any(r.state.in_flight for r in results.values()) and waited < max_wait:
        clock.sleep(POLL_SECONDS)
        waited += POLL_SECONDS
        running = [i for i, r in results.items() if r.state.in_flight]
        for video_id, video in provider.status(running).items():
            results[video_id] = PreviewResult(
                results[video_id].address, video_id, video.state, video.url
            )
    return [results[r.video_id] for r in sent]
