"""Registered siRNA datasets and their readers (each returns the canonical table)."""

from rnakit.sirna.datasets.pooled import DEFAULT_SETS, PooledSet, pooled_unmodified
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
from rnakit.sirna.datasets import (  # noqa: E402,F401  isort:skip
    cmsirnadb,
    ensirna,
    gnn4sirna,
    mysara,
    pooled,
    sais,
    sdg,
    sirnaefficacydb,
)

__all__ = [
    "DATA_DIR_ENV",
    "DEFAULT_SETS",
    "DatasetInfo",
    "PooledSet",
    "dataset_folder",
    "default_data_dir",
    "get_info",
    "load_dataset",
    "pooled_unmodified",
    "register_reader",
    "registry",
]
