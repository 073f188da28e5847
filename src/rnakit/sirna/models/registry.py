"""Model names → classes, and the saved model folder (weights + JSON manifest)."""

from __future__ import annotations

import json
from pathlib import Path

from rnakit import __version__
from rnakit.errors import InputFormatError, ValueRangeError
from rnakit.files import atomic_write
from rnakit.sirna.models.lgbm import LgbmEfficacyModel

MODELS = {"lgbm": LgbmEfficacyModel}
MANIFEST = "manifest.json"


def model_class(name: str) -> type:
    """The estimator class of a model name; unknown names are an error listing the known ones."""
    if name not in MODELS:
        raise ValueRangeError(f"unknown model {name!r} (known: {', '.join(MODELS)})")
    return MODELS[name]


def save_model(model: LgbmEfficacyModel, name: str, folder: Path, manifest: dict) -> None:
    """Write the model's weights and a manifest (rnakit version, model, feature groups, data hash, metrics)."""
    model.save(folder / "model")
    with atomic_write(folder / MANIFEST) as handle:
        json.dump({"rnakit_version": __version__, "model": name, **manifest}, handle, indent=1)


def load_model(folder: Path) -> tuple[LgbmEfficacyModel, dict]:
    """The model and manifest saved in ``folder``; a clear error when it is not a model folder."""
    path = folder / MANIFEST
    if not path.is_file():
        raise InputFormatError("not a model folder: no manifest.json", file=str(folder))
    manifest = json.loads(path.read_text())
    return model_class(manifest.get("model", "?")).load(folder / "model"), manifest
