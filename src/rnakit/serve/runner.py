"""The job runner: a bounded queue, at most N worker processes at once, each with a time limit.

One thread in the server process starts queued jobs while fewer than ``max_jobs`` run, notices
finished ones, kills those past the time limit (their whole process group) and periodically deletes
old results. Worker processes come from a fork server that has rnakit's analysis code preloaded, so
a job starts in milliseconds instead of re-importing numpy, pandas and the models.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from multiprocessing.process import BaseProcess

from rnakit.cpu import model_threads
from rnakit.serve import worker
from rnakit.serve.jobs import Job, JobStore, UnknownJob

log = logging.getLogger(__name__)


class QueueFull(RuntimeError):
    """More jobs are waiting than the server accepts: answered 429 (Too Many Requests) with these headers."""

    headers = {"Retry-After": "30"}  # seconds: about one design job's run, after which a place may be free


@dataclass
class _Running:
    job_id: str
    process: BaseProcess
    started: float  # time.monotonic() when the process started


class JobRunner:
    """Runs queued jobs of the store in worker processes, ``max_jobs`` at a time."""

    def __init__(self, store: JobStore, *, max_jobs: int, max_queued: int, timeout_s: float,
                 cleanup: Callable[[], object] | None = None, cleanup_interval_s: float = 3600,
                 workers: Mapping[str, worker.JobFunction] | None = None, poll_s: float = 0.1) -> None:
        self.store = store
        self.max_jobs, self.max_queued, self.timeout_s = max_jobs, max_queued, timeout_s
        self.threads_per_job = model_threads(workers=max_jobs)  # jobs run side by side: each gets its share of the cores
        self.workers = dict(worker.WORKERS if workers is None else workers)
        self.poll_s = poll_s
        self._cleanup, self._cleanup_interval = cleanup, cleanup_interval_s
        self._last_cleanup = time.monotonic()
        self._queue: collections.deque[str] = collections.deque()
        self._running: list[_Running] = []
        self._cond = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload([worker.__name__])

    def start(self) -> None:
        """Re-queue jobs left queued or running by an earlier server, then start the runner thread."""
        for job in self.store.jobs():
            if not job.final:
                self.store.update(job.id, state="queued", started=None, progress=[])
                self._queue.append(job.id)
        self._thread = threading.Thread(target=self._loop, name="rnakit-job-runner", daemon=True)
        self._thread.start()

    def submit(self, job: Job) -> None:
        """Save ``job`` as queued and queue it; QueueFull when too many jobs already wait."""
        with self._cond:
            if len(self._queue) >= self.max_queued:
                raise QueueFull(f"{len(self._queue)} jobs are already waiting (the limit); try again later")
            job.state = "queued"
            self.store.write(job)
            self._queue.append(job.id)
            self._cond.notify()

    def queue_position(self, job_id: str) -> int | None:
        """1 for the next job to start; None when the job is not waiting."""
        with self._cond:
            return self._queue.index(job_id) + 1 if job_id in self._queue else None

    def running(self) -> list[str]:
        with self._cond:
            return [r.job_id for r in self._running]

    def stop(self) -> None:
        """Stop the thread and kill running jobs; they are queued again for the next start."""
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self._thread is not None:
            self._thread.join()
        for running in self._running:
            self._kill(running)
            with contextlib.suppress(UnknownJob):
                self.store.update(running.job_id, state="queued", started=None, progress=[])
        self._running.clear()

    def _loop(self) -> None:
        while True:
            with self._cond:
                if self._stopping:
                    return
                self._cond.wait(timeout=self.poll_s)
                if self._stopping:
                    return
            try:
                self._reap()
                self._launch()
                self._maybe_clean()
            except Exception:  # the runner must outlive any one job's trouble
                log.exception("job runner")

    def _launch(self) -> None:
        while True:
            with self._cond:
                if len(self._running) >= self.max_jobs or not self._queue:
                    return
                job_id = self._queue.popleft()
            try:
                job = self.store.read(job_id)
            except UnknownJob:  # deleted meanwhile
                continue
            function = self.workers.get(job.kind)
            if function is None:
                self.store.update(job_id, state="failed", error=f"unknown job kind {job.kind!r}", finished=time.time())
                continue
            self.store.update(job_id, state="running", started=time.time(), progress=[])
            process = self._context.Process(target=worker.run, name=f"rnakit-job-{job_id[:8]}",
                                            args=(function, str(self.store.root / job_id), self.threads_per_job))
            process.start()  # not a daemon: analyses may start process pools of their own
            with self._cond:
                self._running.append(_Running(job_id, process, time.monotonic()))

    def _reap(self) -> None:
        for running in list(self._running):
            process = running.process
            if process.exitcode is not None:
                process.join()
                self._settle(running.job_id, "failed",
                             f"the job's worker process ended unexpectedly (exit code {process.exitcode})")
            elif time.monotonic() - running.started > self.timeout_s:
                self._kill(running)
                self._settle(running.job_id, "timeout",
                             f"the job ran longer than the {self.timeout_s:g} s limit and was stopped")
            else:
                continue
            with self._cond:
                self._running.remove(running)

    def _settle(self, job_id: str, state: str, error: str) -> None:
        """Record how a job ended unless its worker already did (a finished worker wrote done/failed)."""
        try:
            job = self.store.read(job_id)
        except UnknownJob:
            return
        if not job.final:
            self.store.update(job_id, state=state, error=error, finished=time.time())

    @staticmethod
    def _kill(running: _Running) -> None:
        process = running.process
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the worker leads its own group (see worker.run)
        except (ProcessLookupError, PermissionError, TypeError):
            process.kill()
        process.join(10)

    def _maybe_clean(self) -> None:
        if self._cleanup is not None and time.monotonic() - self._last_cleanup >= self._cleanup_interval:
            self._last_cleanup = time.monotonic()
            self._cleanup()
