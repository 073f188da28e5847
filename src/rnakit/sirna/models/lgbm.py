"""``lgbm``: LightGBM on the feature groups, trained with the competition score in mind.

Rows measured below 30 % (the "effective" class the score's F1 and RangeMAE look at) weigh
``low_weight`` times more. On inner out-of-fold predictions of the training rows only, a monotone
shift of the predictions is fitted and then a gate (see calibration.py): a LightGBM classifier of
"< 30" decides which side of 30 a prediction falls on when it is confident enough. The gene and
publication (``identity`` group) are hidden on a share of training rows so that the model also
learns the case of a gene it has never seen.

``lgbm-cal`` is the same model choosing its calibration (see :data:`CALIBRATIONS`): the shift and
gate, or the gate alone, whichever scores better on the inner out-of-fold predictions when fitted on
two inner folds and scored on the third.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from rnakit.cpu import model_threads
from rnakit.errors import InputFormatError
from rnakit.sirna.metrics import EFFECTIVE_THRESHOLD
from rnakit.sirna.models.calibration import calibrated, choose_calibration, fit_calibration, inner_folds
from rnakit.sirna.models.encoding import encode, learn_levels, mask_identity
from rnakit.sirna.models.lgbm_scorer import GATE_FILE, MODEL_FILE, PARAMS_FILE
from rnakit.sirna.models.saved import saved_params

log = logging.getLogger(__name__)



class LgbmEfficacyModel(RegressorMixin, BaseEstimator):
    """Predict % mRNA remaining from a feature matrix (a DataFrame, one column per feature).

    ``n_jobs``: LightGBM's threads (None: the cores available to this process, see :mod:`rnakit.cpu`).
    """

    uses_features = True
    table_columns: tuple[str, ...] = ()
    #: Calibrations chosen among on inner folds (calibration.CALIBRATIONS); one: no choice to make.
    calibrations: tuple[str, ...] = ("shift+gate",)

    def __init__(
        self,
        n_estimators: int = 600,
        learning_rate: float = 0.03,
        num_leaves: int = 31,
        min_child_samples: int = 20,
        colsample_bytree: float = 0.5,
        subsample: float = 0.8,
        low_weight: float = 2.0,
        calibrate: bool = True,
        gate: bool = True,
        identity_dropout: float = 0.5,
        inner_folds: int = 3,
        n_jobs: int | None = None,
        random_state: int = 0,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.colsample_bytree = colsample_bytree
        self.subsample = subsample
        self.low_weight = low_weight
        self.calibrate = calibrate
        self.gate = gate
        self.identity_dropout = identity_dropout
        self.inner_folds = inner_folds
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _booster_params(self) -> dict:
        return dict(
            n_estimators=self.n_estimators, learning_rate=self.learning_rate, num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples, colsample_bytree=self.colsample_bytree,
            subsample=self.subsample, subsample_freq=1, n_jobs=model_threads(self.n_jobs), random_state=self.random_state, verbose=-1,
        )

    def _categorical(self) -> list[int]:
        return [i for i, name in enumerate(self.features_) if name in self.levels_]

    def _fit_regressor(self, matrix: np.ndarray, y: np.ndarray) -> lgb.Booster:
        model = lgb.LGBMRegressor(**self._booster_params())
        model.fit(matrix, y, sample_weight=self._weights(y), categorical_feature=self._categorical() or "auto")
        return model.booster_

    def _fit_classifier(self, matrix: np.ndarray, y: np.ndarray) -> lgb.Booster:
        model = lgb.LGBMClassifier(**self._booster_params())
        model.fit(matrix, (y < EFFECTIVE_THRESHOLD).astype(int), categorical_feature=self._categorical() or "auto")
        return model.booster_

    def _weights(self, y: np.ndarray) -> np.ndarray:
        return np.where(y < EFFECTIVE_THRESHOLD, self.low_weight, 1.0)

    def fit(self, X: pd.DataFrame, y: np.ndarray, groups: np.ndarray | None = None) -> "LgbmEfficacyModel":
        """Fit on features ``X`` and % remaining ``y``; ``groups`` keep inner calibration folds honest."""
        y = np.asarray(y, dtype=float)
        X = mask_identity(X, self.identity_dropout, self.random_state)
        self.features_ = list(X.columns)
        self.levels_ = learn_levels(X)
        matrix = encode(X, self.features_, self.levels_)
        self.shift_, self.gate_threshold_, self.calibration_, self.calibration_scores_ = 0.0, None, None, {}
        n_groups = len(np.unique(groups)) if groups is not None else len(y)
        if self.calibrate and n_groups < self.inner_folds:
            log.warning("lgbm: %d group(s) are too few for %d calibration folds; predictions are not shifted",
                        n_groups, self.inner_folds)
        elif self.calibrate:
            inner, inner_p, threads = np.zeros(len(y)), np.zeros(len(y)), model_threads(self.n_jobs)
            folds = inner_folds(len(y), groups, self.inner_folds, self.random_state, "lgbm")
            for train, test in folds:
                inner[test] = self._fit_regressor(matrix[train], y[train]).predict(matrix[test], num_threads=threads)
                if self.gate:
                    inner_p[test] = self._fit_classifier(matrix[train], y[train]).predict(matrix[test], num_threads=threads)
            probability = inner_p if self.gate else None
            self.calibration_ = self.calibrations[0]
            if len(self.calibrations) > 1:  # each scored on the inner fold it was not fitted to
                self.calibration_, self.calibration_scores_ = choose_calibration(y, inner, probability, folds,
                                                                                 self.calibrations)
                log.info("lgbm: calibration %s (inner scores %s)", self.calibration_, self.calibration_scores_)
            self.shift_, self.gate_threshold_ = fit_calibration(self.calibration_, y, inner, probability)
        self.booster_ = self._fit_regressor(matrix, y)
        self.gate_booster_ = self._fit_classifier(matrix, y) if self.gate_threshold_ is not None else None
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Predicted % mRNA remaining for each row of ``X``."""
        check_is_fitted(self)
        matrix, threads = encode(X, self.features_, self.levels_), model_threads(self.n_jobs)
        predicted = self.booster_.predict(matrix, num_threads=threads)
        if self.gate_booster_ is None:
            return predicted + self.shift_
        return calibrated(predicted, self.gate_booster_.predict(matrix, num_threads=threads), self.shift_,
                          self.gate_threshold_)

    def save(self, folder: Path) -> None:
        """Write the booster(s) as LightGBM text and the encoding as JSON (no pickle)."""
        folder.mkdir(parents=True, exist_ok=True)
        self.booster_.save_model(str(folder / MODEL_FILE))
        if self.gate_booster_ is not None:
            self.gate_booster_.save_model(str(folder / GATE_FILE))
        state = {"params": self.get_params(), "features": self.features_, "levels": self.levels_, "shift": self.shift_,
                 "gate_threshold": self.gate_threshold_,
                 "calibration": self.calibration_, "calibration_scores": self.calibration_scores_}
        (folder / PARAMS_FILE).write_text(json.dumps(state, indent=1))

    @classmethod
    def load(cls, folder: Path) -> "LgbmEfficacyModel":
        """Read a model written by :meth:`save`."""
        try:
            state = json.loads((folder / PARAMS_FILE).read_text())
            booster = lgb.Booster(model_file=str(folder / MODEL_FILE))
            threshold = state.get("gate_threshold")  # absent in models saved before the gate existed
            gate = lgb.Booster(model_file=str(folder / GATE_FILE)) if threshold is not None else None
        except (OSError, ValueError, lgb.basic.LightGBMError) as exc:
            raise InputFormatError(f"not a readable lgbm model folder ({exc})", file=str(folder)) from None
        model = cls(**saved_params(cls, state["params"]))
        model.features_, model.levels_, model.shift_ = state["features"], state["levels"], float(state["shift"])
        model.booster_, model.gate_threshold_, model.gate_booster_ = booster, threshold, gate
        model.calibration_, model.calibration_scores_ = state.get("calibration"), state.get("calibration_scores", {})
        return model


class LgbmCalibrationChoiceModel(LgbmEfficacyModel):
    """``lgbm-cal``: ``lgbm`` choosing between shift + gate and the gate alone on inner folds."""

    calibrations = ("shift+gate", "gate")
