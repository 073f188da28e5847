"""Registered siRNA datasets and their readers (each returns the canonical table)."""

from rnakit.sirna.datasets.registry import (
    DATA_DIR_ENV,
    DatasetInfo,
    dataset_folder,
    default_data_dir,
    get_info,
    load_dataset,
    register_reader,
    registry,
)

# Importing the reader modules registers them.
from rnakit.sirna.datasets import cmsirnadb, ensirna, mysara, sais, sdg, sirnaefficacydb  # noqa: E402,F401  isort:skip

__all__ = [
    "DATA_DIR_ENV",
    "DatasetInfo",
    "dataset_folder",
    "default_data_dir",
    "get_info",
    "load_dataset",
    "register_reader",
    "registry",
]
