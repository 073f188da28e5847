"""Cross-validated training: out-of-fold predictions, per-fold metrics, the train-vs-held-out gap."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rnakit.sirna.metrics import evaluate
from rnakit.sirna.splits import SplitStrategy, assign_folds, group_keys

ModelFactory = Callable[[], object]


@dataclass
class CrossValidation:
    """What a cross-validation produced; ``strategy`` names the split in every report."""

    strategy: str
    n_folds: int
    seed: int
    fold: np.ndarray  # fold index per row
    oof: np.ndarray  # out-of-fold prediction per row
    folds: list[dict] = field(default_factory=list)  # per fold: test and train metrics, sizes, seconds
    overall: dict = field(default_factory=dict)
    overall_train: dict = field(default_factory=dict)

    @property
    def gap(self) -> dict[str, float]:
        """Train minus held-out for each metric (how optimistic the training fit is)."""
        return {k: self.overall_train[k] - self.overall[k] for k in self.overall if k != "n"}


def cross_validate(
    table: pd.DataFrame, features: pd.DataFrame, make_model: ModelFactory,
    strategy: SplitStrategy | str, n_folds: int = 5, seed: int = 0, step: Callable[[int], None] | None = None,
) -> CrossValidation:
    """Fit ``make_model()`` on each fold's training rows and predict its held-out rows; ``step(k)`` is
    called as fold k (0-based) starts, for progress.

    The inner calibration folds of each model are grouped the same way as the outer split.
    """
    strategy = SplitStrategy(strategy)
    y = table["remaining_pct"].to_numpy(dtype=float)
    groups = group_keys(table, strategy).to_numpy()
    fold = assign_folds(table, strategy, n_folds, seed)
    oof = np.full(len(y), np.nan)
    train_pred_sum = np.zeros(len(y))
    train_pred_n = np.zeros(len(y))
    result = CrossValidation(strategy.value, n_folds, seed, fold, oof)
    for k in range(n_folds):
        if step is not None:
            step(k)
        train, test = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        start = time.perf_counter()
        model = make_model().fit(features.iloc[train], y[train], groups=groups[train])
        seconds = time.perf_counter() - start
        oof[test] = model.predict(features.iloc[test])
        fitted = model.predict(features.iloc[train])
        train_pred_sum[train] += fitted
        train_pred_n[train] += 1
        result.folds.append({
            "fold": k, "n_train": len(train), "n_test": len(test), "fit_seconds": round(seconds, 2),
            "test": evaluate(y[test], oof[test]), "train": evaluate(y[train], fitted),
        })
    result.overall = evaluate(y, oof)
    result.overall_train = evaluate(y, train_pred_sum / np.maximum(train_pred_n, 1))
    return result
