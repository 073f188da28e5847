"""Named feature groups: each a pure, deterministic function ``canonical table → columns``."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rnakit.errors import ValueRangeError

Compute = Callable[[pd.DataFrame], pd.DataFrame]
SEPARATOR = "__"  # group__feature: LightGBM rejects brackets, quotes and colons in names


@dataclass(frozen=True)
class FeatureGroup:
    """A group: its one-line description, the canonical columns it reads, and its function.

    ``version`` is part of the cache key: bump it whenever the group's output changes. An
    ``optional`` group is computed only when named (models that want it ask for it), never as part
    of "every group".
    """

    name: str
    description: str
    inputs: tuple[str, ...]
    compute: Compute
    version: int = 1
    optional: bool = False


_GROUPS: dict[str, FeatureGroup] = {}
#: The modules defining the groups, imported when groups are first asked for; groups are listed in this
#: order (each module's in the order it registers them), whichever module was imported first.
GROUP_MODULES = ("sequence", "energy", "rules", "chemistry", "target", "conditions", "identity", "transcript")


def feature_group(name: str, description: str, inputs: Iterable[str], version: int = 1,
                  optional: bool = False) -> Callable[[Compute], Compute]:
    """Register ``compute(table) → DataFrame`` (same index, unprefixed column names) as group ``name``."""

    def register(compute: Compute) -> Compute:
        _GROUPS[name] = FeatureGroup(name, description, tuple(inputs), compute, version, optional)
        return compute

    return register


def _registered() -> dict[str, FeatureGroup]:
    """Every group: GROUP_MODULES' first, in that order, then any registered elsewhere (sorted is stable)."""
    package = __name__.rpartition(".")[0]
    rank = {f"{package}.{module}": i for i, module in enumerate(GROUP_MODULES)}
    for module in rank:
        importlib.import_module(module)
    ordered = sorted(_GROUPS.values(), key=lambda group: rank.get(group.compute.__module__, len(rank)))
    return {group.name: group for group in ordered}


def groups(optional: bool = False) -> dict[str, FeatureGroup]:
    """Every registered group, in registration order (the optional ones too with ``optional``)."""
    return {name: group for name, group in _registered().items() if optional or not group.optional}


def resolve_groups(names: Iterable[str] | None) -> list[FeatureGroup]:
    """Groups by name (every non-optional group when None); an unknown name is an error listing the known ones."""
    if names is None:
        return list(groups().values())
    known = _registered()
    chosen = []
    for name in names:
        if name not in known:
            raise ValueRangeError(f"unknown feature group {name!r} (known: {', '.join(known)})")
        chosen.append(known[name])
    return chosen


def per_unique(values: pd.Series, compute: Callable[[str], dict[str, float]], columns: list[str]) -> pd.DataFrame:
    """Run ``compute`` once per distinct non-missing value and spread the result over the rows.

    Rows with a missing value get NaN in every column: missing input is never a silent zero.
    """

    def each(distinct: list[str]) -> pd.DataFrame:
        return pd.DataFrame.from_dict({value: compute(value) for value in distinct}, orient="index", columns=columns)

    return per_unique_bulk(values, each, columns)


def _object_codes(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """pd.factorize's codes (-1 for missing) and distinct values of an object column, found with a dict:
    Python keeps a string's hash, so a design's one transcript object, held by every row, is hashed once,
    where factorize hashes it again on every row (4.0 -> 0.3 ms for a 1,804-row design table)."""
    codes = np.empty(len(values), dtype=np.intp)
    index: dict[str, int] = {}
    for row, value in enumerate(values.tolist()):
        if not isinstance(value, str) and pd.isna(value):
            codes[row] = -1
            continue
        code = index.get(value)
        if code is None:
            code = index[value] = len(index)
        codes[row] = code
    return codes, list(index)


def per_unique_bulk(values: pd.Series, compute: Callable[[list[str]], Mapping[str, Sequence[float]] | np.ndarray],
                    columns: list[str]) -> pd.DataFrame:
    """:func:`per_unique` for a ``compute`` that takes every distinct value at once (vectorised or
    batched work) and returns each column's values over them, in order (a mapping, or an array with
    one row per value and one column per name in ``columns``)."""
    # Rows are mapped to their distinct value by integer codes: re-indexing by the values themselves
    # can copy every row's string into one fixed-width array (quadratic memory for a design's rows,
    # which all hold the same long transcript).
    if values.dtype == object:
        codes, distinct = _object_codes(values)
    else:  # string dtypes: listing them would make a Python string per row
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        distinct = list(uniques)
    frame = pd.DataFrame(compute(distinct) if distinct else {}, columns=columns)
    table = np.vstack([frame.to_numpy(dtype="float64"), np.full((1, len(columns)), np.nan)])
    return pd.DataFrame(table[codes], index=values.index, columns=columns)


def one_hot_positions(sequences: pd.Series, prefix: str, length: int, alphabet: str = "ACGU") -> pd.DataFrame:
    """1 where ``sequence[i]`` is a letter, for positions 1..length; positions past the end are all 0."""
    columns = [f"{prefix}{i}_{letter}" for i in range(1, length + 1) for letter in alphabet]

    def encode(distinct: list[str]) -> np.ndarray:
        # One byte per position (past the end: NUL, which matches no letter), compared with every letter at once.
        padded = np.array([s[:length].encode("ascii", "replace") for s in distinct], dtype=f"S{length}")
        positions = padded.view(np.uint8).reshape(len(distinct), length)
        letters = np.frombuffer(alphabet.encode("ascii"), dtype=np.uint8)
        return (positions[:, :, None] == letters).reshape(len(distinct), -1).astype(float)

    return per_unique_bulk(sequences, encode, columns)
