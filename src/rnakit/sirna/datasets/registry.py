"""The dataset registry: which datasets rnakit knows, where their files live, how to read them."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from rnakit.errors import DatasetNotFoundError

Reader = Callable[[Path], pd.DataFrame]
_READERS: dict[str, Reader] = {}

DATA_DIR_ENV = "RNAKIT_DATA_DIR"
#: Where ``rnakit sirna datasets fetch`` puts datasets when no data directory is given or found.
USER_DATA_DIR = Path.home() / ".cache" / "rnakit" / "data"


def register_reader(name: str) -> Callable[[Reader], Reader]:
    """Register ``reader(folder) → canonical table`` under ``name`` (the registry's ``reader:``)."""

    def decorate(reader: Reader) -> Reader:
        _READERS[name] = reader
        return reader

    return decorate


@dataclass(frozen=True)
class DatasetInfo:
    """One registry entry (see ``rnakit/data/datasets.yaml``)."""

    name: str
    reader: str
    folder: str
    description: str
    label_kind: str
    licence: str
    origin: str
    rows: int
    files: dict[str, str]  # file name (relative to folder) → sha256
    genes: int | None = None  # distinct target genes (case-insensitive), or transcripts where no gene is given
    urls: dict[str, str] = field(default_factory=dict)  # file → public address, for files published unchanged
    notes: str = ""  # terms of use and caveats beyond the licence's name


@functools.cache
def registry() -> dict[str, DatasetInfo]:
    """All known datasets, by name, in the registry file's order."""
    text = resources.files("rnakit").joinpath("data/datasets.yaml").read_text(encoding="utf-8")
    entries = yaml.safe_load(text)
    return {name: DatasetInfo(name=name, **entry) for name, entry in entries.items()}


def default_data_dir() -> Path | None:
    """``$RNAKIT_DATA_DIR``, else a ``shared/data`` beside the working directory or the checkout,
    else the folder ``fetch`` downloads into; None when none of them exists."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parents[4]  # src/rnakit/sirna/datasets → checkout root
    for candidate in (Path.cwd() / ".." / "shared" / "data", checkout / ".." / "shared" / "data", USER_DATA_DIR):
        if candidate.is_dir():
            return candidate.resolve()
    return None


def dataset_folder(name: str, data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding dataset ``name``; raise DatasetNotFoundError when it is absent."""
    info = get_info(name)
    base = Path(data_dir) if data_dir is not None else default_data_dir()
    if base is None:
        raise DatasetNotFoundError(
            f"no data directory for dataset {name!r}: set {DATA_DIR_ENV} or pass --data-dir"
        )
    folder = base / info.folder
    missing = [f for f in info.files if not (folder / f).is_file()]
    if missing:
        raise DatasetNotFoundError(
            f"dataset {name!r} is incomplete in {folder}: missing {', '.join(missing)}"
        )
    return folder


def get_info(name: str) -> DatasetInfo:
    """Registry entry for ``name``; raise DatasetNotFoundError listing the known names."""
    known = registry()
    if name not in known:
        raise DatasetNotFoundError(
            f"unknown dataset {name!r} (known: {', '.join(known)})"
        )
    return known[name]


def load_dataset(name: str, data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Read dataset ``name`` into the canonical siRNA table."""
    info = get_info(name)
    folder = dataset_folder(name, data_dir)
    reader = _READERS.get(info.reader)
    if reader is None:
        raise DatasetNotFoundError(f"dataset {name!r} names reader {info.reader!r}, which is not registered")
    return reader(folder)
