"""``lgbm-assay``: ``lgbm`` plus the out-of-fold level of the row's assay (issue 17, SAIS duplex folds).

A duplex held out of training still comes from a publication, gene and set of conditions (concentration,
hours, transfection, cell line) that training rows were measured in, and one experiment's read-outs
share a level (its assay, its control, its dose). ``lgbm`` sees the gene and publication as categories,
hidden on half its rows, and the conditions as separate columns; this model adds the level of each
combination directly, one column per key of :data:`ASSAY_KEYS`: the key's mean % remaining shrunk
towards the overall mean by ``prior_rows`` pseudo-rows. ``base`` names the model the columns feed
(:data:`BASES`; ``lgbm-gene`` with the identity never hidden is ``lgbm-gene-assay``, gene_assay.py) and
``identity_dropout`` is the base's share of rows whose gene and publication are hidden.

A training row's level comes from the other folds' rows of its key, the ``level_folds`` folds grouped
by ``groups`` (the duplex in a duplex-held-out benchmark), so it never holds the row's own label nor
another measurement of the same duplex, as a held-out duplex's level would not; it is hidden on a
``level_dropout`` share of rows so the trees also learn the case of a key never seen. A predicted row
reads the level of all training rows of its key, missing for a new key. With gene-held-out groups a
training row's key is new to its other folds (but for rows naming no gene, whose gene + conditions key
spans publications), so the columns are almost all missing and the model is close to ``lgbm``, not the
same (the extra columns change which columns each tree samples): on SAIS gene folds it scored 0.575
against ``lgbm``'s 0.582; use it for duplex-held-out data. For the same reason a final model wants duplex
groups (``rnakit sirna train --cv duplex``): under ``--cv gene`` or ``none`` the final fit's groups are genes.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from rnakit.errors import InputFormatError, ValueRangeError
from rnakit.sirna.features.registry import SEPARATOR
from rnakit.sirna.models.gene import LgbmGeneModel
from rnakit.sirna.models.level import shrunk_means
from rnakit.sirna.models.lgbm import LgbmEfficacyModel
from rnakit.sirna.models.saved import saved_params
from rnakit.sirna.models.seen import out_of_fold_levels, seen_levels

STATE_FILE = "lgbm_assay.json"
LGBM_FOLDER = "lgbm"
_CONDITIONS = ("conditions__log10_concentration_nm", "conditions__hours", "conditions__transfection",
               "conditions__cell_line")
#: Level column name → the feature columns whose values make its key (a missing column counts as missing).
ASSAY_KEYS: dict[str, tuple[str, ...]] = {
    f"assay{SEPARATOR}experiment": ("identity__publication", "identity__gene", *_CONDITIONS),
    f"assay{SEPARATOR}gene_conditions": ("identity__gene", *_CONDITIONS),
    f"assay{SEPARATOR}publication_gene": ("identity__publication", "identity__gene"),
}


def assay_keys(X: pd.DataFrame, columns: tuple[str, ...]) -> np.ndarray:
    """Each row's key: its values of ``columns`` joined ("nan" for a missing value or column)."""
    keys = None
    for column in columns:
        values = X[column].astype(object) if column in X.columns else pd.Series(np.nan, index=X.index, dtype=object)
        values = values.map(str).where(values.notna(), "nan")  # categories as text, missing as "nan"
        keys = values if keys is None else keys + "|" + values
    return np.asarray(keys, dtype=str)


def fit_assay_levels(X: pd.DataFrame, y: np.ndarray, groups: np.ndarray | None, prior_rows: float,
                     level_dropout: float, level_folds: int, seed: int) -> tuple[dict[str, np.ndarray], dict[str, dict]]:
    """(each training row's level per key of :data:`ASSAY_KEYS`, out of fold over ``level_folds`` folds
    grouped by ``groups`` and hidden on a ``level_dropout`` share of rows; every key's level over all rows)."""
    y = np.asarray(y, dtype=float)
    groups = np.arange(len(y)) if groups is None else np.asarray(groups)
    hidden = np.random.default_rng(seed).random(len(y)) < level_dropout
    columns, levels = {}, {}
    for name, key_columns in ASSAY_KEYS.items():
        keys = assay_keys(X, key_columns)
        columns[name] = np.where(hidden, np.nan, out_of_fold_levels(y, keys, level_folds, prior_rows, seed, groups=groups))
        levels[name] = shrunk_means(y, keys, float(np.mean(y)), prior_rows)
    return columns, levels


