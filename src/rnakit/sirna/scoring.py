"""Scoring a prediction file against measured labels, joined on ``id``."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from rnakit.errors import InputFormatError, MismatchError
from rnakit.sirna.metrics import evaluate
from rnakit.sirna.schema import (
    canonical_frame,
    check_label_kind,
    file_column,
    numeric_labels,
)
from rnakit.sirna.tables import ColumnOptions, load_table
from rnakit.tabular import read_delimited

SUBMISSION_ID = "id"
SUBMISSION_LABEL = "mRNA_remaining_pct"


def _unique_ids(frame: pd.DataFrame, column: str, file: str) -> pd.Series:
    """The id column as stripped text; a repeated id is an error naming its row."""
    ids = frame[column].astype(str).str.strip()
    duplicated = ids[ids.duplicated()]
    if len(duplicated):
        row = int(duplicated.index[0]) + 1
        raise InputFormatError(f"duplicate id {duplicated.iloc[0]!r}", file=file, row=row, column=column)
    return ids


def read_predictions(
    path: str | os.PathLike[str], *, id_col: str = SUBMISSION_ID, pred_col: str = SUBMISSION_LABEL
) -> pd.Series:
    """Predicted % mRNA remaining indexed by id (the competition's submission format by default)."""
    file = str(path)
    # Cells as written, so a bad prediction is quoted as the user typed it ('N/A', not nan).
    frame = read_delimited(path, dtype=str, na_filter=False, required=[id_col, pred_col])
    ids = _unique_ids(frame, id_col, file)
    text = frame[pred_col].str.strip()
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        row = int(np.flatnonzero(bad)[0]) + 1
        raise InputFormatError(f"prediction {text.iloc[row - 1]!r} is not a finite number", file=file, row=row,
                               column=pred_col)
    return pd.Series(values, index=ids.to_numpy(), name=pred_col)


def read_truth(
    source: str | os.PathLike[str], options: ColumnOptions | None = None, *,
    data_dir: str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """Measured labels to score against, as a canonical table (scoring uses only ``id`` and the label).

    A file needs no strands, only an id and a label column: the submission format's ``id`` and
    ``mRNA_remaining_pct`` (a competition file has both) unless ``options`` name others (``id_col``,
    ``label_col``, ``label_kind``). With ``guide_col``, or for a dataset name, the table is read by
    :func:`~rnakit.sirna.tables.load_table`.
    """
    options = options or ColumnOptions()
    path = Path(source)
    if options.guide_col is not None or not path.is_file():
        return load_table(source, options, data_dir=data_dir)
    file = str(source)
    id_col, label_col = options.id_col or SUBMISSION_ID, options.label_col or SUBMISSION_LABEL
    kind = check_label_kind(options.label_kind, file=file)
    frame = read_delimited(path, dtype={id_col: str}, required=[id_col, label_col])
    columns = {"id": _unique_ids(frame, id_col, file),
               "remaining_pct": numeric_labels(frame[label_col], file=file, column=label_col, kind=kind)}
    return canonical_frame(columns, len(frame), source_columns={"id": id_col, "remaining_pct": label_col})


def _first_few(ids: list[str], limit: int = 5) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (", …" if len(ids) > limit else "")


def align_predictions(truth: pd.DataFrame, predictions: pd.Series, *, pred_file: str) -> np.ndarray:
    """Predictions in the order of ``truth``'s rows; every truth id must be predicted exactly once."""
    truth_ids = truth["id"].astype(str)
    missing = [i for i in truth_ids if i not in predictions.index]
    extra = sorted(set(predictions.index) - set(truth_ids))
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"{len(missing)} truth id(s) have no prediction (first: {_first_few(missing)})")
        if extra:
            parts.append(f"{len(extra)} predicted id(s) are not in the truth (first: {_first_few(extra)})")
        raise MismatchError("; ".join(parts), file=pred_file)
    return predictions.loc[truth_ids.to_numpy()].to_numpy(dtype=float)


def score_predictions(truth: pd.DataFrame, predictions: pd.Series, *, truth_file: str, pred_file: str) -> dict[str, float]:
    """Every metric of :func:`rnakit.sirna.metrics.evaluate` for predictions joined to ``truth``."""
    unlabelled = truth["remaining_pct"].isna().to_numpy()
    if unlabelled.any():
        row = int(np.flatnonzero(unlabelled)[0]) + 1
        raise InputFormatError(
            f"{int(unlabelled.sum())} row(s) have no measured label: the truth file must be labelled",
            file=truth_file, row=row, column=file_column(truth, "remaining_pct"), field="remaining_pct",
        )
    predicted = align_predictions(truth, predictions, pred_file=pred_file)
    return evaluate(truth["remaining_pct"].to_numpy(dtype=float), predicted)
