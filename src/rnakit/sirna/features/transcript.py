"""The optional ``transcript`` feature group: properties of the whole target transcript.

They are one value per transcript, so they carry a gene's *level* (how well any siRNA against it
works in one assay), never the order among its siRNAs. In Huesken 2005's reporter assay a
GC-rich transcript is knocked down less on average. A tree model reads such a column as the gene's
identity and learns the training genes' levels; ``lgbm-rank`` instead uses it in a linear level
term (:class:`rnakit.sirna.models.ranker.LgbmRankModel`, ``level_columns``). Optional: computed
only for models that name it.
"""

from __future__ import annotations

import pandas as pd

from rnakit.seq.composition import gc_fraction
from rnakit.sirna.features.registry import feature_group, per_unique

COLUMNS = ["gc"]


@feature_group(
    "transcript",
    "GC fraction of the whole target transcript (one value per transcript: a gene-level covariate)",
    inputs=("transcript",),
    optional=True,
)
def transcript(table: pd.DataFrame) -> pd.DataFrame:
    return per_unique(table["transcript"], lambda t: {"gc": gc_fraction(t.upper())}, COLUMNS)
