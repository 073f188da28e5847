"""One long target over several processes: the candidates' features computed in contiguous row chunks
at once, then joined in row order.

Every row keeps the whole target as its transcript, so position, region and flank columns are those of a
single pass; RNAplfold folds each chunk's sites with REGION_MARGIN (2 W) nt either side, beyond which no
window reaches a site, and gives the same probabilities bit for bit as one pass over the target (a test
compares a 2-process design's files with a 1-process one's). The model loads in this process while the
children work and runs here on the joined features, so no child ever starts LightGBM's OpenMP threads.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
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


def _can_fork() -> bool:
    # Forked children inherit the imported modules (no second start-up). Linux only: on macOS a forked
    # child of a process that loaded system frameworks may crash. A daemon process (a Dask or web-app
    # worker) may not have children at all.
    return sys.platform.startswith("linux") and not multiprocessing.current_process().daemon


def chunked_features(table: pd.DataFrame, groups: list[str], record: str, workers: int = 1,
                     meanwhile: Callable[[], T] | None = None) -> tuple[pd.DataFrame, T | None]:
    """:func:`rnakit.sirna.features.compute_features` of ``table`` (no cache), rows shared out over
    ``workers`` child processes, the same frame as one pass; and ``meanwhile()``, run in this process
    while they work (the model loads then)."""
    bounds = chunk_bounds(len(table), workers) if _can_fork() else [(0, len(table))]
    if len(bounds) == 1:
        waited = meanwhile() if meanwhile else None
        return _features(table, groups, record), waited
    # Forked before this process runs the model: LightGBM's OpenMP pool never exists in a child.
    with ProcessPoolExecutor(max_workers=len(bounds), mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(_features, table.iloc[start:end], groups, record) for start, end in bounds]
        waited = meanwhile() if meanwhile else None
        return pd.concat([future.result() for future in futures]), waited
