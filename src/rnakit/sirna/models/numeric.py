"""The feature matrix as one standardised float block: what the PyTorch models read besides sequences."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rnakit.sirna.features.registry import SEPARATOR
from rnakit.sirna.models.encoding import encode, learn_levels


@dataclass
class NumericInputs:
    """Numeric feature columns standardised with training statistics, categories one-hot with
    training levels only (an unseen or missing level is all zero). Saved as plain JSON lists."""

    features: list[str]
    levels: dict[str, list[str]]
    mean: list[float]
    std: list[float]

    @classmethod
    def learn(cls, X: pd.DataFrame) -> "NumericInputs":
        """Columns, levels and statistics of the training rows (feature columns are ``group::name``)."""
        features = [c for c in X.columns if SEPARATOR in c]
        levels = learn_levels(X[features])
        matrix = encode(X, features, levels)
        numeric = matrix[:, [i for i, c in enumerate(features) if c not in levels]]
        # statistics over the measured values only; an all-missing column gets mean 0, sd 1
        present = ~np.isnan(numeric)
        count = np.maximum(present.sum(axis=0), 1)
        mean = np.where(present, numeric, 0.0).sum(axis=0) / count
        std = np.sqrt((np.where(present, numeric - mean, 0.0) ** 2).sum(axis=0) / count)
        return cls(features, levels, mean.tolist(), np.where(std > 0, std, 1.0).tolist())

    @property
    def width(self) -> int:
        return len(self.mean) + sum(len(v) for v in self.levels.values())

    def group_columns(self, group: str) -> list[int]:
        """Positions, in :meth:`transform`'s output, of the numeric features of feature group ``group``."""
        numeric = [c for c in self.features if c not in self.levels]
        return [i for i, c in enumerate(numeric) if c.split(SEPARATOR, 1)[0] == group]

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        """``(rows, width)`` float32: standardised numbers (missing → 0), then one-hot categories."""
        matrix = encode(X, self.features, self.levels)
        numeric = [i for i, c in enumerate(self.features) if c not in self.levels]
        blocks = [np.nan_to_num((matrix[:, numeric] - np.asarray(self.mean)) / np.asarray(self.std))]
        for i, name in enumerate(self.features):
            if name in self.levels:
                codes = matrix[:, i]
                block = np.zeros((len(X), len(self.levels[name])), dtype=np.float32)
                known = ~np.isnan(codes)
                block[np.flatnonzero(known), codes[known].astype(int)] = 1.0
                blocks.append(block)
        return np.concatenate(blocks, axis=1).astype(np.float32)

    def state(self) -> dict:
        return {"features": self.features, "levels": self.levels, "mean": self.mean, "std": self.std}
