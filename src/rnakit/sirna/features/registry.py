"""Named feature groups: each a pure, deterministic function ``canonical table → columns``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd

from rnakit.errors import ValueRangeError

Compute = Callable[[pd.DataFrame], pd.DataFrame]
SEPARATOR = "__"  # group__feature: LightGBM rejects brackets, quotes and colons in names


@dataclass(frozen=True)
class FeatureGroup:
    """A group: its one-line description, the canonical columns it reads, and its function.

    ``version`` is part of the cache key: bump it whenever the group's output changes.
    """

    name: str
    description: str
    inputs: tuple[str, ...]
    compute: Compute
    version: int = 1


_GROUPS: dict[str, FeatureGroup] = {}


def feature_group(name: str, description: str, inputs: Iterable[str], version: int = 1) -> Callable[[Compute], Compute]:
    """Register ``compute(table) → DataFrame`` (same index, unprefixed column names) as group ``name``."""

    def register(compute: Compute) -> Compute:
        _GROUPS[name] = FeatureGroup(name, description, tuple(inputs), compute, version)
        return compute

    return register


def groups() -> dict[str, FeatureGroup]:
    """Every registered group, in registration order."""
    return dict(_GROUPS)


def resolve_groups(names: Iterable[str] | None) -> list[FeatureGroup]:
    """Groups by name (all when None); an unknown name is an error listing the known ones."""
    if names is None:
        return list(_GROUPS.values())
    chosen = []
    for name in names:
        if name not in _GROUPS:
            raise ValueRangeError(f"unknown feature group {name!r} (known: {', '.join(_GROUPS)})")
        chosen.append(_GROUPS[name])
    return chosen


def per_unique(values: pd.Series, compute: Callable[[str], dict[str, float]], columns: list[str]) -> pd.DataFrame:
    """Run ``compute`` once per distinct non-missing value and spread the result over the rows.

    Rows with a missing value get NaN in every column: missing input is never a silent zero.
    """
    distinct = pd.unique(values.dropna())
    rows = {value: compute(value) for value in distinct}
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=columns) if rows else pd.DataFrame(columns=columns)
    result = frame.reindex(values.to_numpy()).astype("float64")
    result.index = values.index
    return result


def one_hot_positions(sequences: pd.Series, prefix: str, length: int, alphabet: str = "ACGU") -> pd.DataFrame:
    """1 where ``sequence[i]`` is a letter, for positions 1..length; positions past the end are all 0."""
    columns = [f"{prefix}{i}_{letter}" for i in range(1, length + 1) for letter in alphabet]

    def encode(sequence: str) -> dict[str, float]:
        return {f"{prefix}{i}_{letter}": float(i <= len(sequence) and sequence[i - 1] == letter)
                for i in range(1, length + 1) for letter in alphabet}

    return per_unique(sequences, encode, columns)
