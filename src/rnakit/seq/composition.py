"""Base composition of a sequence: counts, GC content, Shannon entropy."""

from __future__ import annotations

import math
from collections import Counter


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
