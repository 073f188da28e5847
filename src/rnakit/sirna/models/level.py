"""``lgbm-level``: a gene's level and the siRNA's place within the gene, learnt apart and blended.

On genes it has never seen, most of ``lgbm``'s error is the per-gene offset (the same chemistry
silences one gene far better than another). This model splits a prediction into

- a **level**: for a gene seen in training, its training mean shrunk towards the overall mean
  (``prior_rows`` pseudo-rows); for a new gene, the overall mean moved by ``λ`` times what a small
  LightGBM fitted to gene means predicts from what a new gene has (conditions, chemistry summary,
  target-site features; never the gene or publication);
- a **deviation**: extremely randomised LightGBM trees fitted to % remaining minus the gene's mean
  (a within-gene target: the trees spend no capacity on telling genes apart);

and blends ``level + deviation`` with two whole-row regressors (``lgbm``'s own regressor and its
extremely randomised twin). Which blend, which ``λ``, which additive shift and which "< 30" gate
(``lgbm``'s classifier, the randomised one or their mean; see calibration.py) are all chosen inside
:meth:`fit`, by the competition score on inner out-of-fold predictions of the training rows, the
folds grouped by ``groups`` (the gene in a gene-held-out benchmark). No outer-fold row is looked at.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from rnakit.cpu import model_threads
from rnakit.errors import InputFormatError
from rnakit.sirna.metrics import EFFECTIVE_THRESHOLD, competition_score
from rnakit.sirna.models.calibration import apply_gate, best_gate, best_shift, inner_folds
from rnakit.sirna.models.encoding import IDENTITY_PREFIX, encode, learn_levels, mask_identity
from rnakit.sirna.models.saved import saved_params

log = logging.getLogger(__name__)

STATE_FILE = "lgbm_level.json"
#: The component regressors, in the order of the blend weights.
REGRESSORS = ("plain", "extra", "level_deviation")
#: The "< 30" classifiers a gate may use ("mean" averages the two probabilities).
CLASSIFIERS = ("plain", "extra")
GATES = ("plain", "extra", "mean")
#: Shrinkage of the covariate level of a new gene towards the overall mean (0: the mean only).
LAMBDAS = (0.0, 0.5, 1.0)
GENE_COLUMN, PUBLICATION_COLUMN = f"{IDENTITY_PREFIX}gene", f"{IDENTITY_PREFIX}publication"
# Columns a new gene has that may say something about its level: the experiment's conditions,
# a summary of the chemistry (not per position) and the target-site features.
_LEVEL_COLUMN = re.compile(r"^(conditions__|target__|modifications__(?!.*_p\d+_))")


def gene_keys(X: pd.DataFrame) -> np.ndarray:
    """The gene of each row (its publication when the gene is missing; one shared key when both are)."""
    keys = pd.Series("", index=X.index, dtype=object)
    for column, prefix in ((PUBLICATION_COLUMN, "publication:"), (GENE_COLUMN, "gene:")):
        if column in X.columns:
            values = X[column].astype(object)
            keys = (prefix + values.astype(str)).where(values.notna(), keys)
    return keys.to_numpy()


def level_columns(columns: list[str]) -> list[str]:
    """The feature columns the level of a new gene is predicted from."""
    return [c for c in columns if _LEVEL_COLUMN.match(c)]


def shrunk_means(y: np.ndarray, keys: np.ndarray, overall: float, prior_rows: float) -> dict[str, float]:
    """Each key's mean of ``y`` shrunk towards ``overall`` as if ``prior_rows`` rows at ``overall`` were added."""
    frame = pd.DataFrame({"y": y, "k": keys}).groupby("k")["y"].agg(["sum", "size"])
    means = (frame["sum"] + prior_rows * overall) / (frame["size"] + prior_rows)
    return {str(k): float(v) for k, v in means.items()}


def blend_grid(n: int, step: float) -> np.ndarray:
    """Every weight vector of ``n`` non-negative multiples of ``step`` summing to 1."""
    units = int(round(1 / step))
    return np.asarray([c for c in itertools.product(range(units + 1), repeat=n) if sum(c) == units], float) / units


