"""What runs inside a job's worker process: the analysis, with its progress and outcome written to job.json.

A job runs in its own process (in its own process group) so that the runner can stop it for good,
including any tool it started, when it exceeds its time limit. This module is preloaded by the
runner's fork server, so each job starts with rnakit's analysis code already imported.
"""

from __future__ import annotations

import logging
import os
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from rnakit.errors import RnakitError
from rnakit.serve import design, predict
from rnakit.serve.jobs import JobStore

Step = Callable[[str], None]
JobFunction = Callable[[Path, dict, Step, int], None]

#: Job kinds that run in the background: kind → function(job folder, request, step, CPU threads for models).
WORKERS: dict[str, JobFunction] = {"design": design.run_job, "predict": predict.run_job}

log = logging.getLogger(__name__)


def one_line(text: str) -> str:
    """Messages end up on one line in a page and in JSON."""
    return " ".join(text.split())


def run(function: JobFunction, folder: str, threads: int) -> None:
    """Process entry point: run ``function`` for the job in ``folder`` (its models on ``threads`` CPU threads);
    record done or failed."""
    os.setsid()  # its own process group: a timeout kills the job and anything it started
    path = Path(folder)
    store, job_id = JobStore(path.parent), path.name

    def step(message: str) -> None:
        job = store.read(job_id)
        job.progress.append(message)
        store.write(job)

    try:
        function(path, store.read(job_id).request, step, threads)
    except RnakitError as error:
        store.update(job_id, state="failed", error=one_line(str(error)), finished=time.time())
    except Exception as error:  # a bug, not the user's input: keep the traceback beside the job
        (path / "worker.log").write_text(traceback.format_exc())
        log.error("job %s failed: %s", job_id, traceback.format_exc())
        store.update(job_id, state="failed", finished=time.time(),
                     error=one_line(f"internal error ({type(error).__name__}: {error}); see worker.log in the job folder"))
    else:
        store.update(job_id, state="done", finished=time.time())
