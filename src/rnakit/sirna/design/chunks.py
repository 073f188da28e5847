"""One long target over several processes: the candidates' features computed in contiguous row chunks
at once, then joined in row order.

Every row keeps the whole target as its transcript, so position, region and flank columns are those of a
single pass; RNAplfold folds each chunk's sites with REGION_MARGIN (2 W) nt either side, beyond which no
window reaches a site, and gives the same probabilities bit for bit as one pass over the target (a test
compares a 2-process design's files with a 1-process one's). The model loads in this process while the
children work and runs here on the joined features, so no child ever starts LightGBM's OpenMP threads.

The processes can be forked before the candidates exist (:func:`feature_workers`): each then loads the
feature code (numba, its cached guide–target programme, ViennaRNA: over half a CPU second) while this
process enumerates and filters the candidates.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import TypeVar

import pandas as pd

#: Fewer candidates per process than this are not worth a process (~0.6 ms of features each).
MIN_CHUNK_ROWS = 500

T = TypeVar("T")


def chunk_bounds(rows: int, workers: int) -> list[tuple[int, int]]:
    """Contiguous (start, end) row ranges, at most ``workers`` of them and each ≥ MIN_CHUNK_ROWS rows
    (one range when there are too few rows to share)."""
    parts = max(1, min(workers, rows // MIN_CHUNK_ROWS))
    edges = [rows * i // parts for i in range(parts + 1)]
    return list(zip(edges[:-1], edges[1:]))


def _features(table: pd.DataFrame, groups: list[str], record: str) -> pd.DataFrame:
    # Imported here: the feature groups load numba and ViennaRNA, which the forked children then import
    # side by side instead of this process before it forks (a serial third of a second).
    from rnakit.sirna.features import compute_features

    return compute_features(table, groups, cache_dir=None, file=record)


def _warm_up() -> None:
    """Load what every chunk needs before its rows arrive: the feature groups and numba's cached code."""
    from rnakit.hybrid.search import duplex_energies
    from rnakit.sirna.features import groups

    groups()
    duplex_energies(["ACGUACGUACGUACGUACGUA"], ["UACGUACGUACGUACGUACGUACGU"])


def _can_fork() -> bool:
    # Forked children inherit the imported modules (no second start-up). Linux only: on macOS a forked
    # child of a process that loaded system frameworks may crash. A daemon process (a Dask or web-app
    # worker) may not have children at all.
    return sys.platform.startswith("linux") and not multiprocessing.current_process().daemon


def _fork_pool(workers: int) -> ProcessPoolExecutor:
    # Forked before this process runs the model: LightGBM's OpenMP pool never exists in a child.
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))


@contextlib.contextmanager
def feature_workers(workers: int, rows: int) -> Iterator[Executor | None]:
    """``workers`` processes forked now, each loading the feature code while this process goes on, for
    :func:`chunked_features` of about ``rows`` rows (at most: a target's candidates before filtering);
    None (nothing forked) for one worker, too few rows to share, or where forking is unsafe."""
    if workers < 2 or rows < 2 * MIN_CHUNK_ROWS or not _can_fork():
        yield None
        return
    with _fork_pool(workers) as pool:
        for _ in range(workers):
            pool.submit(_warm_up)  # a failure here shows again, with its cause, in the chunk itself
        yield pool


def chunked_features(table: pd.DataFrame, groups: list[str], record: str, workers: int = 1,
                     meanwhile: Callable[[], T] | None = None,
                     pool: Executor | None = None) -> tuple[pd.DataFrame, T | None]:
    """:func:`rnakit.sirna.features.compute_features` of ``table`` (no cache), rows shared out over
    ``workers`` child processes (those of ``pool`` when given: then even a single chunk goes to one),
    the same frame as one pass; and ``meanwhile()``, run in this process while they work (the model
    loads then)."""
    bounds = chunk_bounds(len(table), workers) if pool is not None or _can_fork() else [(0, len(table))]
    if pool is None and len(bounds) == 1:
        waited = meanwhile() if meanwhile else None
        return _features(table, groups, record), waited
    with contextlib.nullcontext(pool) if pool is not None else _fork_pool(len(bounds)) as executor:
        futures = [executor.submit(_features, table.iloc[start:end], groups, record) for start, end in bounds]
        waited = meanwhile() if meanwhile else None
        return pd.concat([future.result() for future in futures]), waited
