"""The ``conditions`` feature group: dose, time, delivery, cell line, species."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from rnakit.sirna.features.registry import feature_group


def normalise_cell_line(name: object) -> str | None:
    """``"Hep3B Cells"`` → ``"hep3b"``: lower case, without 'cell(s)' and punctuation."""
    if not isinstance(name, str) or not name.strip():
        return None
    text = re.sub(r"\bcells?\b", "", name.lower())
    return re.sub(r"[^a-z0-9]+", "", text) or None


def _normalise_label(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return re.sub(r"[^a-z0-9]+", "_", value.lower()).strip("_")


@feature_group(
    "conditions",
    "log10 concentration (nM), hours, primary cells vs line, and categorical transfection, "
    "normalised cell line (Hep3B Cells → hep3b) and species",
    inputs=("concentration_nm", "hours", "transfection", "cell_line", "species"),
)
def conditions(table: pd.DataFrame) -> pd.DataFrame:
    concentration = table["concentration_nm"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_dose = np.where(concentration > 0, np.log10(concentration), np.nan)
    cell = table["cell_line"].map(normalise_cell_line)
    frame = pd.DataFrame(
        {
            "log10_concentration_nm": log_dose,
            "hours": table["hours"].to_numpy(dtype=float),
            "primary_cells": [float("primary" in c) if isinstance(c, str) else np.nan for c in cell],
        },
        index=table.index,
    )
    # Categories are kept as text: a model fits its own encoding on training rows only, so a cell
    # line never seen in training becomes "unknown" there rather than a wrong code here.
    frame["transfection"] = pd.Series(table["transfection"].map(_normalise_label), dtype="category")
    frame["cell_line"] = pd.Series(cell, index=table.index, dtype="category")
    frame["species"] = pd.Series(table["species"].map(_normalise_label), dtype="category")
    return frame
