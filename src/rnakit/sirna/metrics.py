"""The SAIS 2024 competition score and the usual regression/ranking metrics.

All values are % mRNA remaining (lower = more potent). An siRNA is "effective" below 30 %.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from rnakit.errors import ValueRangeError

EFFECTIVE_THRESHOLD = 30.0


def _as_pair(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    truth = np.asarray(y_true, dtype=float).ravel()
    pred = np.asarray(y_pred, dtype=float).ravel()
    if truth.shape != pred.shape:
        raise ValueRangeError(f"truth has {truth.size} values but prediction has {pred.size}")
    if truth.size == 0:
        raise ValueRangeError("no rows to score")
    if not (np.isfinite(truth).all() and np.isfinite(pred).all()):
        raise ValueRangeError("truth and prediction must be finite numbers (found NaN or infinity)")
    return truth, pred


def f1_below_30(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """F1 of "value < 30" on truth vs prediction; 0 when it is undefined (no positives anywhere)."""
    truth, pred = _as_pair(y_true, y_pred)
    actual = truth < EFFECTIVE_THRESHOLD
    called = pred < EFFECTIVE_THRESHOLD
    true_positives = int(np.sum(actual & called))
    denominator = int(actual.sum() + called.sum())
    return 2.0 * true_positives / denominator if denominator else 0.0


def range_mae(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """MAE over rows whose *prediction* lies in [0, 30]; 100 when there is none."""
    truth, pred = _as_pair(y_true, y_pred)
    in_range = (pred >= 0.0) & (pred <= EFFECTIVE_THRESHOLD)
    if not in_range.any():
        return 100.0
    return float(np.mean(np.abs(truth[in_range] - pred[in_range])))


def competition_score(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """0.5·(1 − MAE/100) + 0.5·F1·(1 − RangeMAE/100), as the competition defines it."""
    truth, pred = _as_pair(y_true, y_pred)
    mae = float(np.mean(np.abs(truth - pred)))
    return 0.5 * (1.0 - mae / 100.0) + 0.5 * f1_below_30(truth, pred) * (1.0 - range_mae(truth, pred) / 100.0)


def _correlation(kind, truth: np.ndarray, pred: np.ndarray) -> float:
    # Undefined for fewer than two rows or a constant side: NaN, without scipy's warning.
    if truth.size < 2 or np.ptp(truth) == 0 or np.ptp(pred) == 0:
        return float("nan")
    return float(kind(truth, pred)[0])


def evaluate(y_true: ArrayLike, y_pred: ArrayLike) -> dict[str, float]:
    """Every metric: n, score, mae, rmse, f1, range_mae, pearson, spearman, auc.

    AUC ranks rows by −prediction (lower predicted remaining = more likely effective) against
    truth < 30; NaN when the truth has a single class.
    """
    from scipy import stats  # here, not at the top: calibrating a prediction imports this module's threshold
    from sklearn.metrics import roc_auc_score

    truth, pred = _as_pair(y_true, y_pred)
    errors = truth - pred
    actual = truth < EFFECTIVE_THRESHOLD
    auc = float(roc_auc_score(actual, -pred)) if 0 < actual.sum() < actual.size else float("nan")
    return {
        "n": int(truth.size),
        "score": competition_score(truth, pred),
        "mae": float(np.mean(np.abs(errors))),
        "rmse": float(np.sqrt(np.mean(errors**2))),
        "f1": f1_below_30(truth, pred),
        "range_mae": range_mae(truth, pred),
        "pearson": _correlation(stats.pearsonr, truth, pred),
        "spearman": _correlation(stats.spearmanr, truth, pred),
        "auc": auc,
    }


def fold_pearson(y_true: ArrayLike, y_pred: ArrayLike, fold: ArrayLike) -> dict[str, float]:
    """Pearson inside each fold, as their mean and sample standard deviation: how most published siRNA
    tools report cross-validation ("0.68 ± 0.05"), unlike one Pearson over every fold's rows pooled, which
    also charges each fold's model for its offset from the others'."""
    truth, pred = _as_pair(y_true, y_pred)
    fold = np.asarray(fold).ravel()
    if fold.shape != truth.shape:
        raise ValueRangeError(f"{fold.size} fold labels for {truth.size} rows")
    from scipy import stats

    per_fold = np.array([_correlation(stats.pearsonr, truth[fold == k], pred[fold == k]) for k in np.unique(fold)])
    return {"pearson_fold_mean": float(np.mean(per_fold)),
            "pearson_fold_sd": float(np.std(per_fold, ddof=1)) if per_fold.size > 1 else float("nan")}
