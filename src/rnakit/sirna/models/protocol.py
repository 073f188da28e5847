"""What every efficacy model is to the rest of rnakit: the registry, training runs, design and the web
app use a model only through these members, so a new model needs exactly these to plug in."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Protocol, runtime_checkable

import numpy as np
import pandas as pd


@runtime_checkable
class EfficacyModel(Protocol):
    """A scikit-learn style regressor of % mRNA remaining with its own save format.

    ``uses_features``: whether it reads the feature matrix; ``table_columns``: the canonical table's
    columns it reads besides (see :func:`rnakit.sirna.models.registry.model_inputs`). ``n_jobs`` (threads;
    None: the cores available) and ``random_state`` are constructor parameters, scikit-learn's names;
    ``n_jobs`` is changed on a loaded model with ``set_params``.
    """

    uses_features: ClassVar[bool]
    table_columns: ClassVar[tuple[str, ...]]
    n_jobs: int | None
    random_state: int

    def fit(self, X: pd.DataFrame, y: np.ndarray, groups: np.ndarray | None = None) -> EfficacyModel: ...

    def predict(self, X: pd.DataFrame) -> np.ndarray: ...

    def set_params(self, **params: object) -> EfficacyModel: ...

    def save(self, folder: Path) -> None:
        """Write the fitted model into ``folder`` (created), in a format that runs no code when read."""
        ...

    @classmethod
    def load(cls, folder: Path) -> EfficacyModel:
        """Read a model written by :meth:`save`."""
        ...
