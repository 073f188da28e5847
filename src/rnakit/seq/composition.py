"""Base composition of a sequence: counts, k-mer spectra, GC content, Shannon entropy."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

_CODES = np.full(256, -1, dtype=np.int64)
for _code, _letter in enumerate("ACGU"):
    _CODES[ord(_letter)] = _code


def kmer_counts(sequence: str, k: int) -> np.ndarray:
    """Occurrences of every k-mer over ACGU, in ``all_kmers(k)`` order (length 4**k).

    Windows holding any other letter (N, T, lower case) are skipped: normalise first if needed.
    """
    if k < 1:
        raise ValueError(f"k must be ≥ 1 (got {k})")
    codes = _CODES[np.frombuffer(sequence.encode("ascii", "replace"), dtype=np.uint8)]
    if len(codes) < k:
        return np.zeros(4**k, dtype=np.int64)
    windows = np.lib.stride_tricks.sliding_window_view(codes, k)
    valid = windows.min(axis=1) >= 0
    index = windows[valid] @ (4 ** np.arange(k - 1, -1, -1))
    return np.bincount(index, minlength=4**k)


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
