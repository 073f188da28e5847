"""Model names → classes, and the saved model folder (weights + JSON manifest)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from rnakit import __version__
from rnakit.errors import InputFormatError, ValueRangeError
from rnakit.files import atomic_write
from rnakit.sirna.models.gru import GruBaselineModel
from rnakit.sirna.models.lgbm import LgbmEfficacyModel

MODELS = {"lgbm": LgbmEfficacyModel, "gru-baseline": GruBaselineModel}
MANIFEST = "manifest.json"


def model_class(name: str) -> type:
    """The estimator class of a model name; unknown names are an error listing the known ones."""
    if name not in MODELS:
        raise ValueRangeError(f"unknown model {name!r} (known: {', '.join(MODELS)})")
    return MODELS[name]


def model_inputs(name: str, table: pd.DataFrame, features: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """What model ``name`` reads: its own table columns (sequence models) or the feature matrix."""
    columns = getattr(model_class(name), "table_columns", None)
    return table[list(columns)] if columns else features()


def save_model(model: LgbmEfficacyModel | GruBaselineModel, name: str, folder: Path, manifest: dict) -> None:
    """Write the model's weights and a manifest (rnakit version, model, feature groups, data hash, metrics)."""
    model.save(folder / "model")
    with atomic_write(folder / MANIFEST) as handle:
        json.dump({"rnakit_version": __version__, "model": name, **manifest}, handle, indent=1)


def load_model(folder: Path) -> tuple[LgbmEfficacyModel | GruBaselineModel, dict]:
    """The model and manifest saved in ``folder``; a clear error when it is not a model folder."""
    path = folder / MANIFEST
    if not path.is_file():
        raise InputFormatError("not a model folder: no manifest.json", file=str(folder))
    manifest = json.loads(path.read_text())
    return model_class(manifest.get("model", "?")).load(folder / "model"), manifest
