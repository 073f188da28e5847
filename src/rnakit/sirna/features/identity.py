"""The ``identity`` feature group: which target gene and which publication a row comes from.

A model can only use these for genes and publications it has seen in training (a duplex-grouped
split, or a competition test file whose genes all occur in training). Models hide them for a share
of their training rows (``identity_dropout``) so that they also learn to predict for a new gene,
where these columns are unknown.
"""

from __future__ import annotations

import pandas as pd

from rnakit.sirna.features.registry import feature_group


@feature_group(
    "identity",
    "target gene (case-insensitive, so orthologs such as HAO1/Hao1 are one) and publication, as categories; "
    "useful only for genes seen in training",
    inputs=("gene", "publication"),
)
def identity(table: pd.DataFrame) -> pd.DataFrame:
    gene = table["gene"].map(lambda g: g.upper() if isinstance(g, str) and g.strip() else None)
    publication = table["publication"].map(lambda p: str(p) if isinstance(p, str) and p.strip() else None)
    return pd.DataFrame({"gene": pd.Series(gene, dtype="category"), "publication": pd.Series(publication, dtype="category")},
                        index=table.index)
