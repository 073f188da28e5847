"""Sequence-only feature groups: composition, k-mer spectrum, one-hot positions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rnakit.seq.composition import gc_fraction, kmer_count_matrix, shannon_entropy
from rnakit.seq.tokenize import all_kmers
from rnakit.sirna.features.registry import feature_group, one_hot_positions, per_unique, per_unique_bulk

#: Guide windows whose GC content matters (1-based, inclusive): the seed and its neighbours.
GUIDE_WINDOWS = {"seed_2_8": (2, 8), "1_7": (1, 7), "8_14": (8, 14), "15_19": (15, 19)}
POSITIONS = 21


def _composition(sequence: str, strand: str) -> dict[str, float]:
    length = len(sequence)
    values = {f"{strand}_length": float(length)}
    for base in "ACGU":
        count = sequence.count(base)
        values[f"{strand}_count_{base}"] = float(count)
        values[f"{strand}_frac_{base}"] = count / length if length else float("nan")
    values[f"{strand}_gc"] = gc_fraction(sequence)
    values[f"{strand}_entropy"] = shannon_entropy(sequence)
    return values


def _columns(strand: str) -> list[str]:
    return list(_composition("ACGU", strand))


@feature_group(
    "composition",
    "length, A/C/G/U counts and fractions, GC, Shannon entropy (bits) of guide and passenger; GC of guide 2–8, 1–7, 8–14, 15–19",
    inputs=("guide", "passenger"),
)
def composition(table: pd.DataFrame) -> pd.DataFrame:
    def guide_features(sequence: str) -> dict[str, float]:
        values = _composition(sequence, "guide")
        for name, (start, end) in GUIDE_WINDOWS.items():
            window = sequence[start - 1 : end]
            values[f"guide_gc_{name}"] = gc_fraction(window) if len(window) == end - start + 1 else float("nan")
        return values

    guide_columns = _columns("guide") + [f"guide_gc_{name}" for name in GUIDE_WINDOWS]
    guide = per_unique(table["guide"], guide_features, guide_columns)
    passenger = per_unique(table["passenger"], lambda s: _composition(s, "passenger"), _columns("passenger"))
    return pd.concat([guide, passenger], axis=1)


@feature_group("kmers", "counts of every 1-, 2- and 3-mer in the guide (DSIR-style spectrum, 84 columns)", inputs=("guide",))
def kmers(table: pd.DataFrame) -> pd.DataFrame:
    columns = [f"guide_{kmer}" for k in (1, 2, 3) for kmer in all_kmers(k)]

    def spectra(guides: list[str]) -> np.ndarray:
        return np.hstack([kmer_count_matrix(guides, k) for k in (1, 2, 3)]).astype(float)

    return per_unique_bulk(table["guide"], spectra, columns)


@feature_group(
    "position",
    "one-hot base at guide positions 1–21 and passenger positions 1–21 (absent positions all zero)",
    inputs=("guide", "passenger"),
)
def position(table: pd.DataFrame) -> pd.DataFrame:
    return pd.concat(
        [one_hot_positions(table["guide"], "guide_p", POSITIONS),
         one_hot_positions(table["passenger"], "passenger_p", POSITIONS)],
        axis=1,
    )
