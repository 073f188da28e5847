"""``lgbm-seen``: ``lgbm`` plus the level of a target seen in training (out-of-fold target encoding).

On random folds most targets of the held-out rows also have training rows, and a transcript's
siRNAs share a level (one assay, one mRNA: 17 % of Huesken's variance and 23 % of GNN4siRNA's data
lie between transcripts). ``lgbm`` cannot see which target a row belongs to when the table names no
gene, so this model adds one column, ``seen__level``: the target's mean % remaining, shrunk towards
the overall mean by ``prior_rows`` pseudo-rows.

For a training row the level comes from the *other* rows of its target only, out of fold
(``level_folds`` seeded folds of the training rows), so the column never holds the row's own label;
it is hidden (missing) on a ``level_dropout`` share of the training rows, so the trees also learn
the case of a target never seen. A predicted row gets the level of all training rows of its
target, or a missing value for a new target (then the model is ``lgbm`` on that row's features).
The target is the row's gene, else its transcript accession, publication or guide (the keys of
the gene-held-out split, :func:`rnakit.sirna.splits.group_keys`).

A second column, ``seen__local``, does the same for the row's *site*: siRNAs whose sites lie within
``local_window`` nt on the same target share accessibility and local structure, and their knockdown
goes together. It is the mean deviation from their target's mean of the training rows sited there,
shrunk by ``local_prior`` pseudo-rows; out of fold and hidden like the level; missing for a new target,
a site without neighbours or when the features hold no site position (the ``target`` group).

The model is ``seeds`` such boosters averaged, each with its own seed for the level's folds, the hidden
rows and LightGBM's sampling: the out-of-fold levels are noisy, and averaging their draws steadies the
trees that read them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.model_selection import GroupKFold, KFold
from sklearn.utils.validation import check_is_fitted

from rnakit.errors import InputFormatError, ValueRangeError
from rnakit.sirna.features.registry import SEPARATOR
from rnakit.sirna.models.level import shrunk_means
from rnakit.sirna.models.lgbm import LgbmEfficacyModel
from rnakit.sirna.models.saved import saved_params
from rnakit.sirna.splits import SplitStrategy, group_keys

STATE_FILE = "lgbm_seen.json"
LGBM_FOLDER = "lgbm"
LEVEL_COLUMN = f"seen{SEPARATOR}level"
LOCAL_COLUMN = f"seen{SEPARATOR}local"
POSITION_COLUMN = f"target{SEPARATOR}site_position"  # 0-based start of the site in the target transcript


def target_keys(X: pd.DataFrame) -> np.ndarray:
    """The target of each row: gene, else transcript accession, publication or guide (as the gene split)."""
    return group_keys(X, SplitStrategy.gene).to_numpy(dtype=str)


def out_of_fold_levels(y: np.ndarray, keys: np.ndarray, folds: int, prior_rows: float, seed: int,
                       groups: np.ndarray | None = None) -> np.ndarray:
    """Each row's key level from the other folds' rows of its key (NaN when they hold none). The folds are
    shuffled rows, or with ``groups`` grouped by them (a group's rows never reach each other's level; all
    NaN with fewer than two groups)."""
    level = np.full(len(y), np.nan)
    if groups is None:
        splits = KFold(min(folds, len(y)), shuffle=True, random_state=seed).split(y)
    else:
        n_folds = min(folds, len(np.unique(groups)))
        if n_folds < 2:
            return level
        splits = GroupKFold(n_folds).split(y, groups=groups)
    for train, test in splits:
        means = shrunk_means(y[train], keys[train], float(np.mean(y[train])), prior_rows)
        level[test] = [means.get(k, np.nan) for k in keys[test]]
    return level


def training_levels(y: np.ndarray, keys: np.ndarray, folds: int, prior_rows: float, dropout: float,
                    seed: int) -> tuple[np.ndarray, dict[str, float]]:
    """(each training row's out-of-fold level, hidden on a ``dropout`` share of rows; every target's
    level over all rows, what predictions read)."""
    level = out_of_fold_levels(y, keys, folds, prior_rows, seed)
    level[np.random.default_rng(seed).random(len(y)) < dropout] = np.nan
    return level, shrunk_means(y, keys, float(np.mean(y)), prior_rows)


def site_deviations(keys: np.ndarray, positions: np.ndarray, y: np.ndarray) -> dict[str, tuple[list, list]]:
    """Per target, its sited rows' positions (sorted) and deviations from the target's mean % remaining."""
    frame = pd.DataFrame({"key": keys.astype(str), "position": positions, "y": y})
    frame["deviation"] = frame["y"] - frame.groupby("key")["y"].transform("mean")
    sited = frame.dropna(subset=["position"]).sort_values(["key", "position"], kind="stable")
    return {key: (rows["position"].tolist(), rows["deviation"].tolist()) for key, rows in sited.groupby("key", sort=False)}


def local_levels(sites: dict[str, tuple[list, list]], keys: np.ndarray, positions: np.ndarray, window: int,
                 prior_rows: float) -> np.ndarray:
    """Each row's shrunk mean deviation of ``sites``' rows of its target within ``window`` nt of its
    position: sum / (count + prior_rows); NaN for a new target, no position or no neighbour."""
    out = np.full(len(keys), np.nan)
    names = np.asarray(keys).astype(str)
    for key, rows in pd.Series(names).groupby(names).indices.items():  # each target's rows at once
        if key not in sites:
            continue
        where, deviation = np.asarray(sites[key][0], dtype=float), sites[key][1]
        sums = np.concatenate([[0.0], np.cumsum(deviation)])
        at = positions[rows]
        lo, hi = np.searchsorted(where, at - window, "left"), np.searchsorted(where, at + window, "right")
        found = (hi > lo) & ~np.isnan(at)
        out[rows[found]] = (sums[hi[found]] - sums[lo[found]]) / (hi[found] - lo[found] + prior_rows)
    return out


def out_of_fold_local_levels(y: np.ndarray, keys: np.ndarray, positions: np.ndarray, folds: int, window: int,
                             prior_rows: float, seed: int) -> np.ndarray:
    """Each row's local level from the other folds' rows only (the level's folds)."""
    local = np.full(len(y), np.nan)
    for train, test in KFold(min(folds, len(y)), shuffle=True, random_state=seed).split(y):
        sites = site_deviations(keys[train], positions[train], y[train])
        local[test] = local_levels(sites, keys[test], positions[test], window, prior_rows)
    return local


def booster_folder(i: int) -> str:
    """The subfolder of seed ``i``'s booster (the first keeps the name of the single-booster models)."""
    return LGBM_FOLDER if i == 0 else f"{LGBM_FOLDER}_{i}"


def seen_levels(levels: dict[str, float], keys: np.ndarray) -> np.ndarray:
    """The level of each key's target seen in training; NaN for a new target."""
    return np.array([levels.get(k, np.nan) for k in keys], dtype=float)


class LgbmSeenModel(RegressorMixin, BaseEstimator):
    """``lgbm`` on the feature columns plus a seen target's out-of-fold level (see the module docstring)."""

    uses_features = True
    table_columns: tuple[str, ...] = ("gene", "transcript_id", "publication", "guide")

    # level_dropout 0.1 beat 0.3 and 0.5 (prior_rows 10 beat 3 and 30) on inner folds of outer random fold
    # 0's training rows, on Huesken and on GNN4siRNA's data alike. The local level (local_window 0: off) with
    # 10 nt and 2 pseudo-rows: Huesken's inner Pearson 0.760 -> 0.769 (20 nt 0.766; 5 nt, 5 rows 0.766).
    # seeds 3 (session 29, same inner folds): 0.770 -> 0.777; another inner partition (seed 2) 0.767 -> 0.772
    def __init__(self, prior_rows: float = 10.0, level_dropout: float = 0.1, level_folds: int = 5,
                 local_window: int = 10, local_prior: float = 2.0, seeds: int = 3, n_jobs: int | None = None,
                 random_state: int = 0) -> None:
        self.prior_rows = prior_rows
        self.level_dropout = level_dropout
        self.level_folds = level_folds
        self.local_window = local_window
        self.local_prior = local_prior
        self.seeds = seeds
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _matrix(self, X: pd.DataFrame, level: np.ndarray, local: np.ndarray | None) -> pd.DataFrame:
        features = X[[c for c in X.columns if SEPARATOR in c]].assign(**{LEVEL_COLUMN: level})
        return features if local is None else features.assign(**{LOCAL_COLUMN: local})

    def _uses_local(self, X: pd.DataFrame) -> bool:
        return self.local_window > 0 and POSITION_COLUMN in X.columns

    def fit(self, X: pd.DataFrame, y: np.ndarray, groups: np.ndarray | None = None) -> "LgbmSeenModel":
        """Fit on ``X`` (feature columns + the table columns) and % remaining ``y``."""
        if int(self.seeds) < 1:
            raise ValueRangeError(f"lgbm-seen: seeds must be at least 1, not {self.seeds}")
        y = np.asarray(y, dtype=float)
        keys = target_keys(X)
        positions = X[POSITION_COLUMN].to_numpy(dtype=float) if self._uses_local(X) else None
        self.levels_ = shrunk_means(y, keys, float(np.mean(y)), self.prior_rows)
        self.sites_ = None if positions is None else site_deviations(keys, positions, y)
        self.lgbms_ = [self._fit_booster(X, y, keys, positions, self.random_state + i, groups)
                       for i in range(int(self.seeds))]
        return self

    def _fit_booster(self, X: pd.DataFrame, y: np.ndarray, keys: np.ndarray, positions: np.ndarray | None,
                     seed: int, groups: np.ndarray | None) -> LgbmEfficacyModel:
        """One ``lgbm`` on the features and this seed's out-of-fold level (and local level)."""
        level, _ = training_levels(y, keys, self.level_folds, self.prior_rows, self.level_dropout, seed)
        local = None
        if positions is not None:
            local = out_of_fold_local_levels(y, keys, positions, self.level_folds, self.local_window,
                                             self.local_prior, seed)
            local[np.isnan(level)] = np.nan  # hidden with the level: a new target has neither
        booster = LgbmEfficacyModel(n_jobs=self.n_jobs, random_state=seed)
        return booster.fit(self._matrix(X, level, local), y, groups=groups)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Predicted % mRNA remaining for each row of ``X``: the mean of the seeds' boosters."""
        check_is_fitted(self)
        keys = target_keys(X)
        level, local = seen_levels(self.levels_, keys), None
        if self.sites_ is not None:
            positions = (X[POSITION_COLUMN] if POSITION_COLUMN in X.columns else pd.Series(np.nan, index=X.index))
            local = local_levels(self.sites_, keys, positions.to_numpy(dtype=float), self.local_window,
                                 self.local_prior)
        matrix = self._matrix(X, level, local)
        for booster in self.lgbms_:
            booster.n_jobs = self.n_jobs
        return np.mean([booster.predict(matrix) for booster in self.lgbms_], axis=0)

    def save(self, folder: Path) -> None:
        """Each seed's ``lgbm`` in a subfolder (LightGBM text) and the targets' levels as JSON."""
        folder.mkdir(parents=True, exist_ok=True)
        for i, booster in enumerate(self.lgbms_):
            booster.save(folder / booster_folder(i))
        state = {"params": self.get_params(), "levels": self.levels_, "sites": self.sites_, "boosters": len(self.lgbms_)}
        (folder / STATE_FILE).write_text(json.dumps(state, indent=1))

    @classmethod
    def load(cls, folder: Path) -> "LgbmSeenModel":
        """Read a model written by :meth:`save`."""
        try:
            state = json.loads((folder / STATE_FILE).read_text())
        except (OSError, ValueError) as exc:
            raise InputFormatError(f"not a readable lgbm-seen model folder ({exc})", file=str(folder)) from None
        model = cls(**saved_params(cls, state["params"]))
        # models saved before the seeds option hold one booster
        model.lgbms_ = [LgbmEfficacyModel.load(folder / booster_folder(i)) for i in range(int(state.get("boosters", 1)))]
        model.levels_ = {str(k): float(v) for k, v in state["levels"].items()}
        sites = state.get("sites")  # absent in models saved before the local level
        model.sites_ = None if sites is None else {str(k): (list(map(float, p)), list(map(float, d)))
                                                   for k, (p, d) in sites.items()}
        return model
