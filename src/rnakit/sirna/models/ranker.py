"""``lgbm-rank``: LightGBM for data pooled from studies whose labels are not on one scale.

Knockdown measured in different assays is not comparable across studies, but the order of siRNAs
within one study and gene is. The model is fitted to one of several *objectives* (how a label enters):

- ``regression``: the raw % remaining (the plain baseline);
- ``standardised``: % remaining standardised within each study (its assay's offset and scale removed,
  differences between the study's genes kept);
- ``centred``: % remaining minus its (study × gene) group mean (a per-group offset removed);
- ``rank``: the within-group percentile rank (0 = most potent; regression on it);
- ``lambdarank`` / ``xendcg``: LightGBM's listwise ranking objectives with the groups as queries
  (relevance = the percentile rank binned into ``relevance_levels`` levels, potent = high).

``objective="auto"`` chooses among them and their ``blend`` (each objective's score divided by its
spread, averaged) on inner out-of-fold predictions (folds grouped by ``groups``, the gene): the one
with the highest mean within-study Pearson (each study weighted by its rows). Within a study, genes
were measured alike, so the level a model gives a gene counts there, as it does when one lab tests
designs; across studies it cannot (their assays differ). The score is put back on the % remaining
scale by a straight line fitted to those out-of-fold scores, so the output reads like every other
model's.

Each study of at least :data:`MIN_STUDY_ROWS` training rows also gets its own line, fitted to its
rows' out-of-fold scores: its assay's level and spread, shrunk toward the mean of the study lines by
``line_shrinkage`` pseudo-rows (weight n / (n + k)). ``"auto"`` picks each study's k from
:data:`SHRINKAGES` by the root-mean-square error of the inner out-of-fold predictions of its rows, each
fold's lines fitted on the other folds' rows (ties: the least shrinkage): a compilation of many assays,
whose held-out genes sit anywhere, goes to the mean line; one assay keeps its own. The error weighs
both what lines are for (each assay's level, which Pearson across studies needs) and their cost (lines
that differ from fold to fold lower the Pearson within a study); within-study Pearson alone would
always pick the most shrinkage. ``predict(X, studies=...)`` uses a row's study
line when the study was seen, and for a study never seen the mean of the study lines (each assay one
draw of a level, so a new assay is their average, not the row-weighted pool); without studies
(``rnakit sirna design``) it uses the one line. Only the scale moves: the order within a study is the
score's.

``level_columns`` (by default the optional ``transcript`` group's GC, when ``X`` has it) never reach
the boosters: one value per transcript would let trees learn each training gene's level by name. They
enter a linear *level term* instead, fitted to the residuals of the study lines with each column
centred within its study, so it says how a gene's level differs from its study's. The term is kept
only when it raises the within-study Pearson of the inner out-of-fold predictions (each fold's term
and lines fitted on the other folds' rows).
"""

from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import Ridge
from sklearn.utils.validation import check_is_fitted

from rnakit.cpu import model_threads
from rnakit.errors import InputFormatError
from rnakit.sirna.models.calibration import inner_folds
from rnakit.sirna.models.encoding import encode, learn_levels
# The file names and arithmetic design reads a saved model with (no scikit-learn there): one copy of them.
from rnakit.sirna.models.rank_scorer import LISTWISE, MODEL_FILE, PARAMS_FILE, oriented
from rnakit.sirna.models.rank_scorer import level_centres as _centres, level_term as _level_term, on_lines as _on_lines
from rnakit.sirna.models.saved import saved_params

log = logging.getLogger(__name__)

OBJECTIVES = ("regression", "standardised", "centred", "rank", "lambdarank", "xendcg")
MIN_GROUP = 3  # a group of fewer rows has no order worth learning or scoring
BLEND = "blend"  # every objective, each score divided by its inner spread, averaged
MIN_STUDY_ROWS = 30  # fewer rows give a study line too noisy to beat the mean of the others
SHRINKAGES = (0.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0, 1e6)  # pseudo-rows of the mean line (1e6: in effect it)
LEVEL_COLUMNS = ("transcript__gc",)  # gene-level covariates for the level term, when present


