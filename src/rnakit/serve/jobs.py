"""The job store: one folder per job under the results directory, its state in ``job.json``.

Keeping the state on disk (written atomically) is what lets a result page survive a page reload and
a server restart, and lets a worker process report progress without talking to the server.
Layout: ``<results>/<id>/job.json``, ``input/`` (what the user sent) and ``output/`` (what can be
downloaded, nothing else).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rnakit.files import atomic_write
from rnakit.outputs import MARKER

FINAL_STATES = frozenset({"done", "failed", "timeout"})
JOB_FILE = "job.json"
INPUT_DIR = "input"
OUTPUT_DIR = "output"
_ID = re.compile(r"[0-9a-f]{32}")


class UnknownJob(LookupError):
    """No such job, or no such file in its outputs (the message is safe to show)."""


@dataclass
class Job:
    """A job's state as stored in job.json. ``request`` holds what the worker needs (server-side only)."""

    id: str
    kind: str
    state: str = "queued"
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    progress: list[str] = field(default_factory=list)
    error: str | None = None
    cli: str = ""
    request: dict[str, Any] = field(default_factory=dict)

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES


def valid_id(job_id: str) -> bool:
    """Only ids this server could have made are looked up: no path can hide in one."""
    return _ID.fullmatch(job_id) is not None


class JobStore:
    """Job folders under ``root``: create, read, update, list downloads, clean up old ones."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def reserve(self) -> Path:
        """A new, empty job folder (with ``input/``) under a fresh random id; no job.json yet."""
        while True:
            folder = self.root / secrets.token_hex(16)
            try:
                folder.mkdir()
            except FileExistsError:
                continue
            (folder / INPUT_DIR).mkdir()
            return folder

    def folder(self, job_id: str) -> Path:
        """The folder of an existing job; UnknownJob otherwise."""
        folder = self.root / job_id
        if not valid_id(job_id) or not (folder / JOB_FILE).is_file():
            raise UnknownJob(f"no job {job_id!r} on this server (finished results are deleted after a while)")
        return folder

    def read(self, job_id: str) -> Job:
        return Job(**json.loads((self.folder(job_id) / JOB_FILE).read_text()))

    def write(self, job: Job) -> None:
        """Save ``job`` (atomically, so a reader never sees half a file)."""
        with atomic_write(self.root / job.id / JOB_FILE, "w", encoding="utf-8") as handle:
            json.dump(asdict(job), handle, indent=1)

    def update(self, job_id: str, **changes: Any) -> Job:
        job = self.read(job_id)
        for name, value in changes.items():
            setattr(job, name, value)
        self.write(job)
        return job

    def jobs(self) -> list[Job]:
        """Every job with a readable job.json, oldest first."""
        found = []
        for entry in self.root.iterdir():
            if valid_id(entry.name) and (entry / JOB_FILE).is_file():
                try:
                    found.append(self.read(entry.name))
                except (ValueError, TypeError):  # a damaged job.json: leave it to the age-based cleanup
                    continue
        return sorted(found, key=lambda job: job.created)

    def files(self, job_id: str) -> list[dict[str, Any]]:
        """The downloadable files: regular files (not links, not hidden, not rnakit's marker) directly in ``output/``."""
        output = self.folder(job_id) / OUTPUT_DIR
        if not output.is_dir():
            return []
        listed = [e for e in os.scandir(output)
                  if e.is_file(follow_symlinks=False) and not e.name.startswith(".") and e.name != MARKER]
        return [{"name": e.name, "bytes": e.stat(follow_symlinks=False).st_size} for e in sorted(listed, key=lambda e: e.name)]

    def output_file(self, job_id: str, name: str) -> Path:
        """The path of download ``name`` of a job, only if it is one of :meth:`files` and lies inside
        ``output/`` once resolved (no ``..``, absolute paths, separators or symlinks out)."""
        missing = UnknownJob(f"no file {name!r} in the results of job {job_id}")
        if name not in {f["name"] for f in self.files(job_id)}:
            raise missing
        output = (self.root / job_id / OUTPUT_DIR).resolve()
        path = (output / name).resolve()
        if path.parent != output or not path.is_file():
            raise missing
        return path

    def remove(self, folder: Path) -> None:
        """Delete a job folder (only a folder named like a job id, directly under the root)."""
        if folder.parent == self.root and valid_id(folder.name):
            shutil.rmtree(folder, ignore_errors=True)

    def cleanup(self, max_age_s: float, now: float | None = None) -> list[str]:
        """Delete finished jobs older than ``max_age_s`` (counted from when they finished) and abandoned
        folders without a job.json; queued and running jobs are kept whatever their age."""
        now = time.time() if now is None else now
        removed = []
        for entry in list(self.root.iterdir()):
            if not (entry.is_dir() and not entry.is_symlink() and valid_id(entry.name)):
                continue
            try:
                job = self.read(entry.name)
                if not job.final:
                    continue
                stamp = job.finished or job.created
            except UnknownJob:  # reserved but never submitted (a rejected request)
                stamp = entry.stat().st_mtime
            except (ValueError, TypeError):
                stamp = (entry / JOB_FILE).stat().st_mtime
            if now - stamp > max_age_s:
                self.remove(entry)
                removed.append(entry.name)
        return removed
