"""Prefect 3 orchestration: thin flows over the plain steps of `pipeline.run` (read + plan -> extract and commit
batch by batch -> maintain the tables -> report).

    articles    process_articles (`pipeline run`), ingest (the schedule), reprocess
    evaluation  evaluate (gold set and corpora)
    handoff     export (the analysts' bundle)
    runtime     the task runner of the batches (`PIPELINE_TASK_RUNNER`) and the run's id

One task per *batch* of articles, never per article or sentence: Prefect's and its UI's cost per task run is far
above Natasha's per-article cost.
"""

from pipeline.memory import limit_arenas

limit_arenas()  # before the runs' threads exist: see pipeline.memory

from pipeline.flows.articles import ingest, process_articles, reprocess  # noqa: E402
from pipeline.flows.evaluation import evaluate  # noqa: E402
from pipeline.flows.handoff import export  # noqa: E402
from pipeline.flows.runtime import configured_task_runner, worker_processes  # noqa: E402

__all__ = ["configured_task_runner", "evaluate", "export", "ingest", "process_articles", "reprocess",
           "worker_processes"]
