"""The models shipped in the package, by name: a light module (no training or metrics code), so that
scoring with a shipped model, as design does, imports no more than loading it needs."""

from __future__ import annotations

from pathlib import Path

from rnakit.errors import InputFormatError

SHIPPED_MODELS_DIR = Path(__file__).resolve().parent.parent.parent / "data" / "models"
#: Models shipped in the package, trained by scripts/train_default_models.py: ``default`` (the
#: competition's modified siRNAs and conditions) and ``unmodified`` (public unmodified sets, for design).
SHIPPED_MODELS = ("default", "unmodified")


def resolve_model_dir(name: str | Path) -> Path:
    """A shipped model's name (SHIPPED_MODELS) gives its folder; anything else is a run folder."""
    if str(name) in SHIPPED_MODELS:
        folder = SHIPPED_MODELS_DIR / str(name)
        if not (folder / "manifest.json").is_file():
            raise InputFormatError(f"no shipped {name!r} model in this installation (run scripts/train_default_models.py)")
        return folder
    return Path(name)
