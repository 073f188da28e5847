"""A saved ``lgbm-rank`` model for prediction only, as design scores candidates with the shipped one.

:class:`~rnakit.sirna.models.ranker.LgbmRankModel` is a scikit-learn estimator over ``lightgbm``
boosters: loading it imports scikit-learn, SciPy and LightGBM's Python package (about a CPU second,
more than a short design spends on everything else). This reads the same folder (the boosters' text
files and ``lgbm_rank.json``), predicts each booster through LightGBM's C library
(:mod:`rnakit.sirna.models.lgbm_capi`) and puts the blend on the % remaining scale with the same
arithmetic, in the same order, as ``LgbmRankModel.predict``: the same values bit for bit (a test
compares the two on the shipped model and on a model with study lines and a level term).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from rnakit.cpu import model_threads
from rnakit.errors import InputFormatError
from rnakit.sirna.models.encoding import encode
from rnakit.sirna.models.lgbm_capi import TextBooster
from rnakit.sirna.models.scorer import FolderScorer

# The saved folder's files, as rnakit.sirna.models.ranker writes them (it imports these; not imported here,
# as it imports scikit-learn).
MODEL_FILE = "lgbm_rank_{}.txt"  # one per objective in the model
PARAMS_FILE = "lgbm_rank.json"
LISTWISE = frozenset({"lambdarank", "xendcg"})  # boosters whose output is higher for more potent rows


class RankScorer(FolderScorer):
    """``predict(X, studies=None)`` of a saved lgbm-rank model folder (see the module docstring)."""

    def __init__(self, folder: Path, n_jobs: int | None = None) -> None:
        try:
            state = json.loads((folder / PARAMS_FILE).read_text(encoding="utf-8"))
            self.features, self.levels = list(state["features"]), dict(state["levels"])
            self.scales = {m: float(v) for m, v in state["scales"].items()}
            self.line = (float(state["slope"]), float(state["intercept"]))
            self.study_lines = {k: (float(a), float(b)) for k, (a, b) in state.get("study_lines", {}).items()}
            self.level_features, self.level = list(state.get("level_features", [])), state.get("level")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InputFormatError(f"not a readable lgbm-rank model folder ({exc})", file=str(folder)) from None
        self.boosters = {m: TextBooster(folder / MODEL_FILE.format(m)) for m in self.scales}
        super().__init__(folder, n_jobs)

    def predict(self, X: pd.DataFrame, studies: np.ndarray | None = None) -> np.ndarray:
        """Predicted % mRNA remaining for each row of ``X``; ``studies`` as in ``LgbmRankModel.predict``."""
        matrix = encode(X, self.features, self.levels)
        threads = model_threads(self.n_jobs)
        # Each booster's output oriented (potent = low) and divided by its inner spread, then averaged.
        score = np.mean([oriented(b.predict(matrix, num_threads=threads), m) / self.scales[m]
                         for m, b in self.boosters.items()], axis=0)
        predicted = on_lines(score, studies, self.line, self.study_lines)
        if self.level is not None:
            predicted = predicted + level_term(self.level, X[self.level_features].to_numpy(dtype=float), studies)
        return predicted


def oriented(raw: np.ndarray, objective: str) -> np.ndarray:
    """A booster's output with potent rows low, whatever its objective."""
    return -raw if objective in LISTWISE else raw


def on_lines(score: np.ndarray, studies: np.ndarray | None, line: tuple[float, float],
             study_lines: dict[str, tuple[float, float]]) -> np.ndarray:
    """``score`` on the % remaining scale: each row on its study's line, a study never seen on the mean
    of the study lines (the one line when there are none), every row on the one line without studies."""
    if studies is None:
        return line[1] + line[0] * score
    unseen = tuple(np.mean(list(study_lines.values()), axis=0)) if study_lines else line
    lines = np.array([study_lines.get(str(s), unseen) for s in studies], dtype=float).reshape(-1, 2)
    return lines[:, 1] + lines[:, 0] * score


def level_centres(term: dict, studies: np.ndarray | None) -> np.ndarray:
    """Each row's study centre of the level columns (the unseen centre without studies or for a new study)."""
    if studies is None:
        return np.asarray(term["unseen_centre"])
    return np.array([term["centres"].get(str(s), term["unseen_centre"]) for s in studies], dtype=float)


def level_term(term: dict, values: np.ndarray, studies: np.ndarray | None) -> np.ndarray:
    """The level term's % points per row (0 where a value is missing)."""
    adjust = ((values - level_centres(term, studies)) / term["scale"]) @ np.asarray(term["coef"])
    return np.where(np.isnan(adjust), 0.0, adjust)
