"""`python -m pipeline serve` (`make serve`): a local Prefect server if none is reachable, and this project's
deployments served from one process.

Why `serve` and not a work pool + worker + `prefect.yaml`: a small team runs one long-lived process (under
systemd, tmux or a container) that registers the deployments and executes their runs as subprocesses; there is
no pool, queue, worker or image to keep in step with the code, and a code change is deployed by restarting it.
A work pool pays off once runs must go to other machines or containers; the batches of one run can already
go to a Dask cluster through `PIPELINE_TASK_RUNNER` (see `pipeline.flows.runtime.configured_task_runner`).

Deployments (their parameters are typed, so the UI renders forms):
- `ingest`    — cron schedule (default every 15 minutes) over the inbox folder; at most one run at a time
                (deployment concurrency limit 1, a colliding run is cancelled: the next one picks up its files);
- `reprocess` — manual: article ids / publication-date range / stages / force / dry run;
- `evaluate`  — manual: the gold-set evaluation.

Stopping the process never pauses the schedules (Prefect's `serve` pauses them by default). Scheduled runs that
were missed while nothing was serving are not all fired on the next start: all but the latest are marked
`Skipped` (an incremental ingest run catches up on every file at once anyway).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from uuid import UUID

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = int(os.environ.get("PIPELINE_PREFECT_PORT", "4200"))
DEFAULT_CRON = os.environ.get("PIPELINE_INGEST_CRON", "*/15 * * * *")
SERVER_STARTUP_SECONDS = 180


def api_url(host: str, port: int) -> str:
    return f"http://{host}:{port}/api"


def server_healthy(url: str, timeout: float = 2.0) -> bool:
    """Whether a Prefect API answers at `url` (…/api)."""
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/health", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def start_server(host: str, port: int, log_path: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """`prefect server start` on host:port (SQLite under PREFECT_HOME, analytics off), logging to `log_path`.
    The UI it serves is told the API's address on that port (`PREFECT_UI_API_URL`): left alone, it would point at
    the default 4200 and show "Can't connect to Server API" for any other port."""
    env = {**(os.environ if env is None else env), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_UI_API_URL": api_url(host, port), "PREFECT_SERVER_API_HOST": host,
           "PREFECT_SERVER_API_PORT": str(port)}
    env.pop("PREFECT_API_URL", None)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "ab")  # noqa: SIM115 - the server outlives this function
    return subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_healthy(url: str, process: subprocess.Popen | None = None, timeout: float = SERVER_STARTUP_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server_healthy(url):
            return
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the Prefect server exited with code {process.returncode} before answering at {url}")
        time.sleep(0.5)
    raise TimeoutError(f"no Prefect API at {url} after {timeout:.0f} s")


def stop_process(process: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM the process group, then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except (ProcessLookupError, PermissionError):
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)


# ---------------------------------------------------------------------------
# missed scheduled runs
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingRun:
    id: UUID
    expected_start: datetime
    auto_scheduled: bool


def missed_runs_to_skip(runs: Iterable[PendingRun], now: datetime, grace: timedelta = timedelta(minutes=1)) -> list[UUID]:
    """Of the scheduled runs whose start time passed while nothing served them, all but the latest; runs a person
    started by hand are never skipped."""
    missed = sorted((r for r in runs if r.auto_scheduled and r.expected_start < now - grace),
                    key=lambda r: r.expected_start)
    return [r.id for r in missed[:-1]]


async def skip_missed_runs(deployment_ids: Sequence[UUID]) -> int:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (DeploymentFilter, DeploymentFilterId, FlowRunFilter,
                                                FlowRunFilterState, FlowRunFilterStateType)
    from prefect.client.schemas.objects import StateType
    from prefect.states import Cancelled

    skipped = 0
    async with get_client() as client:
        for deployment_id in deployment_ids:
            runs = await client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
                flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED]))),
            )
            pending = [PendingRun(r.id, r.expected_start_time, bool(r.auto_scheduled)) for r in runs if r.expected_start_time]
            for run_id in missed_runs_to_skip(pending, datetime.now(timezone.utc)):
                await client.set_flow_run_state(run_id, Cancelled(name="Skipped", message=(
                    "missed while nothing was serving; a later run of the same schedule covers it")), force=True)
                skipped += 1
    return skipped


# ---------------------------------------------------------------------------
# deployments
# ---------------------------------------------------------------------------


def build_deployments(inbox: str, out_dir: str, cron: str, timezone_name: str = "UTC") -> list:
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.client.schemas.schedules import CronSchedule
    from prefect.deployments.runner import EntrypointType

    from pipeline.flows import evaluate, export, ingest, reprocess

    module = EntrypointType.MODULE_PATH  # runs import `pipeline.flows`, wherever the process was started
    return [
        ingest.to_deployment(
            name="ingest", schedule=CronSchedule(cron=cron, timezone=timezone_name),
            parameters={"inbox": inbox, "out_dir": out_dir}, entrypoint_type=module,
            concurrency_limit=ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW),
            description=f"Incremental ingestion of {inbox} into {out_dir} ({cron}, {timezone_name}).",
            tags=["pipeline", "scheduled"]),
        reprocess.to_deployment(
            name="reprocess", parameters={"out_dir": out_dir}, entrypoint_type=module,
            description="Re-run extraction over stored articles (ids, date range, stages, force, dry run).",
            tags=["pipeline", "manual"]),
        evaluate.to_deployment(
            name="evaluate", parameters={"out_dir": out_dir}, entrypoint_type=module,
            description="Score the pipeline on the gold set (dev/test/all) or a corpus folder "
                        "(news-real, ann, factru, brat).",
            tags=["pipeline", "manual"]),
        export.to_deployment(
            name="export", parameters={"out_dir": out_dir}, entrypoint_type=module,
            description="Write the analysts' bundle (Parquet, DuckDB with views, datapackage.json, dataset card).",
            tags=["pipeline", "manual"]),
    ]


async def serve_deployments(deployments: list, limit: int) -> None:
    from prefect.runner import Runner

    class QuietRunner(Runner):
        def handle_sigterm(self, *args, **kwargs) -> None:
            # Prefect 3.8's handler calls the async `stop` without awaiting it ("coroutine 'Runner.astop' was
            # never awaited"): treat SIGTERM like Ctrl-C, which unwinds the runner's own shutdown
            raise KeyboardInterrupt

    runner = QuietRunner(name="ru-technews-pipeline", pause_on_shutdown=False, limit=limit)
    ids = [await runner.aadd_deployment(d) for d in deployments]
    skipped = await skip_missed_runs(ids)
    if skipped:
        print(f"skipped {skipped} scheduled run(s) missed while nothing was serving", flush=True)
    print("serving deployments: " + ", ".join(f"{d.flow_name}/{d.name}" for d in deployments), flush=True)
    await runner.start()


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, inbox: str | None = None, out_dir: str | None = None,
          cron: str = DEFAULT_CRON, timezone_name: str = "UTC", limit: int = 2) -> int:
    """Use PREFECT_API_URL when it answers, else a server on host:port (started here when none answers), then
    serve the deployments until interrupted. The server this started is stopped on the way out."""
    from pipeline.config import INBOX_DIR, PROCESSED_DIR

    inbox = str(Path(inbox or INBOX_DIR).resolve())
    out_dir = str(Path(out_dir or PROCESSED_DIR).resolve())
    Path(inbox).mkdir(parents=True, exist_ok=True)
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    from prefect.exceptions import TerminationSignal

    # SIGTERM unwinds like Ctrl-C from here on, not only once Prefect's runner has installed its own handler: a
    # stop that came while the deployments were being registered left the server this started running
    signal.signal(signal.SIGTERM, _interrupt)
    configured = os.environ.get("PREFECT_API_URL")
    server = None
    try:
        if configured and server_healthy(configured):
            url = configured
        else:
            url = api_url(host, port)
            if not server_healthy(url):
                home = Path(os.environ.get("PREFECT_HOME", Path.home() / ".prefect"))
                log_path = home / "pipeline-server.log"
                print(f"starting a Prefect server on {host}:{port} (SQLite in {home}; log {log_path})", flush=True)
                server = start_server(host, port, log_path)
                wait_healthy(url, server)
        os.environ["PREFECT_API_URL"] = url
        print(f"Prefect API {url}; UI {url.removesuffix('/api')}", flush=True)
        print(f"inbox {inbox} -> tables in {out_dir}; ingest schedule '{cron}' ({timezone_name})", flush=True)
        asyncio.run(serve_deployments(build_deployments(inbox, out_dir, cron, timezone_name), limit))
    except (KeyboardInterrupt, TerminationSignal):
        print("interrupted: stopping (schedules stay active)", flush=True)
    finally:
        if server is not None:
            stop_process(server)
    return 0


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
