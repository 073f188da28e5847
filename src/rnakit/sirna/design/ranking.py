"""Ranking candidates: a composite of predicted efficacy and specificity.

    composite = 100 − the model's predicted % mRNA remaining (predicted_remaining_pct_raw)
                − 15 · log2(1 + guide near-perfect off-targets with 0–1 mismatches)
                − 5  · log2(1 + guide off-targets with 2 mismatches)
                − the same two terms at half weight for the passenger strand
                − 10 · (fraction of other transcripts holding a perfect guide seed match)

The raw prediction, not the one shown (floored at 0 %), so that the best candidates do not tie.
Without a transcriptome the composite is 100 − the raw prediction. The log terms make the first
near-perfect off-target cost most (it is the one that matters to a biologist); the seed term
spans 0–10 points, from a unique seed to one found in every transcript. Candidates that fail a
filter are never ranked; ties keep transcript order. The chosen set (``top.fasta``, the report)
walks down the ranks and skips a candidate whose site lies within ``spacing`` nt of one already
chosen, so the picks are independent sites rather than one hot spot shifted by a nucleotide.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NEAR_PERFECT_WEIGHT = 15.0
TWO_MISMATCH_WEIGHT = 5.0
PASSENGER_FACTOR = 0.5
SEED_WEIGHT = 10.0


def composite_score(scored: pd.DataFrame, n_transcripts: int | None) -> pd.Series:
    """The composite of every candidate (see the module docstring)."""
    score = 100.0 - scored["predicted_remaining_pct_raw"].astype(float)
    if n_transcripts is None:
        return score
    for strand, factor in (("guide", 1.0), ("passenger", PASSENGER_FACTOR)):
        near = scored[f"{strand}_mm0"] + scored[f"{strand}_mm1"]
        score -= factor * (NEAR_PERFECT_WEIGHT * np.log2(1 + near) + TWO_MISMATCH_WEIGHT * np.log2(1 + scored[f"{strand}_mm2"]))
    score -= SEED_WEIGHT * scored["guide_seed_matches"] / max(n_transcripts, 1)
    return score


def rank_candidates(scored: pd.DataFrame) -> pd.Series:
    """1-based rank of every passing candidate by composite (best first), ``<NA>`` for the rest."""
    passing = scored[scored["passed"]]
    order = passing.sort_values("composite", ascending=False, kind="stable").index
    rank = pd.Series(pd.NA, index=scored.index, dtype="Int64")
    rank.loc[order] = np.arange(1, len(order) + 1)
    return rank


def choose_top(scored: pd.DataFrame, top: int, spacing: int) -> pd.Series:
    """True for the ``top`` best-ranked candidates whose starts are ≥ ``spacing`` nt apart."""
    chosen = pd.Series(False, index=scored.index)
    starts: list[int] = []
    for index, start in scored.loc[scored["rank"].notna()].sort_values("rank")["start"].items():
        if len(starts) == top:
            break
        if all(abs(start - other) >= spacing for other in starts):
            chosen[index] = True
            starts.append(start)
    return chosen
