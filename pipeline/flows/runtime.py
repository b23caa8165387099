"""What the flows ask of Prefect's runtime: the task runner of the extraction batches, chosen by
`PIPELINE_TASK_RUNNER` (the scale-out hook), and the run's id."""

from __future__ import annotations

import os
import uuid

from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner


def configured_task_runner():
    """The runner of the extraction batches, from `PIPELINE_TASK_RUNNER` (read when this module is imported, so
    served deployments and their flow-run processes agree):

    - `threads:N` (default `threads:1`): N batches at once in threads of the flow's process;
    - `processes:N`: N batches at once, each extracted in one of N worker processes that load the models once
      (`pipeline.workers`): the way to use more than one core on one machine;
    - `dask` — a temporary local Dask cluster; `dask:tcp://host:8786` — an existing cluster. Needs
      `pip install -e '.[dask]'` (prefect-dask); every Dask worker loads the NLP models once.
    """
    spec, kind, arg = _runner_spec()
    if kind in {"threads", "processes"}:
        return ThreadPoolTaskRunner(max_workers=int(arg or 1))
    if kind == "dask":
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError as exc:
            raise RuntimeError("PIPELINE_TASK_RUNNER=dask needs prefect-dask: pip install -e '.[dask]'") from exc
        return DaskTaskRunner(address=arg.lstrip(":") or None) if arg else DaskTaskRunner()
    raise ValueError(f"PIPELINE_TASK_RUNNER={spec!r}: expected threads[:N], processes[:N], dask or dask:ADDRESS")


def _runner_spec() -> tuple[str, str, str]:
    spec = os.environ.get("PIPELINE_TASK_RUNNER", "threads:1").strip()
    kind, _, arg = spec.partition(":")
    return spec, kind, arg


def worker_processes() -> int:
    """Worker processes extraction runs in (`processes:N`); 0: in the task's own process."""
    _, kind, arg = _runner_spec()
    return int(arg or 1) if kind == "processes" else 0


def current_run_id() -> str:
    """The flow run's id (a fresh UUID outside a flow run)."""
    return str(flow_run.get_id() or uuid.uuid4())
