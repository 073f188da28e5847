"""Cross-validation folds that keep related rows together.

Target-gene-held-out folds are the primary protocol (the competition's final round judged unseen
genes). Duplex-grouped folds keep every measurement of one duplex (and every duplex sharing a
guide) together. Random folds are reported only as an optimistic reference.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from rnakit.errors import ValueRangeError


class SplitStrategy(str, Enum):
    """How rows are grouped so that no group straddles folds."""

    gene = "gene"
    duplex = "duplex"
    publication = "publication"
    group = "group"
    random = "random"

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    SplitStrategy.gene: "target gene held out (case-insensitive symbol; else transcript, else publication)",
    SplitStrategy.duplex: "duplex held out (version suffix dropped; identical guides together)",
    SplitStrategy.publication: "publication held out (else source)",
    SplitStrategy.group: "your own --group-col held out",
    SplitStrategy.random: "random rows (OPTIMISTIC: the same duplex straddles folds)",
}


def _strategy(strategy: SplitStrategy | str) -> SplitStrategy:
    try:
        return SplitStrategy(strategy)
    except ValueError:
        known = ", ".join(s.value for s in SplitStrategy)
        raise ValueRangeError(f"unknown split strategy {strategy!r} (expected one of {known})") from None


def _require(table: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueRangeError(f"cannot split: the table lacks column(s) {', '.join(missing)}")


def _first_present(*candidates: pd.Series) -> pd.Series:
    """Row-wise first non-missing value among prefixed candidate keys."""
    result = candidates[0]
    for candidate in candidates[1:]:
        result = result.where(result.notna(), candidate)
    return result


def _prefixed(column: pd.Series, prefix: str) -> pd.Series:
    return (prefix + column.astype("string")).astype("object").where(column.notna(), None)


def _duplex_components(table: pd.DataFrame) -> pd.Series:
    """Connected components of rows linked by duplex id (without ``.N``) or by identical guide."""
    duplex = table["duplex"].astype("string").str.replace(r"\.\d+$", "", regex=True)
    guide_codes, _ = pd.factorize(table["guide"].astype("string"))
    duplex_codes, duplex_uniques = pd.factorize(duplex)  # missing → −1
    n_guides = guide_codes.max() + 1
    linked = duplex_codes >= 0
    rows = guide_codes[linked]
    cols = n_guides + duplex_codes[linked]
    size = n_guides + len(duplex_uniques)
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    return pd.Series(labels[guide_codes], index=table.index).astype(str)


def group_keys(table: pd.DataFrame, strategy: SplitStrategy | str) -> pd.Series:
    """The group each row belongs to under ``strategy`` (a string per row)."""
    strategy = _strategy(strategy)
    if strategy is SplitStrategy.random:
        return pd.Series(np.arange(len(table)).astype(str), index=table.index)
    if strategy is SplitStrategy.duplex:
        _require(table, ["duplex", "guide"])
        return _duplex_components(table)
    if strategy is SplitStrategy.gene:
        _require(table, ["gene", "transcript_id", "publication", "guide"])
        gene = table["gene"].astype("string").str.strip().str.upper()
        return _first_present(
            _prefixed(gene.where(gene != "", None), "gene:"),
            _prefixed(table["transcript_id"], "transcript:"),
            _prefixed(table["publication"], "publication:"),
            _prefixed(table["guide"], "guide:"),
        )
    if strategy is SplitStrategy.publication:
        _require(table, ["publication", "source"])
        return _first_present(_prefixed(table["publication"], "publication:"), _prefixed(table["source"], "source:"))
    _require(table, ["group"])
    missing = int(table["group"].isna().sum())
    if missing:
        raise ValueRangeError(f"cannot split by group: {missing} row(s) have no group (see --group-col)")
    return table["group"].astype(str)


def assign_folds(table: pd.DataFrame, strategy: SplitStrategy | str, n_folds: int = 5, seed: int = 0) -> np.ndarray:
    """Fold index (0..n_folds−1) per row; whole groups go to one fold, row counts kept balanced.

    Groups are shuffled with ``seed`` and dealt largest first to the fold with fewest rows, so the
    same table, strategy and seed always give the same folds.
    """
    if n_folds < 2:
        raise ValueRangeError(f"need at least 2 folds, got {n_folds}")
    keys = group_keys(table, strategy)
    codes, uniques = pd.factorize(keys)
    if len(uniques) < n_folds:
        raise ValueRangeError(
            f"only {len(uniques)} group(s) under '{_strategy(strategy).value}' for {n_folds} folds"
        )
    rng = np.random.default_rng(seed)
    sizes = np.bincount(codes)
    order = rng.permutation(len(uniques))
    order = order[np.argsort(-sizes[order], kind="stable")]
    fold_of_group = np.empty(len(uniques), dtype=int)
    load = np.zeros(n_folds, dtype=int)
    for group in order:
        lightest = int(np.argmin(load))
        fold_of_group[group] = lightest
        load[lightest] += sizes[group]
    return fold_of_group[codes]


def iter_folds(
    table: pd.DataFrame, strategy: SplitStrategy | str, n_folds: int = 5, seed: int = 0
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(train_positions, test_positions)`` for each fold, in fold order."""
    folds = assign_folds(table, strategy, n_folds, seed)
    for fold in range(n_folds):
        yield np.flatnonzero(folds != fold), np.flatnonzero(folds == fold)
