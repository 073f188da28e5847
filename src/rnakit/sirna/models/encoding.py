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
    columns = []
    for name in features:
        values = frame[name]
        if name in levels:
            index = {level: code for code, level in enumerate(levels[name])}
            columns.append(np.array([index.get(str(v), np.nan) if pd.notna(v) else np.nan for v in values], dtype=float))
        else:
            columns.append(pd.to_numeric(values, errors="coerce").to_numpy(dtype=float))
    return np.column_stack(columns) if columns else np.empty((len(frame), 0))


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
