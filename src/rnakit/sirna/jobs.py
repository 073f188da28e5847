"""Running a :class:`PredictRequest` or :class:`TrainRequest`: what ``rnakit sirna predict/train``,
the web app's prediction jobs and ``rnakit.predict``/``rnakit.train`` all call."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pandas as pd

from rnakit.sirna.requests import PredictRequest, TrainRequest
from rnakit.sirna.runs import predict_run, resolve_model_dir, train_run
from rnakit.sirna.scoring import SUBMISSION_ID, SUBMISSION_LABEL
from rnakit.sirna.tables import FRAME, load_table

__all__ = ["OOF_FILE", "predict", "request_table", "train"]

OOF_FILE = "oof.csv"  # a training run's out-of-fold predictions: id, fold, measured, predicted


def _name(request: PredictRequest | TrainRequest) -> str:
    """What error messages and the run's manifest call the data."""
    return FRAME if isinstance(request.data, pd.DataFrame) else str(request.data)


def _cache(request: PredictRequest | TrainRequest) -> Path | None:
    from rnakit.sirna.features import default_cache_dir

    return None if request.no_cache else default_cache_dir()


def request_table(request: PredictRequest | TrainRequest) -> pd.DataFrame:
    """The request's data as the canonical table (a file, a dataset name or a DataFrame)."""
    return load_table(request.data, request.columns, data_dir=request.data_dir,
                      allow_unknown_mods=request.allow_unknown_mods)


def predict(request: PredictRequest, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Predicted % mRNA remaining of every row, in input order, with the CLI's columns (``id``,
    ``mRNA_remaining_pct``: the competition's submission format). ``table``: the data already read."""
    request = request.check()
    table = request_table(request) if table is None else table
    predictions = predict_run(resolve_model_dir(request.model), table, data=_name(request), cache_dir=_cache(request),
                              threads=request.threads)
    return pd.DataFrame({SUBMISSION_ID: table["id"], SUBMISSION_LABEL: predictions})


def train(request: TrainRequest, table: pd.DataFrame | None = None, *, force: bool = False,
          step: Callable[[str], None] | None = None) -> dict:
    """Cross-validate and fit the request's model into run folder ``request.out`` (model, manifest,
    oof.csv, report); the run's summary (held-out metrics under ``cv``). ``step(name)`` hears each
    stage start (see :func:`rnakit.sirna.runs.train_run`)."""
    request = request.check()
    if request.out is None:
        raise request.error("give the run folder to write", "out")
    table = request_table(request) if table is None else table
    return train_run(table, data=_name(request), model=request.model, strategy=request.strategy, n_folds=request.folds,
                     seed=request.seed, threads=request.threads, out=request.out, cache_dir=_cache(request),
                     feature_groups=list(request.groups) if request.groups else None, force=force, step=step)


def cross_validated(request: TrainRequest) -> pd.DataFrame:
    """The out-of-fold predictions of a training run (oof.csv's columns: id, fold, measured, predicted),
    written into ``request.out`` when given, else into a temporary folder removed afterwards; the held-out
    metrics are in the frame's ``attrs["cv"]``."""
    request = request.check()
    if request.strategy is None:
        raise request.error("'none' gives no held-out predictions: choose a split", "cv")
    with tempfile.TemporaryDirectory(prefix="rnakit-train.") as scratch:
        run = request if request.out is not None else replace(request, out=Path(scratch) / "run")
        summary = train(run)
        oof = pd.read_csv(Path(run.out) / OOF_FILE, dtype={"id": str})
    oof.attrs["cv"] = summary["cv"]
    return oof