def percentile_ranks(y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """0 (lowest ``y``: most potent) … 1 within each group, ties averaged; NaN in groups < MIN_GROUP."""
    frame = pd.DataFrame({"y": y, "g": groups})
    by_group = frame.groupby("g")["y"]
    size = by_group.transform("size").to_numpy()
    rank = ((by_group.rank(method="average") - 1).to_numpy() / np.maximum(size - 1, 1))
    return np.where(size >= MIN_GROUP, rank, np.nan)


def within_group_pearson(y: np.ndarray, score: np.ndarray, groups: np.ndarray) -> float:
    """Mean Pearson of ``score`` with ``y`` inside each group of ≥ MIN_GROUP rows, weighted by rows
    (groups where either is constant are skipped); NaN when no group counts."""
    total, weight = 0.0, 0
    for _, rows in pd.Series(np.arange(len(y))).groupby(groups):
        index = rows.to_numpy()
        if len(index) < MIN_GROUP or np.ptp(y[index]) == 0 or np.ptp(score[index]) == 0:
            continue
        total += len(index) * float(np.corrcoef(y[index], score[index])[0, 1])
        weight += len(index)
    return total / weight if weight else float("nan")


class LgbmRankModel(RegressorMixin, BaseEstimator):
    """Predict % mRNA remaining (as an order first) from a feature matrix; see the module docstring.

    ``fit(X, y, groups=None, rank_groups=None, studies=None)``: ``groups`` (e.g. the gene) keep the
    inner folds honest; ``rank_groups`` (e.g. study × gene) are what labels are compared within
    (default: ``groups``; None for both: one group); ``studies`` are what ``standardised`` scales
    within (default: one study).
    """

    uses_features = True
    table_columns: tuple[str, ...] = ()

    def __init__(
        self,
        objective: str = "auto",
        n_estimators: int = 400,
        learning_rate: float = 0.03,
        num_leaves: int = 15,
        min_child_samples: int = 20,
        colsample_bytree: float = 0.5,
        subsample: float = 0.8,
        relevance_levels: int = 16,
        inner_folds: int = 3,
        level_columns: tuple[str, ...] = LEVEL_COLUMNS,
        line_shrinkage: float | str = "auto",  # or one k for every study
        n_jobs: int | None = None,
        random_state: int = 0,
    ) -> None:
        self.objective = objective
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.colsample_bytree = colsample_bytree
        self.subsample = subsample
        self.relevance_levels = relevance_levels
        self.inner_folds = inner_folds
        self.level_columns = level_columns
        self.line_shrinkage = line_shrinkage
        self.n_jobs = n_jobs
        self.random_state = random_state

    # -- one objective ------------------------------------------------------------------------
    def _booster_params(self, objective: str) -> dict:
        params = {
            "n_estimators": self.n_estimators, "learning_rate": self.learning_rate, "num_leaves": self.num_leaves,
            "min_child_samples": self.min_child_samples, "colsample_bytree": self.colsample_bytree,
            "subsample": self.subsample, "subsample_freq": 1, "n_jobs": model_threads(self.n_jobs),
            "random_state": self.random_state, "verbose": -1,
        }
        if objective in LISTWISE:
            params["objective"] = "rank_xendcg" if objective == "xendcg" else "lambdarank"
            params["label_gain"] = list(range(self.relevance_levels))  # linear: every rank step counts alike
            params["lambdarank_truncation_level"] = 10_000  # every pair in a group, not just the top
        return params

    def _fit_one(self, objective: str, matrix: np.ndarray, y: np.ndarray, rank_groups: np.ndarray,
                 studies: np.ndarray) -> lgb.Booster:
        """A booster for ``objective`` whose output is lower for more potent rows."""
        if objective == "regression":
            return self._regress(objective, matrix, y)
        if objective == "standardised":
            by_study = pd.Series(y).groupby(studies)
            spread = by_study.transform("std").fillna(0).to_numpy()
            z = (y - by_study.transform("mean").to_numpy()) / np.where(spread > 0, spread, 1.0)
            return self._regress(objective, matrix, z)
        ranks = percentile_ranks(y, rank_groups)
        usable = np.flatnonzero(~np.isnan(ranks))
        if len(usable) == 0:
            raise InputFormatError(f"objective {objective!r} needs groups of at least {MIN_GROUP} rows")
        if objective == "centred":
            means = pd.Series(y).groupby(rank_groups).transform("mean").to_numpy()
            return self._regress(objective, matrix[usable], (y - means)[usable])
        if objective == "rank":
            return self._regress(objective, matrix[usable], ranks[usable])
        # Listwise: rows of one query must be contiguous; relevance is high for potent rows.
        order = usable[np.argsort(rank_groups[usable], kind="stable")]
        relevance = np.rint((1 - ranks[order]) * (self.relevance_levels - 1)).astype(int)
        sizes = pd.Series(rank_groups[order]).value_counts(sort=False).reindex(pd.unique(rank_groups[order])).to_numpy()
        model = lgb.LGBMRanker(**self._booster_params(objective))
        model.fit(matrix[order], relevance, group=sizes)
        return model.booster_

    def _regress(self, objective: str, matrix: np.ndarray, target: np.ndarray) -> lgb.Booster:
        model = lgb.LGBMRegressor(**self._booster_params(objective))
        model.fit(matrix, target)
        return model.booster_

    def _score(self, booster: lgb.Booster, objective: str, matrix: np.ndarray) -> np.ndarray:
        return oriented(booster.predict(matrix, num_threads=model_threads(self.n_jobs)), objective)

    # -- fit / predict --------------------------------------------------------------------------
    def fit(self, X: pd.DataFrame, y: np.ndarray, groups: np.ndarray | None = None,
            rank_groups: np.ndarray | None = None, studies: np.ndarray | None = None) -> LgbmRankModel:
        """Choose the objective (when ``auto``), the score → % remaining lines (one, and one per study)
        and whether to add the level term, on inner folds; then fit on every row."""
        y = np.asarray(y, dtype=float)
        if rank_groups is None:
            rank_groups = groups if groups is not None else np.zeros(len(y))
        rank_groups = np.asarray(pd.Series(rank_groups).astype(str))
        named_studies = studies is not None
        studies = np.zeros(len(y)) if studies is None else np.asarray(pd.Series(studies).astype(str))
        candidates = list(OBJECTIVES) if self.objective == "auto" else [self.objective]
        unknown = [c for c in candidates if c not in OBJECTIVES]
        if unknown:
            raise InputFormatError(f"unknown objective {unknown[0]!r} (known: auto, {', '.join(OBJECTIVES)})")
        self.level_features_ = [c for c in self.level_columns if c in X.columns]
        self.features_ = [c for c in X.columns if c not in self.level_features_]
        self.levels_ = learn_levels(X[self.features_])
        matrix = encode(X, self.features_, self.levels_)

        folds = inner_folds(len(y), groups, self.inner_folds, self.random_state, "lgbm-rank")
        oof_by_objective = {}
        for objective in candidates:
            oof = np.full(len(y), np.nan)
            for train, test in folds:
                booster = self._fit_one(objective, matrix[train], y[train], rank_groups[train], studies[train])
                oof[test] = self._score(booster, objective, matrix[test])
            oof_by_objective[objective] = oof
        choices = {objective: [objective] for objective in candidates}
        if len(candidates) > 1:
            choices[BLEND] = candidates
        scales = {k: float(np.std(v)) or 1.0 for k, v in oof_by_objective.items()}
        self.inner_scores_, self.inner_within_group_ = {}, {}
        choice_oof = {}
        for name, members in choices.items():
            choice_oof[name] = np.mean([oof_by_objective[m] / scales[m] for m in members], axis=0)
            self.inner_scores_[name] = within_group_pearson(y, choice_oof[name], studies)
            self.inner_within_group_[name] = within_group_pearson(y, choice_oof[name], rank_groups)
            log.info("lgbm-rank: %s inner within-study Pearson %.4f, within-group %.4f",
                     name, self.inner_scores_[name], self.inner_within_group_[name])
        scored = {k: v for k, v in self.inner_scores_.items() if not np.isnan(v)}
        self.chosen_ = max(scored, key=scored.get) if scored else candidates[0]
        self.scales_ = {m: scales[m] for m in choices[self.chosen_]}
        self.oof_ = choice_oof[self.chosen_]  # kept in memory (not saved) to refit the scale
        self.fit_scale(X, y, studies if named_studies else None, folds)
        self.boosters_ = {m: self._fit_one(m, matrix, y, rank_groups, studies) for m in self.scales_}
        return self

    def fit_scale(self, X: pd.DataFrame, y: np.ndarray, studies: np.ndarray | None,
                  folds: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """The score → % remaining part from the inner out-of-fold score ``oof_``: the line shrinkage
        (chosen when ``auto``), the lines and the level term."""
        oof, named_studies = self.oof_, studies is not None
        studies = studies if named_studies else np.zeros(len(y))
        everything = np.arange(len(y))
        self.shrinkage_inner_, self.shrinkage_ = {}, {}
        if named_studies and self.line_shrinkage == "auto":
            errors = {k: _line_errors(oof, y, studies, folds, k) for k in SHRINKAGES}
            for study, members in pd.Series(everything).groupby(studies):
                rmse = {k: float(np.sqrt(np.mean(e[members.to_numpy()]))) for k, e in errors.items()}
                self.shrinkage_inner_[str(study)] = rmse
                self.shrinkage_[str(study)] = min(rmse, key=lambda k: (rmse[k], k))
            log.info("lgbm-rank: line shrinkage per study %s", self.shrinkage_)
        elif self.line_shrinkage != "auto":
            self.shrinkage_ = {str(s): float(self.line_shrinkage) for s in np.unique(studies)}
        (self.slope_, self.intercept_), self.study_lines_ = _lines(oof, y, studies, everything, named_studies,
                                                                   self.shrinkage_)
        self.level_, self.level_inner_ = None, {}
        if self.level_features_:
            values = X[self.level_features_].to_numpy(dtype=float)
            self.level_inner_ = _level_inner(oof, y, studies, values, folds, named_studies, self.shrinkage_)
            log.info("lgbm-rank: level term inner within-study Pearson %.4f without, %.4f with",
                     self.level_inner_["without"], self.level_inner_["with"])
            if self.level_inner_["with"] > self.level_inner_["without"]:
                base = _on_lines(oof, studies, (self.slope_, self.intercept_), self.study_lines_)
                self.level_ = _fit_level(values, y - base, studies, everything)

    def predict(self, X: pd.DataFrame, studies: np.ndarray | None = None) -> np.ndarray:
        """Predicted % mRNA remaining for each row of ``X`` (read the order within a gene first);
        ``studies`` (one per row) put each row on its study's scale (see the module docstring)."""
        check_is_fitted(self)
        matrix = encode(X, self.features_, self.levels_)
        score = np.mean([self._score(b, m, matrix) / self.scales_[m] for m, b in self.boosters_.items()], axis=0)
        predicted = _on_lines(score, studies, (self.slope_, self.intercept_), self.study_lines_)
        if self.level_ is not None:
            predicted = predicted + _level_term(self.level_, X[self.level_features_].to_numpy(dtype=float), studies)
        return predicted


    # -- files ----------------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        """Each booster as LightGBM text; the choice, line and encoding as JSON (no pickle)."""
        folder.mkdir(parents=True, exist_ok=True)
        for member, booster in self.boosters_.items():
            booster.save_model(str(folder / MODEL_FILE.format(member)))
        state = {"params": self.get_params(), "features": self.features_, "levels": self.levels_,
                 "chosen": self.chosen_, "scales": self.scales_,
                 "inner_scores": _nan_to_none(self.inner_scores_),
                 "inner_within_group": _nan_to_none(self.inner_within_group_),
                 "slope": self.slope_, "intercept": self.intercept_,
                 "study_lines": {k: list(v) for k, v in self.study_lines_.items()},
                 "shrinkage": self.shrinkage_,
                 "shrinkage_inner_rmse": {s: {str(k): v for k, v in r.items()} for s, r in self.shrinkage_inner_.items()},
                 "level_features": self.level_features_, "level": self.level_, "level_inner": self.level_inner_}
        (folder / PARAMS_FILE).write_text(json.dumps(state, indent=1))

    @classmethod
    def load(cls, folder: Path) -> LgbmRankModel:
        """Read a model written by :meth:`save`."""
        try:
            state = json.loads((folder / PARAMS_FILE).read_text())
            boosters = {m: lgb.Booster(model_file=str(folder / MODEL_FILE.format(m))) for m in state["scales"]}
        except (OSError, ValueError, KeyError, lgb.basic.LightGBMError) as exc:
            raise InputFormatError(f"not a readable lgbm-rank model folder ({exc})", file=str(folder)) from None
        model = cls(**saved_params(cls, state["params"]))
        model.features_, model.levels_, model.chosen_ = state["features"], state["levels"], state["chosen"]
        model.scales_, model.boosters_ = {m: float(v) for m, v in state["scales"].items()}, boosters
        model.inner_scores_ = _none_to_nan(state["inner_scores"])
        model.inner_within_group_ = _none_to_nan(state["inner_within_group"])
        model.slope_, model.intercept_ = float(state["slope"]), float(state["intercept"])
        # Models saved before study lines existed have none: every study then reads the one line.
        model.study_lines_ = {k: (float(a), float(b)) for k, (a, b) in state.get("study_lines", {}).items()}
        model.shrinkage_ = state.get("shrinkage", {})
        model.shrinkage_inner_ = {s: {float(k): v for k, v in r.items()} for s, r in state.get("shrinkage_inner_rmse", {}).items()}
        model.level_features_ = state.get("level_features", [])
        model.level_, model.level_inner_ = state.get("level"), state.get("level_inner", {})
        return model


def _line(score: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(slope, intercept) of the least-squares line y ≈ intercept + slope·score (flat when score is)."""
    slope, intercept = np.polyfit(score, y, 1) if np.ptp(score) > 0 else (0.0, float(np.mean(y)))
    return float(slope), float(intercept)


def _lines(score: np.ndarray, y: np.ndarray, studies: np.ndarray, rows: np.ndarray, named_studies: bool,
           shrinkage: float | dict[str, float] = 0.0) -> tuple[tuple[float, float], dict[str, tuple[float, float]]]:
    """The one line over ``rows`` and, with ``named_studies``, a line per study of ≥ MIN_STUDY_ROWS of them,
    each shrunk toward the mean of those lines with weight n / (n + k), k = ``shrinkage`` (per study when a
    dict; 0 for a study it does not name)."""
    per_study, sizes = {}, {}
    if named_studies:
        for study, members in pd.Series(rows).groupby(studies[rows]):
            if len(members) >= MIN_STUDY_ROWS:
                per_study[str(study)] = _line(score[members.to_numpy()], y[members.to_numpy()])
                sizes[str(study)] = len(members)
    ks = shrinkage if isinstance(shrinkage, dict) else dict.fromkeys(per_study, shrinkage)
    if per_study and any(ks.values()):
        mean = np.mean(list(per_study.values()), axis=0)
        per_study = {s: tuple(float(v) for v in mean + (np.asarray(line) - mean) * sizes[s] / (sizes[s] + ks.get(s, 0.0)))
                     for s, line in per_study.items()}
    return _line(score[rows], y[rows]), per_study


def _line_errors(oof: np.ndarray, y: np.ndarray, studies: np.ndarray,
                 folds: list[tuple[np.ndarray, np.ndarray]], shrinkage: float) -> np.ndarray:
    """Squared errors of inner out-of-fold predictions on study lines shrunk by ``shrinkage`` (every
    study alike), each fold's lines fitted on the other folds' rows (the folds' scales differ, as outer
    folds' do). A study's rows move only with its own line, so each study's k is chosen on its rows."""
    predicted = np.full(len(y), np.nan)
    for train, test in folds:
        line, study_lines = _lines(oof, y, studies, train, True, shrinkage)
        predicted[test] = _on_lines(oof[test], studies[test], line, study_lines)
    return (y - predicted) ** 2


def _fit_level(values: np.ndarray, residual: np.ndarray, studies: np.ndarray, rows: np.ndarray) -> dict:
    """The level term (JSON-ready): each column centred on its study's mean over ``rows`` and scaled,
    then a ridge line through the origin to ``residual`` (rows missing a value are left out)."""
    with warnings.catch_warnings():  # a study without any value has a NaN centre: its rows get no term
        warnings.simplefilter("ignore", RuntimeWarning)
        means = {str(s): np.nanmean(values[m.to_numpy()], axis=0) for s, m in pd.Series(rows).groupby(studies[rows])}
    centres = {s: m.tolist() for s, m in means.items() if not np.isnan(m).any()}  # JSON has no NaN
    unseen = np.mean(list(centres.values()), axis=0).tolist() if centres else [0.0] * values.shape[1]
    term = {"centres": centres, "unseen_centre": unseen, "scale": [1.0] * values.shape[1],
            "coef": [0.0] * values.shape[1]}
    centred = values[rows] - _centres(term, studies[rows])
    scale = np.nanstd(centred, axis=0)
    term["scale"] = np.where(scale > 0, scale, 1.0).tolist()
    usable = ~np.isnan(centred).any(axis=1)
    if usable.sum() > values.shape[1]:
        ridge = Ridge(alpha=1.0, fit_intercept=False).fit(centred[usable] / term["scale"], residual[rows][usable])
        term["coef"] = ridge.coef_.tolist()
    return term


def _level_inner(oof: np.ndarray, y: np.ndarray, studies: np.ndarray, values: np.ndarray,
                 folds: list[tuple[np.ndarray, np.ndarray]], named_studies: bool,
                 shrinkage: float = 0.0) -> dict[str, float]:
    """Within-study Pearson of the inner out-of-fold predictions without and with the level term, each
    fold's lines and term fitted on the other folds' rows."""
    without, with_level = np.full(len(y), np.nan), np.full(len(y), np.nan)
    for train, test in folds:
        line, study_lines = _lines(oof, y, studies, train, named_studies, shrinkage)
        seen = studies if named_studies else None
        term = _fit_level(values, y - _on_lines(oof, seen, line, study_lines), studies, train)
        without[test] = _on_lines(oof[test], seen[test] if named_studies else None, line, study_lines)
        with_level[test] = without[test] + _level_term(term, values[test], studies[test])
    return {"without": within_group_pearson(y, without, studies), "with": within_group_pearson(y, with_level, studies)}


def _nan_to_none(scores: dict[str, float]) -> dict[str, float | None]:
    return {k: None if np.isnan(v) else v for k, v in scores.items()}


def _none_to_nan(scores: dict[str, float | None]) -> dict[str, float]:
    return {k: float("nan") if v is None else float(v) for k, v in scores.items()}
