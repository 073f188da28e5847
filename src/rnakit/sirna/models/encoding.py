"""Turning a feature matrix into model input: categories encoded with training-time levels only."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rnakit.errors import InputFormatError
from rnakit.sirna.features.registry import SEPARATOR

IDENTITY_PREFIX = f"identity{SEPARATOR}"


def categorical_columns(frame: pd.DataFrame) -> list[str]:
    """Columns holding categories (text), which need an encoding learnt from training rows."""
    return [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype) or frame[c].dtype == object]


def learn_levels(frame: pd.DataFrame) -> dict[str, list[str]]:
    """Each categorical column's levels as seen in training, sorted (the code of a level is its index)."""
    return {c: sorted(str(v) for v in frame[c].dropna().unique()) for c in categorical_columns(frame)}


def encode(frame: pd.DataFrame, features: list[str], levels: dict[str, list[str]]) -> np.ndarray:
    """Float matrix of ``features`` in order; categories → their training code, unseen → NaN."""
    missing = [c for c in features if c not in frame.columns]
    if missing:
        raise InputFormatError(
            f"the data lacks {len(missing)} feature(s) the model needs (first: {', '.join(missing[:5])})"
        )
    matrix = np.empty((len(frame), len(features)))
    # float64 columns (nearly all) are taken in one block: to_numeric would give them back unchanged, and
    # a column at a time costs more than the model's prediction on a design's few thousand rows.
    dtypes = dict(zip(frame.columns, frame.dtypes))
    plain = [i for i, name in enumerate(features) if name not in levels and dtypes[name] == np.float64]
    if plain:
        matrix[:, plain] = frame[[features[i] for i in plain]].to_numpy(dtype=float)
    for i in sorted(set(range(len(features))) - set(plain)):
        name, values = features[i], frame[features[i]]
        if name in levels:
            index = {level: code for code, level in enumerate(levels[name])}
            matrix[:, i] = [index.get(str(v), np.nan) if pd.notna(v) else np.nan for v in values]
        else:
            matrix[:, i] = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    return matrix


def mask_identity(frame: pd.DataFrame, fraction: float, seed: int) -> pd.DataFrame:
    """A copy of ``frame`` with the ``identity`` columns (gene, publication) missing on a random
    ``fraction`` of rows, so that a model also learns to predict for genes it has never seen."""
    columns = [c for c in frame.columns if c.startswith(IDENTITY_PREFIX)]
    if not columns or fraction <= 0:
        return frame
    hidden = np.random.default_rng(seed).random(len(frame)) < fraction
    masked = frame.copy()
    for column in columns:
        masked[column] = masked[column].where(~hidden)
    return masked
