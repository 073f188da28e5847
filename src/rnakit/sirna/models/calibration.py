"""Post-hoc steps that tune predictions to the competition score, fitted on training rows only.

The competition rewards calling rows "< 30" correctly (F1) and being accurate among rows called
so (RangeMAE), so a regressor trained for squared error is often too timid near 30. Shifting every
prediction by one constant keeps the order (monotone) and is fitted on out-of-fold predictions of
the training rows only. A gate then lets a classifier of "< 30" (trained on the same rows) settle
which side of 30 a prediction falls on, at the probability threshold that scores best.
"""

from __future__ import annotations

import logging

import numpy as np

from rnakit.sirna.metrics import EFFECTIVE_THRESHOLD, competition_score

log = logging.getLogger(__name__)


def inner_folds(n: int, groups: np.ndarray | None, k: int, random_state: int,
                owner: str = "model") -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, test) row indices of ``k`` inner folds over ``n`` training rows: grouped by ``groups`` when
    there are at least ``k`` groups (so one gene's siRNAs never straddle them), else shuffled rows
    (``groups`` None, or a table too small to group; ``owner`` names the model in the warning)."""
    grouped = groups is not None and len(np.unique(groups)) >= k
    if groups is not None and not grouped:
        log.warning("%s: %d group(s) are too few for %d grouped inner folds; folds are random rows",
                    owner, len(np.unique(groups)), k)
    from sklearn.model_selection import GroupKFold, KFold  # training only: predicting needs no scikit-learn

    splitter = GroupKFold(k) if grouped else KFold(k, shuffle=True, random_state=random_state)
    return list(splitter.split(np.zeros(n), None, groups if grouped else None))

SHIFTS = np.arange(-25.0, 25.01, 0.5)


def best_shift(y_true: np.ndarray, y_pred: np.ndarray, shifts: np.ndarray = SHIFTS) -> float:
    """The additive shift (% points) that maximises the competition score; ties → the smallest |shift|."""
    scores = [(competition_score(y_true, y_pred + s), -abs(s), s) for s in shifts]
    return float(max(scores)[2])


#: Thresholds tried for the probability that a row is "< 30"; None (no gate) is always a candidate.
GATE_THRESHOLDS = np.round(np.arange(0.10, 0.71, 0.025), 3)
#: Where a gated prediction goes when the classifier and the regressor disagree.
GATE_BELOW, GATE_ABOVE = EFFECTIVE_THRESHOLD - 1.0, EFFECTIVE_THRESHOLD


def apply_gate(y_pred: np.ndarray, p_effective: np.ndarray, threshold: float | None) -> np.ndarray:
    """Let a classifier of "< 30" decide which side of 30 each prediction falls on.

    Rows whose probability exceeds ``threshold`` are capped at GATE_BELOW, the others raised to at
    least GATE_ABOVE; the regressor's value stands wherever the two agree. None leaves ``y_pred`` as is.
    """
    if threshold is None:
        return y_pred
    return np.where(p_effective > threshold, np.minimum(y_pred, GATE_BELOW), np.maximum(y_pred, GATE_ABOVE))


def best_gate(y_true: np.ndarray, y_pred: np.ndarray, p_effective: np.ndarray) -> float | None:
    """The threshold (or None, no gate) maximising the competition score; ties → no gate, then the lowest."""
    best_score, best = competition_score(y_true, y_pred), None
    for threshold in GATE_THRESHOLDS:
        score = competition_score(y_true, apply_gate(y_pred, p_effective, float(threshold)))
        if score > best_score:
            best_score, best = score, float(threshold)
    return best


#: Post-hoc calibrations a model can choose among, in tie-breaking order: one shift then a gate, or the
#: gate alone (on genes never seen, a shift fitted on a few dozen training genes over-calls some genes).
CALIBRATIONS = ("shift+gate", "gate")


def fit_calibration(name: str, y_true: np.ndarray, y_pred: np.ndarray,
                    p_effective: np.ndarray | None) -> tuple[float, float | None]:
    """(shift, gate threshold or None) of calibration ``name`` fitted to out-of-fold ``y_pred``;
    ``p_effective`` None: no gate."""
    if name not in CALIBRATIONS:
        raise ValueError(f"unknown calibration {name!r} (known: {', '.join(CALIBRATIONS)})")
    shift = best_shift(y_true, y_pred) if name == "shift+gate" else 0.0
    gate = best_gate(y_true, y_pred + shift, p_effective) if p_effective is not None else None
    return shift, gate


def calibrated(y_pred: np.ndarray, p_effective: np.ndarray | None, shift: float, gate: float | None) -> np.ndarray:
    """``y_pred`` shifted, then gated by ``p_effective`` (see :func:`apply_gate`)."""
    return apply_gate(y_pred + shift, p_effective, gate) if gate is not None else y_pred + shift


def choose_calibration(y_true: np.ndarray, y_pred: np.ndarray, p_effective: np.ndarray | None,
                       folds: list[tuple[np.ndarray, np.ndarray]],
                       names: tuple[str, ...] = CALIBRATIONS) -> tuple[str, dict[str, float]]:
    """The calibration among ``names`` that scores best on out-of-fold ``y_pred`` when each is fitted on
    the rows of all but one of ``folds`` and scored on that one (pooled); ties → the earlier name.
    Returns the name and every candidate's score."""
    scores = {}
    for name in names:
        scored = np.zeros(len(y_true))
        for train, test in folds:
            shift, gate = fit_calibration(name, y_true[train], y_pred[train],
                                          None if p_effective is None else p_effective[train])
            scored[test] = calibrated(y_pred[test], None if p_effective is None else p_effective[test], shift, gate)
        scores[name] = competition_score(y_true, scored)
    return max(names, key=lambda n: (scores[n], -names.index(n))), scores
