"""What the predict-only readers of saved model folders share (:data:`rnakit.sirna.models.registry.SCORERS`):
loading and threads as the estimators they stand in for take them."""

from __future__ import annotations

from pathlib import Path
from typing import Self


class FolderScorer:
    """Base of a model folder's scorer: ``__init__(folder, n_jobs)`` reads it, ``predict`` is the subclass's."""

    uses_features = True
    table_columns: tuple[str, ...] = ()

    def __init__(self, folder: Path, n_jobs: int | None = None) -> None:
        self.n_jobs = n_jobs

    @classmethod
    def load(cls, folder: Path) -> Self:
        """Read the model the full estimator's ``save`` wrote into ``folder``."""
        return cls(folder)

    def set_params(self, n_jobs: int | None = None) -> Self:
        """Run on ``n_jobs`` threads (None: the cores available), as estimators' ``set_params`` does."""
        self.n_jobs = n_jobs
        return self
