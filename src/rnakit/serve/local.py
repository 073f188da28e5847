"""``rnakit serve`` in a child process on a free loopback port: for the browser test and the load benchmark,
which need a real server speaking HTTP rather than the framework's in-process test client."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


class ServerDidNotStart(RuntimeError):
    """The child server exited or never answered; the message ends with its log."""


@dataclass(frozen=True)
class LocalServer:
    url: str  # http://127.0.0.1:PORT
    process: subprocess.Popen


def free_port() -> int:
    """A TCP port nobody listens on now (the OS picks it; the server binds it right after)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def local_server(results_dir: Path, log: Path, *, options: Sequence[str] = (), env: Mapping[str, str] | None = None,
                 startup_s: float = 120) -> Iterator[LocalServer]:
    """Start ``python -m rnakit.serve`` (this interpreter) with ``options``; yield once ``/api/health`` answers.

    On exit: SIGTERM (the server ends its job workers), then whatever is left in its process group.
    """
    port = free_port()
    command = [sys.executable, "-m", "rnakit.serve", "--host", "127.0.0.1", "--port", str(port),
               "--results-dir", str(results_dir), *options]
    with open(log, "w") as handle:
        process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
                                   env={**os.environ, **(env or {})})
    server = LocalServer(f"http://127.0.0.1:{port}", process)
    try:
        _wait_until_up(server, log, startup_s)
        yield server
    finally:
        _stop(process)


def _wait_until_up(server: LocalServer, log: Path, startup_s: float) -> None:
    deadline = time.monotonic() + startup_s  # a hang guard: importing the models on a busy machine is slow
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerDidNotStart(f"rnakit serve exited with status {server.process.returncode}:\n"
                                    f"{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{server.url}/api/health", timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise ServerDidNotStart(f"rnakit serve did not answer within {startup_s:.0f} s:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
