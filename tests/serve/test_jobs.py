"""The job store (folders, safe downloads, cleanup) and the runner (queue, concurrency, time limit, recovery)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rnakit.serve.jobs import Job, JobStore, UnknownJob, valid_id
from rnakit.serve.runner import JobRunner, QueueFull
from tests.serve.helpers import pid_alive, until
from tests.serve.standins import CHILD_PID, RELEASE, STARTED, blocking_job, crashing_job, sleeping_job, threads_job

WORKERS = {"block": blocking_job, "sleep": sleeping_job, "crash": crashing_job, "threads": threads_job}
ROOT = Path(__file__).resolve().parents[2]


def test_stand_in_jobs_import_only_the_standard_library():
    # A worker imports a stand-in's module (and its packages) before the job starts, within the job's
    # time limit: importing the web app there took longer than the limit on a busy machine.
    modules = sorted({function.__module__ for function in WORKERS.values()})
    code = (f"import sys; before = set(sys.modules); import {', '.join(modules)}; "
            "print(*sorted({m.split('.')[0] for m in set(sys.modules) - before}))")
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert [m for m in loaded if m not in sys.stdlib_module_names and m != "tests"] == []


def new_job(store: JobStore, kind: str = "block", **fields) -> Job:
    folder = store.reserve()
    job = Job(id=folder.name, kind=kind, **fields)
    store.write(job)
    return job


def test_job_round_trips_through_its_folder(tmp_path):
    store = JobStore(tmp_path)
    job = new_job(store, request={"a": 1}, cli="rnakit x")
    assert valid_id(job.id) and (tmp_path / job.id / "input").is_dir()
    store.update(job.id, state="running", progress=["one"])
    again = JobStore(tmp_path).read(job.id)  # a new store (a restarted server) sees the same job
    assert (again.state, again.progress, again.request, again.cli) == ("running", ["one"], {"a": 1}, "rnakit x")


@pytest.mark.parametrize("job_id", ["../etc", "0" * 31, "0" * 32 + "/..", "G" * 32, "", "."])
def test_ids_that_are_not_ours_are_unknown(tmp_path, job_id):
    store = JobStore(tmp_path)
    with pytest.raises(UnknownJob):
        store.read(job_id)
    assert not valid_id(job_id)


def test_downloads_are_only_regular_files_inside_the_output_folder(tmp_path):
    store = JobStore(tmp_path / "results")
    job = new_job(store)
    output = store.root / job.id / "output"
    output.mkdir()
    (output / "table.tsv").write_text("a\tb\n")
    (output / ".hidden").write_text("x")
    (output / "sub").mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("not yours")
    (output / "link.txt").symlink_to(secret)
    (store.root / job.id / "input" / "target.fa").write_text(">x\nACGU\n")
    assert [f["name"] for f in store.files(job.id)] == ["table.tsv"]
    assert store.output_file(job.id, "table.tsv") == (output / "table.tsv").resolve()
    for name in ("link.txt", ".hidden", "sub", "../job.json", "../input/target.fa", str(secret), "/etc/passwd", "", ".."):
        with pytest.raises(UnknownJob):
            store.output_file(job.id, name)


def test_cleanup_removes_old_finished_and_abandoned_jobs_only(tmp_path):
    store = JobStore(tmp_path)
    now = time.time()
    old_done = new_job(store, state="done", finished=now - 7200)
    old_failed = new_job(store, state="failed", finished=now - 7200)
    recent_done = new_job(store, state="done", finished=now - 60)
    old_running = new_job(store, state="running", created=now - 7200)
    old_queued = new_job(store, state="queued", created=now - 7200)
    abandoned = store.reserve()  # a rejected request's folder: no job.json
    os.utime(abandoned, (now - 7200, now - 7200))
    stranger = tmp_path / "not-a-job"
    stranger.mkdir()
    os.utime(stranger, (now - 7200, now - 7200))
    removed = store.cleanup(3600, now=now)
    assert sorted(removed) == sorted([old_done.id, old_failed.id, abandoned.name])
    assert sorted(j.id for j in store.jobs()) == sorted([recent_done.id, old_running.id, old_queued.id])
    assert stranger.is_dir()  # only folders named like a job id are ever deleted


def runner_for(store: JobStore, **options) -> JobRunner:
    defaults = dict(max_jobs=1, max_queued=10, timeout_s=120, workers=WORKERS, poll_s=0.02)
    return JobRunner(store, **{**defaults, **options})


def state(store: JobStore, job_id: str) -> str:
    return store.read(job_id).state


def test_runner_runs_at_most_max_jobs_and_queues_the_rest(tmp_path):
    store = JobStore(tmp_path)
    runner = runner_for(store, max_jobs=2, max_queued=2)
    runner.start()
    try:
        jobs = [Job(id=store.reserve().name, kind="block") for _ in range(4)]
        for job in jobs[:2]:
            runner.submit(job)
        until(lambda: [state(store, j.id) for j in jobs[:2]] == ["running"] * 2, "two jobs running")
        for job in jobs[2:]:
            runner.submit(job)
        assert [state(store, j.id) for j in jobs[2:]] == ["queued", "queued"]
        assert [runner.queue_position(j.id) for j in jobs] == [None, None, 1, 2]
        with pytest.raises(QueueFull):  # two already wait: the bound
            runner.submit(Job(id=store.reserve().name, kind="block"))
        (store.root / jobs[0].id / RELEASE).write_text("")
        until(lambda: state(store, jobs[2].id) == "running", "the first queued job starts when a slot frees")
        assert state(store, jobs[0].id) == "done" and state(store, jobs[3].id) == "queued"
        for job in jobs[1:]:
            (store.root / job.id / RELEASE).write_text("")
        until(lambda: all(state(store, j.id) == "done" for j in jobs), "every job done")
        assert store.read(jobs[3].id).progress == ["waiting for release"]
        assert [f["name"] for f in store.files(jobs[3].id)] == ["done.txt"]
    finally:
        runner.stop()


def test_time_limit_kills_the_job_and_what_it_started(tmp_path):
    store = JobStore(tmp_path)
    runner = runner_for(store)
    runner.start()
    try:
        job = Job(id=store.reserve().name, kind="sleep")
        runner.submit(job)
        until(lambda: store.read(job.id).progress == ["sleeping"], "the job starts its child")
        runner.timeout_s = 0.5  # the limit is judged only once the job really runs, however slow its start
        until(lambda: state(store, job.id) == "timeout", "the job times out")
        stopped = store.read(job.id)
        assert stopped.error == "the job ran longer than the 0.5 s limit and was stopped"
        assert (store.root / job.id / STARTED).exists()
        child = int((store.root / job.id / CHILD_PID).read_text())
        until(lambda: not pid_alive(child), "the job's own child process is killed too")
    finally:
        runner.stop()


def test_jobs_running_side_by_side_share_the_cores_out(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(6)), raising=False)
    store = JobStore(tmp_path)
    runner = runner_for(store, max_jobs=3)
    runner.start()
    try:
        job = Job(id=store.reserve().name, kind="threads")
        runner.submit(job)
        until(lambda: store.read(job.id).final, "the job ends")
        assert state(store, job.id) == "done"
        assert (store.root / job.id / "output" / "threads.txt").read_text() == "2"  # 6 cores, 3 jobs at a time
    finally:
        runner.stop()


def test_a_crashed_worker_is_a_failed_job(tmp_path):
    store = JobStore(tmp_path)
    runner = runner_for(store)
    runner.start()
    try:
        job = Job(id=store.reserve().name, kind="crash")
        runner.submit(job)
        until(lambda: store.read(job.id).final, "the job ends")
        ended = store.read(job.id)
        assert ended.state == "failed" and ended.error == "the job's worker process ended unexpectedly (exit code 3)"
    finally:
        runner.stop()


def test_jobs_interrupted_by_a_restart_run_again(tmp_path):
    store = JobStore(tmp_path)
    left_running = new_job(store, state="running", started=time.time(), progress=["half way"])
    left_queued = new_job(store, state="queued")
    finished = new_job(store, state="done", finished=time.time())
    for job in (left_running, left_queued):
        (store.root / job.id / RELEASE).write_text("")
    runner = runner_for(store, max_jobs=2)
    runner.start()
    try:
        until(lambda: state(store, left_running.id) == "done" and state(store, left_queued.id) == "done",
              "both interrupted jobs rerun")
        assert store.read(left_running.id).progress == ["waiting for release"]
        assert json.loads((store.root / finished.id / "job.json").read_text())["state"] == "done"
    finally:
        runner.stop()


def test_stopping_the_runner_requeues_running_jobs(tmp_path):
    store = JobStore(tmp_path)
    runner = runner_for(store)
    runner.start()
    job = Job(id=store.reserve().name, kind="block")
    runner.submit(job)
    until(lambda: state(store, job.id) == "running", "the job runs")
    runner.stop()
    assert state(store, job.id) == "queued"


def test_unknown_kind_fails_cleanly(tmp_path):
    store = JobStore(tmp_path)
    runner = runner_for(store)
    runner.start()
    try:
        job = Job(id=store.reserve().name, kind="nonsense")
        runner.submit(job)
        until(lambda: store.read(job.id).final, "the job ends")
        assert store.read(job.id).error == "unknown job kind 'nonsense'"
    finally:
        runner.stop()


def test_runner_cleans_up_periodically(tmp_path):
    store = JobStore(tmp_path)
    calls = []
    runner = runner_for(store, cleanup=lambda: calls.append(time.monotonic()), cleanup_interval_s=0.05)
    runner.start()
    try:
        until(lambda: len(calls) >= 3, "three clean-ups")
    finally:
        runner.stop()
