"""Training runs and predictions from saved runs: what ``rnakit sirna train/predict/evaluate`` do."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from rnakit.errors import InputFormatError
from rnakit.files import json_safe
from rnakit.outputs import check_output_folder, output_folder
from rnakit.sirna.features import compute_features, groups
from rnakit.sirna.metrics import evaluate
from rnakit.sirna.models.shipped import SHIPPED_MODELS, SHIPPED_MODELS_DIR, resolve_model_dir  # noqa: F401 (re-exported)
from rnakit.sirna.models.registry import (
    RUN_COMMAND,
    load_model,
    model_class,
    model_inputs,
    uses_features,
    write_model,
)
from rnakit.sirna.report import write_report
from rnakit.sirna.splits import group_keys
from rnakit.sirna.training import cross_validate

log = logging.getLogger(__name__)

def table_digest(table: pd.DataFrame) -> str:
    """sha256 of the rows a model was trained on (ids, strands, label), for the manifest."""
    digest = hashlib.sha256()
    for row in table[["id", "guide", "passenger", "remaining_pct"]].itertuples(index=False):
        digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def _labelled(table: pd.DataFrame, data: str) -> None:
    missing = int(table["remaining_pct"].isna().sum())
    if missing:
        raise InputFormatError(f"{missing} row(s) have no label: training needs measured % mRNA remaining", file=data)


def train_run(
    table: pd.DataFrame, *, data: str, model: str, strategy: str | None, n_folds: int, seed: int,
    threads: int | None, out: Path, cache_dir: Path | None, feature_groups: list[str] | None = None, force: bool = False,
    step: Callable[[str], None] | None = None,
) -> dict:
    """Cross-validate (unless ``strategy`` is None), fit a final model on all rows, save everything in ``out``;
    ``step(name)`` is called as each stage starts ('features', 'fold 1 of 5', …, 'final model'), for progress.

    Writes ``model/`` + ``manifest.json``, ``oof.csv`` (id, fold, measured, predicted) and the report,
    all or nothing: ``out`` is checked before any work and holds only this run's files afterwards
    (``force``: a folder rnakit did not write keeps its other files; see :mod:`rnakit.outputs`).
    """
    check_output_folder(out, command=RUN_COMMAND, inputs=[data], force=force)
    _labelled(table, data)
    announce = step or (lambda name: None)
    estimator = model_class(model)
    announce("features")
    chosen = (feature_groups or list(groups())) if uses_features(model) else []
    features = model_inputs(
        model, table, lambda: compute_features(table, chosen, cache_dir=cache_dir, file=data).drop(columns="id")
    )
    y = table["remaining_pct"].to_numpy(dtype=float)

    def make() -> object:
        return estimator(n_jobs=threads, random_state=seed)

    summary: dict = {"data": data, "model": model, "rows": len(table), "feature_groups": chosen}
    cv = (cross_validate(table, features, make, strategy, n_folds, seed, step=lambda k: announce(f"fold {k + 1} of {n_folds}"))
          if strategy is not None else None)
    if cv is not None:
        summary["cv"] = {"strategy": strategy, "folds": n_folds, "seed": seed, "overall": cv.overall, "gap": cv.gap}
    announce("final model")
    # The final model's inner choices (shift, gate, blend) are made on folds grouped like the CV's
    # (gene when there is no CV), as in every fold's fit: ungrouped inner folds would let a gene's
    # siRNAs straddle them and favour choices that do not carry over to unseen genes.
    final = make().fit(features, y, groups=group_keys(table, strategy or "gene").to_numpy())
    with output_folder(out, command=RUN_COMMAND) as folder:
        if cv is not None:
            write_report(folder, table, cv, model, data)
            oof = pd.DataFrame({"id": table["id"], "fold": cv.fold, "measured": y, "predicted": cv.oof})
            oof.to_csv(folder / "oof.csv", index=False)
        write_model(final, model, folder, json_safe({
            "feature_groups": chosen, "training_data": data, "training_rows": len(table),
            "training_data_sha256": table_digest(table), "seed": seed, "metrics": summary.get("cv"),
        }))
    return summary


def predict_run(folder: Path, table: pd.DataFrame, *, data: str, cache_dir: Path | None,
                threads: int | None = None) -> np.ndarray:
    """Predicted % mRNA remaining for every row of ``table`` with the model saved in ``folder``, run on
    ``threads`` CPU threads (None: the cores available to this process)."""
    model, manifest = load_model(folder, threads)
    features = model_inputs(
        manifest["model"], table,
        lambda: compute_features(table, manifest["feature_groups"], cache_dir=cache_dir, file=data).drop(columns="id"),
    )
    return model.predict(features)


def evaluate_run(folder: Path, table: pd.DataFrame, *, data: str, cache_dir: Path | None,
                 threads: int | None = None) -> dict[str, float]:
    """Every metric of the saved model on labelled ``table`` (``threads`` as for :func:`predict_run`)."""
    _labelled(table, data)
    predicted = predict_run(folder, table, data=data, cache_dir=cache_dir, threads=threads)
    return evaluate(table["remaining_pct"].to_numpy(dtype=float), predicted)