def known_assay_levels(levels: dict[str, dict], X: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each row's level per key of :data:`ASSAY_KEYS` as learnt on all training rows (NaN for a new key)."""
    return {name: seen_levels(levels[name], assay_keys(X, key_columns)) for name, key_columns in ASSAY_KEYS.items()}


#: Models the assay levels may feed (name → class); both take ``identity_dropout`` and fit with ``groups``.
BASES: dict[str, type] = {"lgbm": LgbmEfficacyModel, "lgbm-gene": LgbmGeneModel}


class LgbmAssayModel(RegressorMixin, BaseEstimator):
    """``base`` (``lgbm``) on the feature columns plus the assay levels (see the module docstring)."""

    uses_features = True
    table_columns: tuple[str, ...] = ()
    name = "lgbm-assay"  # in error messages

    # Chosen on three inner duplex folds of SAIS duplex outer fold 0's training rows (score 0.770 -> 0.776;
    # no dropout 0.778, the experiment key alone 0.775); outer duplex folds, run once: 0.782 against lgbm's 0.776.
    def __init__(self, base: str = "lgbm", identity_dropout: float = 0.5, prior_rows: float = 5.0,
                 level_dropout: float = 0.2, level_folds: int = 5, n_jobs: int | None = None,
                 random_state: int = 0) -> None:
        self.base = base
        self.identity_dropout = identity_dropout
        self.prior_rows = prior_rows
        self.level_dropout = level_dropout
        self.level_folds = level_folds
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _matrix(self, X: pd.DataFrame, levels: dict[str, np.ndarray]) -> pd.DataFrame:
        return X[[c for c in X.columns if SEPARATOR in c]].assign(**levels)

    def fit(self, X: pd.DataFrame, y: np.ndarray, groups: np.ndarray | None = None) -> "LgbmAssayModel":
        """Fit on the feature columns ``X`` and % remaining ``y``; ``groups`` keep the levels out of fold."""
        if self.base not in BASES:
            raise ValueRangeError(f"base must be one of {', '.join(BASES)}, not {self.base!r}")
        y = np.asarray(y, dtype=float)
        columns, self.levels_ = fit_assay_levels(X, y, groups, self.prior_rows, self.level_dropout, self.level_folds,
                                                 self.random_state)
        self.lgbm_ = BASES[self.base](identity_dropout=self.identity_dropout, n_jobs=self.n_jobs,
                                      random_state=self.random_state)
        self.lgbm_.fit(self._matrix(X, columns), y, groups=groups)
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Predicted % mRNA remaining for each row of ``X``."""
        check_is_fitted(self)
        columns = known_assay_levels(self.levels_, X)
        self.lgbm_.n_jobs = self.n_jobs
        return self.lgbm_.predict(self._matrix(X, columns))

    def save(self, folder: Path) -> None:
        """The base model's files in a subfolder (LightGBM text + JSON) and the assay levels as JSON."""
        folder.mkdir(parents=True, exist_ok=True)
        self.lgbm_.save(folder / LGBM_FOLDER)
        (folder / STATE_FILE).write_text(json.dumps({"params": self.get_params(), "levels": self.levels_}, indent=1))

    @classmethod
    def load(cls, folder: Path) -> "LgbmAssayModel":
        """Read a model written by :meth:`save` (one saved before ``base`` existed is an ``lgbm`` base)."""
        try:
            state = json.loads((folder / STATE_FILE).read_text())
            levels = {str(name): {str(k): float(v) for k, v in means.items()} for name, means in state["levels"].items()}
            model = cls(**saved_params(cls, state["params"]))
            base = BASES[model.base]
        except (OSError, ValueError, KeyError, AttributeError, TypeError) as exc:
            raise InputFormatError(f"not a readable {cls.name} model folder ({exc!r})", file=str(folder)) from None
        model.lgbm_, model.levels_ = base.load(folder / LGBM_FOLDER), levels
        return model
