"""Model names → classes, and the saved model folder (weights + JSON manifest)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from rnakit import __version__
from rnakit.errors import InputFormatError, ValueRangeError
from rnakit.extras import import_for
from rnakit.outputs import output_folder, verify_output
from rnakit.sirna.models.protocol import EfficacyModel

# Model name → "module:class". A class is imported when first asked for, so commands that train or
# load no model (and `rnakit --help`) start without loading PyTorch and LightGBM, and the core install
# (no torch) runs the LightGBM models; the others need the [nn] extra, which model_class names.
MODELS: dict[str, str] = {
    "lgbm": "rnakit.sirna.models.lgbm:LgbmEfficacyModel",
    "lgbm-cal": "rnakit.sirna.models.lgbm:LgbmCalibrationChoiceModel",
    "lgbm-level": "rnakit.sirna.models.level:LgbmLevelModel",
    "lgbm-rank": "rnakit.sirna.models.ranker:LgbmRankModel",
    "lgbm-gene": "rnakit.sirna.models.gene:LgbmGeneModel",
    "lgbm-seen": "rnakit.sirna.models.seen:LgbmSeenModel",
    "lgbm-assay": "rnakit.sirna.models.assay:LgbmAssayModel",
    "lgbm-gene-assay": "rnakit.sirna.models.gene_assay:LgbmGeneAssayModel",
    "gru-baseline": "rnakit.sirna.models.gru:GruBaselineModel",
    "seqnet": "rnakit.sirna.models.seqnet:SeqNetModel",
    "ensemble": "rnakit.sirna.models.ensemble:EnsembleModel",
    "gnn": "rnakit.sirna.models.gnn:GnnModel",
    "gnn4sirna": "rnakit.sirna.models.gnn4sirna:Gnn4sirnaModel",
}
#: Lighter classes that predict from a saved model folder (no training code: design's imports stay small).
SCORERS: dict[str, str] = {"lgbm-rank": "rnakit.sirna.models.rank_scorer:RankScorer",
                           "lgbm": "rnakit.sirna.models.lgbm_scorer:LgbmScorer"}
MANIFEST = "manifest.json"
MODEL_FOLDER = "model"
RUN_COMMAND = "rnakit sirna train"  # the writer named in a run folder's marker (rnakit.outputs)


def model_class(name: str) -> type[EfficacyModel]:
    """The estimator class of a model name; unknown names are an error listing the known ones, and a
    model whose packages are not installed is an error naming the extra that installs them."""
    if name not in MODELS:
        raise ValueRangeError(f"unknown model {name!r} (known: {', '.join(MODELS)})")
    return _imported(MODELS[name], name)


def _imported(where: str, name: str) -> type:
    """The class at ``where`` ("module:class") of model ``name``, imported now."""
    module, _, attribute = where.partition(":")
    return getattr(import_for(module, f"model {name!r}"), attribute)


def uses_features(name: str) -> bool:
    """Whether model ``name`` reads the feature matrix (else only its own table columns)."""
    return model_class(name).uses_features


def model_inputs(name: str | EfficacyModel, table: pd.DataFrame, features: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """What model ``name`` (or a loaded model) reads: the feature matrix and/or its own columns of the
    canonical table."""
    estimator = model_class(name) if isinstance(name, str) else name
    parts = [features().set_axis(table.index)] if estimator.uses_features else []
    parts.append(table[list(estimator.table_columns)])
    return pd.concat(parts, axis=1)


def write_model(model: EfficacyModel, name: str, folder: Path, manifest: dict) -> None:
    """Write the model's weights and a manifest (rnakit version, model, feature groups, data hash, metrics)
    into ``folder``, an output folder being built (see :func:`rnakit.outputs.output_folder`)."""
    model.save(folder / MODEL_FOLDER)
    with (folder / MANIFEST).open("w", encoding="utf-8") as handle:
        json.dump({"rnakit_version": __version__, "model": name, **manifest}, handle, indent=1)


def save_model(model: EfficacyModel, name: str, folder: Path, manifest: dict) -> None:
    """Write a complete model folder, all or nothing, that :func:`load_model` reads back."""
    with output_folder(folder, command=RUN_COMMAND) as scratch:
        write_model(model, name, scratch, manifest)


def load_model(folder: Path, threads: int | None = None, predict_only: bool = False) -> tuple[EfficacyModel, dict]:
    """The model and manifest saved in ``folder``; a clear error when it is not a complete model folder.

    The model runs with ``threads`` (None: the cores available to this process), whatever it was saved with.
    With ``predict_only``, a model with a lighter class in SCORERS is read by it (the same predictions).

    The folder's marker must list the manifest and every weight file with the sha256 they were written
    with, so a half-written run, a mix of two runs or a damaged file is refused before anything is read.
    """
    verify_output(folder, command=RUN_COMMAND, required=[MANIFEST, MODEL_FOLDER])
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputFormatError(f"unreadable manifest ({exc})", file=str(path)) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("model"), str):
        raise InputFormatError("the manifest names no model", file=str(path))
    name = manifest["model"]
    estimator = _imported(SCORERS[name], name) if predict_only and name in SCORERS else model_class(name)
    try:
        model = estimator.load(folder / MODEL_FOLDER)
    except (KeyError, TypeError, AttributeError) as exc:
        # A sealed folder whose saved state lacks what this version reads (another version wrote it, or it
        # was edited and sealed again): one line, whichever model class it is.
        raise InputFormatError(f"the saved {name} model is not one rnakit {__version__} can read "
                               f"({type(exc).__name__}: {exc})", file=str(folder / MODEL_FOLDER)) from None
    return model.set_params(n_jobs=threads), manifest
