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

A table of up to GROUP_SPLIT_ROWS candidates is shared out by feature group instead: the first process
computes every group but NUMBA_GROUPS over every row (RNAplfold, Reynolds' self-fold, composition: about
half the work), the others NUMBA_GROUPS (guide–target fill, self-fold, duplex) by rows. Only those load
numba's cached programme (0.3 CPU s each), which on a few thousand rows is worth more than an even split
of the rows (NM_001001481, 3,875 rows, one run: the feature processes' CPU 1.59 + 1.65 s → 1.40 + 1.50 s).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import TypeVar

import pandas as pd

from rnakit.sirna.features.registry import SEPARATOR

#: Fewer candidates per process than this are not worth a process (~0.6 ms of features each).
MIN_CHUNK_ROWS = 500
#: Up to this many rows the processes share the work by feature group (see the module's text).
GROUP_SPLIT_ROWS = 20000
#: The groups that run numba's guide–target programme: the first process of a split by group computes
#: every other group, and never loads it.
NUMBA_GROUPS = ("thermo",)

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


def _warm_up(numba: bool) -> None:
    """Load what a chunk needs before its rows arrive: the feature groups, and numba's cached code when
    ``numba`` (the first process of a split by group never runs it)."""
    from rnakit.sirna.features import groups

    groups()
    if numba:
        from rnakit.hybrid.search import duplex_energies

        duplex_energies(["ACGUACGUACGUACGUACGUA"], ["UACGUACGUACGUACGUACGUACGU"])


def _can_fork() -> bool:
    # Forked children inherit the imported modules (no second start-up). Linux only: on macOS a forked
    # child of a process that loaded system frameworks may crash. A daemon process (a Dask or web-app
    # worker) may not have children at all.
    return sys.platform.startswith("linux") and not multiprocessing.current_process().daemon


@contextlib.contextmanager
def _forked(workers: int) -> Iterator[list[Executor]]:
    """``workers`` single-process executors, each warming up now (a failure there shows again, with its
    cause, in the chunk itself). One process each, so that each task goes where its code is loaded."""
    with contextlib.ExitStack() as stack:
        # Forked before this process runs the model: LightGBM's OpenMP pool never exists in a child.
        pools: list[Executor] = [stack.enter_context(ProcessPoolExecutor(1, multiprocessing.get_context("fork")))
                                 for _ in range(workers)]
        for i, pool in enumerate(pools):
            pool.submit(_warm_up, i > 0)
        yield pools


@contextlib.contextmanager
def feature_workers(workers: int, rows: int) -> Iterator[list[Executor] | None]:
    """``workers`` processes forked now, each loading the feature code while this process goes on, for
    :func:`chunked_features` of about ``rows`` rows (at most: a target's candidates before filtering);
    None (nothing forked) for one worker, too few rows to share, or where forking is unsafe."""
    if workers < 2 or rows < 2 * MIN_CHUNK_ROWS or not _can_fork():
        yield None
        return
    with _forked(workers) as pools:
        yield pools


def _tasks(rows: int, groups: list[str], workers: int) -> list[tuple[int, int, list[str]]]:
    """(start, end, groups) of each process's task, the i-th for the i-th process: the groups outside
    NUMBA_GROUPS over every row in the first and NUMBA_GROUPS by rows in the rest (a short table, see
    GROUP_SPLIT_ROWS), else every group by rows."""
    first = [group for group in groups if group not in NUMBA_GROUPS]
    others = [group for group in groups if group in NUMBA_GROUPS]
    if workers >= 2 and first and others and rows <= GROUP_SPLIT_ROWS:
        return [(0, rows, first)] + [(start, end, others) for start, end in chunk_bounds(rows, workers - 1)]
    return [(start, end, groups) for start, end in chunk_bounds(rows, workers)]


def _joined(parts: list[pd.DataFrame], tasks: list[tuple[int, int, list[str]]], groups: list[str]) -> pd.DataFrame:
    """One frame from the tasks' parts: rows stacked in order, then groups side by side in ``groups``' order
    (``id`` first), as one pass of compute_features gives them."""
    by_groups: dict[tuple[str, ...], list[pd.DataFrame]] = {}
    for part, (_, _, names) in zip(parts, tasks):
        by_groups.setdefault(tuple(names), []).append(part)
    blocks = [pd.concat(pieces) for pieces in by_groups.values()]
    if len(blocks) == 1:
        return blocks[0]
    joined = pd.concat([blocks[0], *(block.drop(columns="id") for block in blocks[1:])], axis=1)
    prefix = {column: column.partition(SEPARATOR)[0] for column in joined.columns}
    order = ["id"] + [column for group in groups for column in joined.columns if prefix[column] == group]
    if len(order) != len(joined.columns):  # a column named without its group: its place is unknown
        raise RuntimeError(f"feature columns outside their groups: {sorted(set(joined.columns) - set(order))}")
    return joined[order]


def chunked_features(table: pd.DataFrame, groups: list[str], record: str, workers: int = 1,
                     meanwhile: Callable[[], T] | None = None,
                     pool: list[Executor] | None = None) -> tuple[pd.DataFrame, T | None]:
    """:func:`rnakit.sirna.features.compute_features` of ``table`` (no cache), shared out over ``workers``
    child processes by rows or by group (:func:`_tasks`; those of ``pool`` when given, from
    :func:`feature_workers`: then even a single task goes to one), the same frame as one pass; and
    ``meanwhile()``, run in this process while they work (the model loads then)."""
    workers = min(workers, len(pool)) if pool is not None else workers
    tasks = _tasks(len(table), groups, workers) if pool is not None or _can_fork() else [(0, len(table), groups)]
    if pool is None and len(tasks) == 1:
        waited = meanwhile() if meanwhile else None
        return _features(table, groups, record), waited
    with contextlib.nullcontext(pool) if pool is not None else _forked(len(tasks)) as executors:
        futures = [executor.submit(_features, table.iloc[start:end], names, record)
                   for executor, (start, end, names) in zip(executors, tasks)]
        waited = meanwhile() if meanwhile else None
        return _joined([future.result() for future in futures], tasks, groups), waited
