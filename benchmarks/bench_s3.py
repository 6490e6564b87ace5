"""Benchmark of the S3 state backend's requests per command (issue 19 item 8).

Serves moto's S3 server (as the tests do: one request at a time) and the CDNvideo emulator in
this process, writes a project whose state is in S3 and whose account holds ``--listed``
videos (listing pages of 1000: more API requests per plan), and runs ``vidspec plan`` (and
``vidspec apply --auto-approve --no-wait`` of ``--creates`` videos) in-process. Counts the S3
requests the server answered, by object: the state, its lock, its backup, the month's request
count (``<key>.usage``). The usage count used to cost a GET and a conditional PUT per API
request; it is now written in one conditional write per command (and every 30 s of a long
one).

    python benchmarks/bench_s3.py [--listed 0,2500] [--creates 5]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "support"))

import boto3
from apply_env import TOKEN, ApplyEnv, simple_videos, write_project
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from s3server import OneAtATime
from werkzeug.serving import make_server

from vidspec.cli import main as vidspec
from vidspec.core.clock import SystemClock
from vidspec.emulator import EmulatorSettings, serve

KEY = "team/state.json"
REGION = "eu-central-1"


class Counting:
    """WSGI middleware: counts requests by (method, object kind)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.seen: Counter[tuple[str, str]] = Counter()

    def __call__(self, environ: dict[str, Any], start: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        kind = next((k for k in (".usage", ".lock", ".backup") if path.endswith(k)), "state")
        if path.endswith(KEY) or kind != "state":
            self.seen[(environ["REQUEST_METHOD"], kind)] += 1
        return self.app(environ, start)


@contextlib.contextmanager
def s3_server() -> Iterator[tuple[str, Counting]]:
    counting = Counting(OneAtATime(DomainDispatcherApplication(create_backend_app)))
    server = make_server("127.0.0.1", 0, counting, True, request_handler=MotoRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", counting
    finally:
        server.shutdown()


def run(root: Path, *args: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            vidspec(["-C", str(root), *args])
        except SystemExit as exited:
            if exited.code not in (0, None):
                raise SystemExit(f"vidspec {' '.join(args)}: {err.getvalue()}") from None


def measure(endpoint: str, counting: Counting, listed: int, creates: int) -> None:
    bucket = f"bench-{listed}"
    boto3.client("s3", endpoint_url=endpoint, region_name=REGION).create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    state = (
        f"state: {{backend: s3, bucket: {bucket}, key: {KEY}, region: {REGION}, "
        f"endpoint_url: '{endpoint}'}}\n"
    )
    settings = EmulatorSettings(token=TOKEN, account="acme", monthly_requests=10_000_000)
    with tempfile.TemporaryDirectory() as tmp, serve(settings, clock=SystemClock()) as server:
        for n in range(listed):
            server.world.add_video(video_name=f"Other {n}")
        root = Path(tmp)
        write_project(root, server, extra=state)
        ApplyEnv(root, server, SystemClock()).write_videos(simple_videos(creates))  # type: ignore[arg-type]
        for command in (["plan"], ["apply", "--auto-approve", "--no-wait"]):
            counting.seen.clear()
            api = len(server.request_log)
            run(root, *command)
            api = len(server.request_log) - api
            total = sum(counting.seen.values())
            usage = sum(n for (_, kind), n in counting.seen.items() if kind == ".usage")
            detail = ", ".join(f"{m} {k}: {n}" for (m, k), n in sorted(counting.seen.items()))
            print(
                f"{' '.join(command):<27} {listed:>7,}  {api:>4}  {total:>4}  {usage:>5}   "
                f"{detail}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listed", default="0,2500")
    parser.add_argument("--creates", type=int, default=5)
    args = parser.parse_args()
    os.environ.update(
        CDN_TOKEN=TOKEN,
        AWS_ACCESS_KEY_ID="AKIAVIDSPECBENCH0000",
        AWS_SECRET_ACCESS_KEY="bench/secret",
        AWS_DEFAULT_REGION=REGION,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    os.environ.pop("NO_COLOR", None)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    print("command                     listed   API   S3  usage   S3 requests by object")
    with s3_server() as (endpoint, counting):
        for listed in (int(n) for n in args.listed.split(",")):
            measure(endpoint, counting, listed, args.creates)


if __name__ == "__main__":
    main()
