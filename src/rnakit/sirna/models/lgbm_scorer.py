"""A saved ``lgbm`` model for prediction only, as design scores candidates with the shipped ``default``.

:class:`~rnakit.sirna.models.lgbm.LgbmEfficacyModel` is a scikit-learn estimator over ``lightgbm``
boosters: loading it imports scikit-learn, SciPy and LightGBM's Python package, which a design with a
modification pattern does not otherwise need. This reads the same folder (``lgbm.json`` and the boosters'
text files), predicts through LightGBM's C library (:mod:`rnakit.sirna.models.lgbm_capi`) and applies the
same calibration (:func:`~rnakit.sirna.models.calibration.calibrated`): the same values (a test compares
the two on the shipped model).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from rnakit.cpu import model_threads
from rnakit.errors import InputFormatError
from rnakit.sirna.models.calibration import calibrated
from rnakit.sirna.models.encoding import encode
from rnakit.sirna.models.lgbm_capi import TextBooster
from rnakit.sirna.models.scorer import FolderScorer

# The saved folder's files, as rnakit.sirna.models.lgbm writes them (it imports these; not imported here,
# as it imports scikit-learn).
MODEL_FILE = "lgbm.txt"
GATE_FILE = "lgbm_gate.txt"
PARAMS_FILE = "lgbm.json"


class LgbmScorer(FolderScorer):
    """``predict(X)`` of a saved lgbm model folder (see the module docstring)."""

    def __init__(self, folder: Path, n_jobs: int | None = None) -> None:
        try:
            state = json.loads((folder / PARAMS_FILE).read_text(encoding="utf-8"))
            self.features, self.levels = list(state["features"]), dict(state["levels"])
            self.shift = float(state["shift"])
            self.gate_threshold = state.get("gate_threshold")  # absent in models saved before the gate existed
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InputFormatError(f"not a readable lgbm model folder ({exc})", file=str(folder)) from None
        self.booster = TextBooster(folder / MODEL_FILE)
        self.gate = TextBooster(folder / GATE_FILE) if self.gate_threshold is not None else None
        super().__init__(folder, n_jobs)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Predicted % mRNA remaining for each row of ``X``, as ``LgbmEfficacyModel.predict`` computes it."""
        matrix, threads = encode(X, self.features, self.levels), model_threads(self.n_jobs)
        predicted = self.booster.predict(matrix, num_threads=threads)
        if self.gate is None:
            return predicted + self.shift
        return calibrated(predicted, self.gate.predict(matrix, num_threads=threads), self.shift, self.gate_threshold)
