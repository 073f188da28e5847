"""Predicted efficacy and the thermodynamic/rule columns of design candidates.

Unmodified siRNAs are scored by the shipped ``unmodified`` model (public unmodified sets); with a
modification pattern, by the shipped competition model (``default``) under the given conditions.
The feature groups are computed once and serve both the model and the report columns.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from rnakit.sirna.models.registry import MANIFEST, load_model, model_inputs
from rnakit.sirna.models.shipped import resolve_model_dir
from rnakit.sirna.requests import CELL_LINE, CONC_NM, HOURS
from rnakit.sirna.schema import canonical_frame

from rnakit.sirna.design.chunks import chunked_features
from rnakit.sirna.design.patterns import StrandPattern

#: Feature columns shown beside each candidate: column name in the output → feature column.
REPORT_COLUMNS = {
    "asymmetry": "thermo__end_asymmetry",
    "duplex_dg": "thermo__duplex_mfe",
    "target_dg": "thermo__target_mfe",
    "accessibility": "target__site_unpaired",
    "seed_accessibility": "target__seed_unpaired",
    "ui_tei_class": "rules__ui_tei_class",
    "reynolds_score": "rules__reynolds_score",
    "amarzguioui_score": "rules__amarzguioui_score",
}


@dataclass(frozen=True)
class Conditions:
    """Experimental conditions for the competition model (ignored by the unmodified model)."""

    concentration_nm: float = CONC_NM
    hours: float = HOURS
    cell_line: str = CELL_LINE
    transfection: str = "Lipofectamine"

    def columns(self, rows: int) -> dict[str, list]:
        """The canonical table's condition columns for ``rows`` rows (human cells, as in the competition)."""
        return {"concentration_nm": [float(self.concentration_nm)] * rows, "hours": [float(self.hours)] * rows,
                "cell_line": [self.cell_line] * rows, "transfection": [self.transfection] * rows,
                "species": ["Homo sapiens"] * rows}


def candidate_table(candidates: pd.DataFrame, target: str, record: str, gene: str | None,
                    guide_pattern: StrandPattern | None, passenger_pattern: StrandPattern | None,
                    conditions: Conditions) -> pd.DataFrame:
    """The candidates as a canonical siRNA table (one row each, no label)."""
    n = len(candidates)
    columns: dict[str, object] = {
        "id": candidates["candidate"].tolist(),
        "guide": candidates["guide"].tolist(),
        "passenger": candidates["passenger"].tolist(),
        "transcript": [target] * n,
        "transcript_id": [record] * n,
        "gene": [gene] * n,
        "source": ["design"] * n,
    }
    if guide_pattern is not None:
        columns["guide_mods"] = [guide_pattern.apply(g) for g in candidates["guide"]]
        if passenger_pattern is not None:
            columns["passenger_mods"] = [passenger_pattern.apply(p) for p in candidates["passenger"]]
        columns.update(conditions.columns(n))
    return canonical_frame(columns, n)


def _feature_groups(folder: Path) -> list[str] | None:
    """The feature groups a model folder's manifest names, read before the model itself loads (None when
    unreadable)."""
    try:
        return list(json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["feature_groups"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


#: The columns :func:`score_candidates` gives, in order.
EFFICACY_COLUMNS = ["predicted_remaining_pct", "predicted_remaining_pct_raw", "predicted_knockdown_pct", *REPORT_COLUMNS]


def score_candidates(table: pd.DataFrame, model: str, record: str, threads: int | None = None,
                     workers: int = 1, meanwhile: Callable[[], object] | None = None,
                     pool: list[Executor] | None = None) -> pd.DataFrame:
    """``predicted_remaining_pct`` (at least 0), ``predicted_remaining_pct_raw`` (the model's value),
    ``predicted_knockdown_pct`` and REPORT_COLUMNS for every row (the model runs on ``threads`` CPU
    threads; None: the cores available to this process). With ``workers`` > 1 a long table's features
    are computed in that many processes (``pool``'s when given: see
    :func:`~rnakit.sirna.design.chunks.feature_workers`) while the model loads (and ``meanwhile()`` runs).
    An empty table needs no model: the columns come back empty (``meanwhile()`` still runs)."""
    if not len(table):
        if meanwhile is not None:
            meanwhile()
        return pd.DataFrame({name: pd.Series(dtype="float64") for name in EFFICACY_COLUMNS}, index=table.index)
    folder = resolve_model_dir(model)
    groups = _feature_groups(folder)
    if groups is None:  # not a readable model folder: load_model says what is wrong with it
        groups = load_model(folder, threads)[1]["feature_groups"]
    wanted = sorted({*groups, "thermo", "target", "rules"})

    def load() -> tuple[object, dict]:
        if meanwhile is not None:
            meanwhile()
        return load_model(folder, threads, predict_only=True)

    features, (estimator, manifest) = chunked_features(table, wanted, record, workers, meanwhile=load, pool=pool)
    features = features.drop(columns="id")
    predicted = estimator.predict(model_inputs(estimator, table, lambda: features))
    # Inhibition assays report > 100 % knockdown at times, so the models learnt values a little below
    # 0 % remaining. Shown as 0 (no mRNA left is the floor a reader expects); the raw value is kept in
    # its own column and ranks the candidates, as clipping would tie the very best ones.
    out = pd.DataFrame({"predicted_remaining_pct": np.maximum(predicted, 0.0),
                        "predicted_remaining_pct_raw": predicted}, index=table.index)
    out["predicted_knockdown_pct"] = 100.0 - out["predicted_remaining_pct"]
    for name, column in REPORT_COLUMNS.items():
        out[name] = features[column].to_numpy()
    return out
