"""How many CPU threads LightGBM and PyTorch get: the one place that decides.

Both spin-wait (OpenMP) when they have more threads than free cores; on a busy machine that turned a
24 s cross-validation into more than 8 minutes. So threads default to the cores this process may run
on (its affinity mask, as set by ``taskset``, a container's cpuset or a batch scheduler), not the
machine's count, and processes that run models side by side share those cores out.
"""

from __future__ import annotations

import os


def available_cores() -> int:
    """The CPU cores this process may run on (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no affinity masks on this platform (macOS, Windows)
        return max(1, os.cpu_count() or 1)


def model_threads(threads: int | None = None, workers: int = 1) -> int:
    """Threads for one model while ``workers`` processes run models at once: ``threads`` in all
    (None: every available core) shared out among them, at least 1 each."""
    return max(1, (threads or available_cores()) // max(1, workers))
