"""Helpers shared by the ``rnakit serve`` tests: a client factory, status polling and process checks."""

from __future__ import annotations

import os
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
from tests.serve.standins import GUARD_S, RELEASE


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
