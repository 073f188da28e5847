"""Tests of ``rnakit serve``. Helpers shared by its modules: a client factory, status polling, and stand-in
job functions (module-level, so that worker processes can import them) whose timing the tests control."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rnakit.serve.app import create_app
from rnakit.serve.jobs import FINAL_STATES
from rnakit.serve.settings import ServeSettings

RELEASE = "release"  # a stand-in job finishes once this file appears in its folder
GUARD_S = 180  # polling gives up (and fails the test) after this long: a hang guard, not a timing assertion


@contextmanager
def serving(tmp_path: Path, workers: dict[str, Any] | None = None, **settings: Any) -> Iterator[TestClient]:
    """A TestClient of a fresh app (results under tmp_path), with its runner started; extra job kinds in ``workers``."""
    app = create_app(ServeSettings(results_dir=tmp_path / "results", **settings))
    app.state.service.runner.workers.update(workers or {})
    with TestClient(app, base_url="http://127.0.0.1") as client:  # a loopback server answers loopback names only
        yield client


def wait_until(client: TestClient, job_id: str, states: frozenset[str] | set[str] = FINAL_STATES) -> dict:
    """Poll a job's status until its state is one of ``states``."""
    deadline = time.monotonic() + GUARD_S
    while time.monotonic() < deadline:
        status = client.get(f"/api/jobs/{job_id}").json()
        if status["state"] in states:
            return status
        time.sleep(0.05)
    pytest.fail(f"job {job_id} never reached {sorted(states)}")


def until(condition, what: str) -> None:
    """Wait for ``condition()`` to hold (hang guard as above)."""
    deadline = time.monotonic() + GUARD_S
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"never happened: {what}")
        time.sleep(0.05)


def blocking_job(folder: Path, request: dict, step) -> None:
    """Stand-in job: reports progress, then waits until the test releases it."""
    step("waiting for release")
    deadline = time.monotonic() + GUARD_S
    while not (folder / RELEASE).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    output = folder / "output"
    output.mkdir()
    (output / "done.txt").write_text("released\n")


def sleeping_job(folder: Path, request: dict, step) -> None:
    """Stand-in job that starts a long child process and never ends by itself (for the time limit)."""
    child = subprocess.Popen(["sleep", "600"])
    (folder / "child.pid").write_text(str(child.pid))
    step("sleeping")
    child.wait()


def crashing_job(folder: Path, request: dict, step) -> None:
    """Stand-in job whose process dies without a word."""
    os._exit(3)


def release(client: TestClient, job_id: str) -> None:
    results = client.app.state.service.store.root
    (results / job_id / RELEASE).write_text("")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a killed child of the (also killed) worker may linger as a zombie until reaped by init
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False
