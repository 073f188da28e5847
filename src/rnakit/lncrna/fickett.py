"""Fickett's TESTCODE statistic (Fickett, NAR 10:5303–5318, 1982), as CPAT uses it on an ORF.

For each base, a *position* parameter ``max(n1, n2, n3) / (min(n1, n2, n3) + 1)`` (``n_i`` = its
count in codon position ``i``) and a *content* parameter (its fraction of the sequence) are each
looked up in Fickett's table of "probability of coding" and weighted by how well that parameter
alone separates coding from non-coding sequence. The sum of the eight terms is the score (about
0.3–1.5; Fickett calls ≥ 0.95 coding and < 0.74 non-coding for windows of ≥ 200 nt).

The tables are the paper's (the same as EMBOSS ``tcode``'s ``Etcode.dat``). CPAT's own copy drops
the 0.19 content boundary; here the paper's ten content ranges are kept.
"""

from __future__ import annotations

import numpy as np

from rnakit.lncrna.hexamer import PackedRna

# Lower bounds of the ranges, highest first; a value falls in the first range whose bound it reaches.
POSITION_BOUNDS = (1.9, 1.8, 1.7, 1.6, 1.5, 1.4, 1.3, 1.2, 1.1, 0.0)
CONTENT_BOUNDS = (0.33, 0.31, 0.29, 0.27, 0.25, 0.23, 0.21, 0.19, 0.17, 0.0)
# Probability of coding per range (rows, in the bounds' order) and base (columns A, C, G, U).
POSITION_PROBABILITY = np.array([
    [0.94, 0.80, 0.90, 0.97],
    [0.68, 0.70, 0.88, 0.97],
    [0.84, 0.70, 0.74, 0.91],
    [0.93, 0.81, 0.64, 0.68],
    [0.58, 0.66, 0.53, 0.69],
    [0.68, 0.48, 0.48, 0.44],
    [0.45, 0.51, 0.27, 0.54],
    [0.34, 0.33, 0.16, 0.20],
    [0.20, 0.30, 0.08, 0.09],
    [0.22, 0.23, 0.08, 0.09],
])
CONTENT_PROBABILITY = np.array([
    [0.28, 0.82, 0.40, 0.28],
    [0.49, 0.64, 0.54, 0.24],
    [0.44, 0.51, 0.47, 0.39],
    [0.55, 0.64, 0.64, 0.40],
    [0.62, 0.59, 0.64, 0.55],
    [0.49, 0.59, 0.73, 0.75],
    [0.67, 0.43, 0.41, 0.56],
    [0.65, 0.44, 0.41, 0.69],
    [0.81, 0.39, 0.33, 0.51],
    [0.21, 0.31, 0.29, 0.58],
])
POSITION_WEIGHT = np.array([0.26, 0.18, 0.31, 0.33])
CONTENT_WEIGHT = np.array([0.11, 0.12, 0.15, 0.14])


def _range_index(values: np.ndarray, bounds: tuple[float, ...]) -> np.ndarray:
    """Row of the first bound (highest first) that each value reaches."""
    ascending = np.array(bounds[::-1])
    return len(bounds) - np.searchsorted(ascending, values, side="right")


def fickett_scores(sequences: PackedRna) -> np.ndarray:
    """TESTCODE score of each sequence, counting codon positions from its first letter.

    Letters other than ACGU count towards the length only. An empty sequence scores 0.
    """
    n = len(sequences)
    counts = np.zeros((n, 3, 5), dtype=np.int64)  # sequence × codon position × letter code
    for first, batch in sequences.batches():
        cell = ((batch.record_of_position() + first) * 3 + batch.offset_in_record() % 3) * 5 + batch.codes
        counts += np.bincount(cell, minlength=n * 15).reshape(n, 3, 5)
    per_frame = counts[:, :, :4]
    position = per_frame.max(axis=1) / (per_frame.min(axis=1) + 1)
    lengths = sequences.lengths
    content = np.divide(per_frame.sum(axis=1), lengths[:, None], out=np.zeros((n, 4)), where=lengths[:, None] > 0)
    bases = np.arange(4)
    score = (
        POSITION_PROBABILITY[_range_index(position, POSITION_BOUNDS), bases] @ POSITION_WEIGHT
        + CONTENT_PROBABILITY[_range_index(content, CONTENT_BOUNDS), bases] @ CONTENT_WEIGHT
    )
    return np.where(lengths > 0, score, 0.0)


def fickett_score(sequence: str) -> float:
    """TESTCODE score of one sequence (ACGU or ACGT, any case); see :func:`fickett_scores`."""
    return float(fickett_scores(PackedRna.from_sequences([sequence]))[0])
