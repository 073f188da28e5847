"""``ensemble``: a weighted blend of member models, the weights fitted on out-of-fold predictions.

Fitting runs ``inner_folds`` folds over the training rows (grouped like the outer split when groups
are given), collects every member's held-out predictions, picks the blend weights on the simplex
(steps of ``weight_step``) and one additive shift that maximise the competition score on them, and
then fits every member on all training rows. No row ever judges a model that saw it.
"""

from __future__ import annotations

import itertools
import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.utils.validation import check_is_fitted

from rnakit.errors import InputFormatError
from rnakit.sirna.features.registry import SEPARATOR
from rnakit.sirna.metrics import competition_score
from rnakit.sirna.models.calibration import best_shift, inner_folds
from rnakit.sirna.models.protocol import EfficacyModel
from rnakit.sirna.models.registry import model_class
from rnakit.sirna.models.saved import saved_params

log = logging.getLogger(__name__)

#: Models that can be blended, by the names the CLI uses. Their classes are imported when a blend uses
#: them, so an lgbm-only ensemble runs without the [nn] extra (torch) that gru-baseline and seqnet need.
MEMBER_MODELS: tuple[str, ...] = ("lgbm", "gru-baseline", "seqnet", "lgbm-seen", "gnn")
STATE_FILE = "ensemble.json"


def member_view(estimator: type[EfficacyModel], X: pd.DataFrame) -> pd.DataFrame:
    """The columns of ``X`` that one member reads: feature columns if it uses them, plus its table columns."""
    features = [c for c in X.columns if SEPARATOR in c] if estimator.uses_features else []
    missing = [c for c in estimator.table_columns if c not in X.columns]
    if missing:
        raise InputFormatError(f"the ensemble's input lacks column(s) {', '.join(missing)}")
    return X[features + list(estimator.table_columns)]


def simplex_grid(n: int, step: float) -> np.ndarray:
    """Every weight vector of ``n`` non-negative multiples of ``step`` summing to 1."""
    units = int(round(1 / step))
    points = [c for c in itertools.product(range(units + 1), repeat=n) if sum(c) == units]
    return np.asarray(points, dtype=float) / units


def best_blend(y: np.ndarray, predictions: np.ndarray, step: float) -> tuple[np.ndarray, float, float]:
    """(weights, shift, score) maximising the competition score of ``predictions @ weights + shift``.

    Ties go to the first weight vector in grid order (the later members weighted most).
    """
    best = (None, 0.0, -np.inf)
    for weights in simplex_grid(predictions.shape[1], step):
        blended = predictions @ weights
        shift = best_shift(y, blended)
        score = competition_score(y, blended + shift)
        if score > best[2]:
            best = (weights, shift, score)
    return best


class EnsembleModel(RegressorMixin, BaseEstimator):
    """Blend of ``members`` (names from :data:`MEMBER_MODELS`) with out-of-fold weights."""

    uses_features = True
    # Every member's table columns, in MEMBER_MODELS order (written out so that reading this attribute
    # imports no member; tests/sirna/models/test_seqnet_ensemble.py checks it against the members).
    table_columns = ("guide", "guide_mods", "transcript", "context", "gene", "transcript_id", "publication")

    def __init__(self, members: tuple[str, ...] = ("lgbm", "seqnet"), inner_folds: int = 3, weight_step: float = 0.05,
                 n_jobs: int | None = None, random_state: int = 0) -> None:
        self.members = members
        self.inner_folds = inner_folds
        self.weight_step = weight_step
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _classes(self) -> list[type[EfficacyModel]]:
        unknown = [m for m in self.members if m not in MEMBER_MODELS]
        if unknown or not self.members:
            raise InputFormatError(f"unknown ensemble member(s) {', '.join(unknown) or '(none)'} "
                                   f"(known: {', '.join(MEMBER_MODELS)})")
        return [model_class(m) for m in self.members]

    def _prototypes(self) -> list[EfficacyModel]:
        """One unfitted member per name, set up once; every fit works on a scikit-learn clone of it."""
        return [estimator(n_jobs=self.n_jobs, random_state=self.random_state) for estimator in self._classes()]

    def fit(self, X: pd.DataFrame, y: np.ndarray, groups: np.ndarray | None = None) -> "EnsembleModel":
        """Fit the blend weights on inner out-of-fold predictions, then every member on all rows."""
        y = np.asarray(y, dtype=float)
        prototypes = self._prototypes()
        views = [member_view(type(p), X) for p in prototypes]
        inner = np.zeros((len(y), len(prototypes)))
        for train, test in inner_folds(len(y), groups, self.inner_folds, self.random_state, "ensemble"):
            for j, (prototype, view) in enumerate(zip(prototypes, views)):
                inner_groups = groups[train] if groups is not None else None
                model = clone(prototype).fit(view.iloc[train], y[train], groups=inner_groups)
                inner[test, j] = model.predict(view.iloc[test])
        weights, shift, score = best_blend(y, inner, self.weight_step)
        self.weights_, self.shift_, self.inner_score_ = weights.tolist(), float(shift), float(score)
        self.inner_member_scores_ = [float(competition_score(y, inner[:, j])) for j in range(len(prototypes))]
        log.info("ensemble: weights %s, shift %+.1f, inner score %.4f (members %s)",
                 self.weights_, self.shift_, score, self.inner_member_scores_)
        self.models_ = [clone(p).fit(v, y, groups=groups) for p, v in zip(prototypes, views)]
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Blended % mRNA remaining for each row of ``X``."""
        check_is_fitted(self)
        for model in self.models_:  # the members use the ensemble's threads (a loaded one: the caller's)
            model.n_jobs = self.n_jobs
        columns = [m.predict(member_view(type(m), X)) for m in self.models_]
        return np.column_stack(columns) @ np.asarray(self.weights_) + self.shift_

    def save(self, folder: Path) -> None:
        """Each member in its own subfolder (its own safe format) and the blend as JSON."""
        folder.mkdir(parents=True, exist_ok=True)
        for name, model in zip(self.members, self.models_):
            model.save(folder / name)
        state = {"params": {**self.get_params(), "members": list(self.members)}, "weights": self.weights_,
                 "shift": self.shift_, "inner_score": self.inner_score_, "inner_member_scores": self.inner_member_scores_}
        (folder / STATE_FILE).write_text(json.dumps(state, indent=1))

    @classmethod
    def load(cls, folder: Path) -> "EnsembleModel":
        """Read a model written by :meth:`save`."""
        try:
            state = json.loads((folder / STATE_FILE).read_text())
        except (OSError, ValueError) as exc:
            raise InputFormatError(f"not a readable ensemble model folder ({exc})", file=str(folder)) from None
        params = saved_params(cls, state["params"])
        model = cls(**{**params, "members": tuple(params["members"])})
        model.models_ = [estimator.load(folder / name) for name, estimator in zip(model.members, model._classes())]
        model.weights_, model.shift_ = state["weights"], float(state["shift"])
        model.inner_score_, model.inner_member_scores_ = state["inner_score"], state["inner_member_scores"]
        return model
