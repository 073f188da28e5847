"""Assembling a feature matrix from groups, with an on-disk cache keyed by content."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from rnakit import __version__
from rnakit.files import atomic_write, cache_folder, read_cache_entry
from rnakit.sirna.features.registry import SEPARATOR, FeatureGroup, resolve_groups
from rnakit.sirna.validate import sequence_errors

log = logging.getLogger(__name__)

def default_cache_dir() -> Path:
    """``<rnakit cache>/features`` (:func:`rnakit.files.cache_folder`)."""
    return cache_folder("features")


def _column_digest(column: pd.Series) -> str:
    """sha256 over the column's values; each distinct long string is digested once."""
    digests: dict[object, str] = {}
    total = hashlib.sha256()
    for value in column:
        key = " ".join(value) if isinstance(value, tuple) else value
        if not isinstance(key, str):
            key = repr(key)
        if key not in digests:
            digests[key] = hashlib.sha1(key.encode()).hexdigest()
        total.update(digests[key].encode())
    return total.hexdigest()


def cache_key(group: FeatureGroup, table: pd.DataFrame) -> str:
    """Changes whenever the group's code version, rnakit's version or any input value changes."""
    digest = hashlib.sha256(f"{group.name}:{group.version}:{__version__}:{len(table)}".encode())
    for column in group.inputs:
        digest.update(f"{column}={_column_digest(table[column])}".encode())
    return digest.hexdigest()[:32]


def compute_group(group: FeatureGroup, table: pd.DataFrame, cache_dir: Path | None) -> pd.DataFrame:
    """One group's columns, prefixed ``group__``; read from / written to the cache when one is given."""
    path = cache_dir / f"{group.name}-{cache_key(group, table)}.parquet" if cache_dir else None
    if path is not None:
        cached = read_cache_entry(path, lambda entry: pd.read_parquet(entry).set_axis(table.index))
        if cached is not None:
            return cached
    frame = group.compute(table.reset_index(drop=True))
    frame.columns = [f"{group.name}{SEPARATOR}{c}" for c in frame.columns]
    if path is not None:
        with atomic_write(path, "wb") as handle:
            frame.reset_index(drop=True).to_parquet(handle)
    frame.index = table.index
    return frame


def compute_features(
    table: pd.DataFrame,
    group_names: Iterable[str] | None = None,
    *,
    cache_dir: Path | None = None,
    file: str = "table",
    on_group: Callable[[FeatureGroup], None] | None = None,
) -> pd.DataFrame:
    """Feature matrix of ``table``: ``id`` then every chosen group's columns, rows in table order.

    Raises an RnakitError when a strand holds a non-nucleotide letter or an impossible length.
    ``on_group`` is called before each group (for progress display).
    """
    chosen = resolve_groups(group_names)
    errors = sequence_errors(table)
    if errors:
        raise errors[0].as_error(file)
    parts = [table[["id"]]]
    for group in chosen:
        if on_group is not None:
            on_group(group)
        parts.append(compute_group(group, table, cache_dir))
    return pd.concat(parts, axis=1)
