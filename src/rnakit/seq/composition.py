"""Base composition of a sequence: counts, k-mer spectra, GC content, Shannon entropy."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

_CODES = np.full(256, -1, dtype=np.int64)
for _code, _letter in enumerate("ACGU"):
    _CODES[ord(_letter)] = _code


def kmer_counts(sequence: str, k: int) -> np.ndarray:
    """Occurrences of every k-mer over ACGU, in ``all_kmers(k)`` order (length 4**k).

    Windows holding any other letter (N, T, lower case) are skipped: normalise first if needed.
    """
    return kmer_count_matrix([sequence], k)[0]


def kmer_count_matrix(sequences: Sequence[str], k: int) -> np.ndarray:
    """:func:`kmer_counts` of every sequence at one go: shape (len(sequences), 4**k)."""
    if k < 1:
        raise ValueError(f"k must be ≥ 1 (got {k})")
    width = max(map(len, sequences), default=0)
    if width < k:
        return np.zeros((len(sequences), 4**k), dtype=np.int64)
    # One byte per letter, NUL past each end: its code −1 makes those windows invalid like any other letter.
    padded = np.array([s.encode("ascii", "replace") for s in sequences], dtype=f"S{width}")
    codes = _CODES[padded.view(np.uint8).reshape(len(sequences), width)]
    windows = np.lib.stride_tricks.sliding_window_view(codes, k, axis=1)
    valid = windows.min(axis=2) >= 0
    index = windows @ (4 ** np.arange(k - 1, -1, -1)) + 4**k * np.arange(len(sequences))[:, None]
    return np.bincount(index[valid], minlength=len(sequences) * 4**k).reshape(len(sequences), 4**k)


def gc_fraction(sequence: str) -> float:
    """Fraction of G and C among the letters (NaN for an empty sequence)."""
    if not sequence:
        return math.nan
    return (sequence.count("G") + sequence.count("C")) / len(sequence)


def shannon_entropy(sequence: str) -> float:
    """−Σ p·log2 p over the letters that occur, in bits (0 for one repeated letter; NaN when empty)."""
    if not sequence:
        return math.nan
    total = len(sequence)
    return -sum((c / total) * math.log2(c / total) for c in Counter(sequence).values())
