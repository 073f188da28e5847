"""Stand-in job functions whose timing the tests control (module-level, so that worker processes can import them).

A worker process imports this module before the job starts, and a job's time limit runs from its launch:
so this module (and the ``tests.serve`` package above it) imports only the standard library. Importing the
web app (fastapi, the test client) here took longer than a short time limit on a busy machine.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

RELEASE = "release"  # a stand-in job finishes once this file appears in its folder
STARTED = "started"  # written by a stand-in job as its first act
CHILD_PID = "child.pid"  # the process id of the child a sleeping job started
GUARD_S = 600  # waiting gives up (and fails the test) after this long: a hang guard, not a timing assertion


def blocking_job(folder: Path, request: dict, step, threads: int) -> None:
    """Stand-in job: reports progress, then waits until the test releases it."""
    step("waiting for release")
    deadline = time.monotonic() + GUARD_S
    while not (folder / RELEASE).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    output = folder / "output"
    output.mkdir()
    (output / "done.txt").write_text("released\n")


def sleeping_job(folder: Path, request: dict, step, threads: int) -> None:
    """Stand-in job that starts a long child process and never ends by itself (for the time limit).

    ``started`` appears first, then ``child.pid`` once the child runs.
    """
    (folder / STARTED).write_text("")
    child = subprocess.Popen(["sleep", "3600"])
    (folder / CHILD_PID).write_text(str(child.pid))
    step("sleeping")
    child.wait()


def crashing_job(folder: Path, request: dict, step, threads: int) -> None:
    """Stand-in job whose process dies without a word."""
    os._exit(3)



def threads_job(folder: Path, request: dict, step, threads: int) -> None:
    """Stand-in job that writes down the CPU threads its worker was given for models."""
    output = folder / "output"
    output.mkdir()
    (output / "threads.txt").write_text(str(threads))
