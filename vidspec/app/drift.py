"""The flow of ``vidspec drift``: read the state (under the lock only for the read), list the
service's videos, and report what changed outside vidspec. Never writes the state."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from vidspec.app.workflow import counted_provider
from vidspec.core.clock import Clock
from vidspec.plan.driftreport import DriftReport, detect_drift
from vidspec.project.config import Project
from vidspec.project.loader import load_desired
from vidspec.state.backends import open_state_store


def check_drift(
    project: Project,
    clock: Clock,
    *,
    lock_timeout: float = 0.0,
    environ: Mapping[str, str] | None = None,
) -> DriftReport:
    """The drift report of ``project``: state against the listing."""
    desired = load_desired(project)  # only for lifecycle.regenerate_before_expiry
    renew: dict[str, timedelta] = {
        address: video.lifecycle.regenerate_before_expiry
        for address, video in desired.videos.items()
        if video.lifecycle.regenerate_before_expiry is not None
    }
    store = open_state_store(project, clock=clock)
    with store.lock("vidspec drift (reading the state)", timeout=lock_timeout):
        state = store.load()
    with counted_provider(project, clock, usage=store.usage(), environ=environ) as provider:
        remote = provider.list_videos()
        caps = provider.capabilities
    return detect_drift(state, remote, caps, clock.now(), renew)