class LgbmLevelModel(RegressorMixin, BaseEstimator):
    """Predict % mRNA remaining as a blend of whole-row regressors and gene level + within-gene deviation.

    ``prior_rows``: pseudo-rows shrinking a seen gene's mean; ``weight_step``: grid step of the blend
    weights; ``n_jobs``: LightGBM's threads (None: the cores available to this process).
    """

    uses_features = True
    table_columns: tuple[str, ...] = ()

    def __init__(
        self,
        n_estimators: int = 600,
        learning_rate: float = 0.03,
        num_leaves: int = 31,
        min_child_samples: int = 20,
        colsample_bytree: float = 0.5,
        subsample: float = 0.8,
        low_weight: float = 2.0,
        identity_dropout: float = 0.5,
        level_estimators: int = 200,
        prior_rows: float = 20.0,
        weight_step: float = 0.25,
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
        self.identity_dropout = identity_dropout
        self.level_estimators = level_estimators
        self.prior_rows = prior_rows
        self.weight_step = weight_step
        self.inner_folds = inner_folds
        self.n_jobs = n_jobs
        self.random_state = random_state

    # -- the component boosters -------------------------------------------------------------------

    def _params(self, extra: bool = False, **overrides) -> dict:
        params = dict(
            n_estimators=self.n_estimators, learning_rate=self.learning_rate, num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples, colsample_bytree=self.colsample_bytree,
            subsample=self.subsample, subsample_freq=1, n_jobs=model_threads(self.n_jobs),
            random_state=self.random_state, verbose=-1, extra_trees=extra,
        )
        return {**params, **overrides}

    def _weights(self, y: np.ndarray) -> np.ndarray:
        return np.where(y < EFFECTIVE_THRESHOLD, self.low_weight, 1.0)

    def _fit_components(self, X: pd.DataFrame, y: np.ndarray) -> dict:
        """Every booster and the encodings they need, fitted on ``X``/``y`` alone."""
        keys = gene_keys(X)
        overall = float(np.average(y, weights=self._weights(y)))
        gene_mean = pd.Series(y).groupby(keys).transform("mean").to_numpy()
        masked = mask_identity(X, self.identity_dropout, self.random_state)
        full = list(X.columns)
        plain_levels = learn_levels(masked)
        whole = encode(masked, full, plain_levels)
        whole_categories = [i for i, c in enumerate(full) if c in plain_levels] or "auto"
        deviation_columns = [c for c in full if not c.startswith(IDENTITY_PREFIX)]
        level_cols = level_columns(full)
        deviation_levels = learn_levels(X[deviation_columns])
        level_levels = learn_levels(X[level_cols])
        state = {"features": full, "plain_levels": plain_levels, "deviation_features": deviation_columns,
                 "deviation_levels": deviation_levels, "level_features": level_cols, "level_levels": level_levels,
                 "overall": overall, "gene_means": shrunk_means(y, keys, overall, self.prior_rows), "boosters": {}}
        boosters = state["boosters"]
        weights, effective = self._weights(y), (y < EFFECTIVE_THRESHOLD).astype(int)
        for name, extra in (("plain", False), ("extra", True)):
            boosters[f"reg_{name}"] = lgb.LGBMRegressor(**self._params(extra)).fit(
                whole, y, sample_weight=weights, categorical_feature=whole_categories).booster_
            boosters[f"clf_{name}"] = lgb.LGBMClassifier(**self._params(extra)).fit(
                whole, effective, categorical_feature=whole_categories).booster_
        deviation = encode(X, deviation_columns, deviation_levels)
        boosters["deviation"] = lgb.LGBMRegressor(**self._params(True)).fit(
            deviation, y - gene_mean, sample_weight=weights,
            categorical_feature=[i for i, c in enumerate(deviation_columns) if c in deviation_levels] or "auto").booster_
        if level_cols:
            # Gene means are few and noisy: a small, heavily regularised model, each gene counting once.
            size = pd.Series(keys).groupby(keys).transform("size").to_numpy()
            boosters["level"] = lgb.LGBMRegressor(**self._params(
                False, n_estimators=self.level_estimators, num_leaves=7, min_child_samples=50, learning_rate=0.05,
            )).fit(encode(X, level_cols, level_levels), gene_mean, sample_weight=1.0 / size,
                   categorical_feature=[i for i, c in enumerate(level_cols) if c in level_levels] or "auto").booster_
        return state

    def _component_predictions(self, state: dict, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(regressors: n × 3 with λ = 0 for new genes, level shift of a new gene per row at λ = 1,
        classifier probabilities: n × 2) from fitted components."""
        threads, boosters = model_threads(self.n_jobs), state["boosters"]
        whole = encode(X, state["features"], state["plain_levels"])
        deviation = boosters["deviation"].predict(encode(X, state["deviation_features"], state["deviation_levels"]),
                                                  num_threads=threads)
        known = pd.Series(gene_keys(X)).map(state["gene_means"])
        seen = known.notna().to_numpy()
        base_level = known.fillna(state["overall"]).to_numpy()
        level_shift = np.zeros(len(X))
        if "level" in boosters:
            covariate = boosters["level"].predict(encode(X, state["level_features"], state["level_levels"]),
                                                  num_threads=threads)
            level_shift = np.where(seen, 0.0, covariate - state["overall"])
        regressors = np.column_stack([boosters["reg_plain"].predict(whole, num_threads=threads),
                                      boosters["reg_extra"].predict(whole, num_threads=threads),
                                      base_level + deviation])
        classifiers = np.column_stack([boosters[f"clf_{n}"].predict(whole, num_threads=threads) for n in CLASSIFIERS])
        return regressors, level_shift, classifiers

    @staticmethod
    def _combine(regressors: np.ndarray, level_shift: np.ndarray, weights: np.ndarray, lam: float) -> np.ndarray:
        return regressors @ weights + weights[2] * lam * level_shift

    @staticmethod
    def _gate_probability(classifiers: np.ndarray, gate: str) -> np.ndarray:
        return classifiers.mean(axis=1) if gate == "mean" else classifiers[:, CLASSIFIERS.index(gate)]

    # -- fitting and predicting -------------------------------------------------------------------

    def fit(self, X: pd.DataFrame, y: np.ndarray, groups: np.ndarray | None = None) -> "LgbmLevelModel":
        """Fit on features ``X`` and % remaining ``y``; the blend, λ, shift and gate are chosen on inner
        out-of-fold predictions with folds grouped by ``groups`` (rows when None)."""
        y = np.asarray(y, dtype=float)
        regressors, level_shift = np.zeros((len(y), len(REGRESSORS))), np.zeros(len(y))
        classifiers = np.zeros((len(y), len(CLASSIFIERS)))
        for train, test in self._inner_folds(len(y), groups):
            state = self._fit_components(X.iloc[train], y[train])
            regressors[test], level_shift[test], classifiers[test] = self._component_predictions(state, X.iloc[test])
        self._choose(y, regressors, level_shift, classifiers)
        self.state_ = self._fit_components(X, y)
        return self

    def _inner_folds(self, n: int, groups: np.ndarray | None) -> list[tuple[np.ndarray, np.ndarray]]:
        return inner_folds(n, groups, self.inner_folds, self.random_state, type(self).__name__)

    def _choose(self, y: np.ndarray, regressors: np.ndarray, level_shift: np.ndarray, classifiers: np.ndarray) -> None:
        """The blend weights, λ and shift, then the gate, that score best on the inner out-of-fold rows.
        Ties go to the first candidate (grid order; λ = 0 before larger)."""
        best = (-np.inf, None, 0.0, 0.0)
        for weights in blend_grid(len(REGRESSORS), self.weight_step):
            for lam in LAMBDAS if weights[2] > 0 else (0.0,):
                blended = self._combine(regressors, level_shift, weights, lam)
                shift = best_shift(y, blended)
                score = competition_score(y, blended + shift)
                if score > best[0]:
                    best = (score, weights, lam, shift)
        _, weights, lam, shift = best
        blended = self._combine(regressors, level_shift, weights, lam) + shift
        gate, threshold, gate_score = self._choose_gate(y, blended, classifiers)
        self.weights_, self.lambda_, self.shift_ = [float(w) for w in weights], float(lam), float(shift)
        self.gate_, self.gate_threshold_, self.inner_score_ = gate, threshold, float(gate_score)
        self.inner_component_scores_ = {n: float(competition_score(y, regressors[:, j])) for j, n in enumerate(REGRESSORS)}
        log.info("lgbm-level: weights %s, lambda %.1f, shift %+.1f, gate %s@%s, inner score %.4f (components %s)",
                 self.weights_, self.lambda_, self.shift_, gate, threshold, gate_score, self.inner_component_scores_)

    @classmethod
    def _choose_gate(cls, y: np.ndarray, predicted: np.ndarray, classifiers: np.ndarray) -> tuple[str | None, float | None, float]:
        """The gate (classifier and threshold, or none) that scores best on ``predicted``, and that score."""
        gate, threshold, gate_score = None, None, competition_score(y, predicted)
        for name in GATES:
            probability = cls._gate_probability(classifiers, name)
            candidate = best_gate(y, predicted, probability)
            if candidate is None:
                continue
            score = competition_score(y, apply_gate(predicted, probability, candidate))
            if score > gate_score:
                gate, threshold, gate_score = name, candidate, score
        return gate, threshold, gate_score

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Predicted % mRNA remaining for each row of ``X``."""
        check_is_fitted(self)
        return self._blend(*self._component_predictions(self.state_, X))

    def _blend(self, regressors: np.ndarray, level_shift: np.ndarray, classifiers: np.ndarray) -> np.ndarray:
        """Component predictions → % remaining with the chosen weights, λ, shift and gate."""
        predicted = self._combine(regressors, level_shift, np.asarray(self.weights_), self.lambda_) + self.shift_
        if self.gate_ is None:
            return predicted
        return apply_gate(predicted, self._gate_probability(classifiers, self.gate_), self.gate_threshold_)

    def level(self, X: pd.DataFrame) -> np.ndarray:
        """The level component for each row: a seen gene's shrunk mean, else overall mean + λ·covariate shift."""
        known = pd.Series(gene_keys(X)).map(self.state_["gene_means"])
        level = known.fillna(self.state_["overall"]).to_numpy()
        if "level" in self.state_["boosters"]:
            covariate = self.state_["boosters"]["level"].predict(
                encode(X, self.state_["level_features"], self.state_["level_levels"]), num_threads=model_threads(self.n_jobs))
            level = np.where(known.notna(), level, level + self.lambda_ * (covariate - self.state_["overall"]))
        return level

    # -- saved form -------------------------------------------------------------------------------

    def save(self, folder: Path) -> None:
        """Each booster as LightGBM text and everything else as JSON (no pickle)."""
        folder.mkdir(parents=True, exist_ok=True)
        for name, booster in self.state_["boosters"].items():
            booster.save_model(str(folder / f"{name}.txt"))
        state = {k: v for k, v in self.state_.items() if k != "boosters"}
        state.update(params=self.get_params(), boosters=sorted(self.state_["boosters"]), weights=self.weights_,
                     lambda_=self.lambda_, shift=self.shift_, gate=self.gate_, gate_threshold=self.gate_threshold_,
                     inner_score=self.inner_score_, inner_component_scores=self.inner_component_scores_)
        (folder / STATE_FILE).write_text(json.dumps(state, indent=1))

    @classmethod
    def load(cls, folder: Path) -> "LgbmLevelModel":
        """Read a model written by :meth:`save`."""
        try:
            state = json.loads((folder / STATE_FILE).read_text())
            boosters = {name: lgb.Booster(model_file=str(folder / f"{name}.txt")) for name in state.pop("boosters")}
        except (OSError, ValueError, KeyError, lgb.basic.LightGBMError) as exc:
            raise InputFormatError(f"not a readable lgbm-level model folder ({exc})", file=str(folder)) from None
        model = cls(**saved_params(cls, state.pop("params")))
        model.weights_, model.lambda_, model.shift_ = state.pop("weights"), state.pop("lambda_"), state.pop("shift")
        model.gate_, model.gate_threshold_ = state.pop("gate"), state.pop("gate_threshold")
        model.inner_score_, model.inner_component_scores_ = state.pop("inner_score"), state.pop("inner_component_scores")
        model.state_ = {**state, "boosters": boosters}
        return model
