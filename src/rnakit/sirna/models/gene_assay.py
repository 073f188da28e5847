"""``lgbm-gene-assay``: ``lgbm-assay`` with ``lgbm-gene`` as its base model and the identity never hidden.

In duplex-held-out data the two leads are complementary: ``lgbm-gene`` splits a prediction into a
gene level, a within-gene deviation and rank, and stacks them; ``lgbm-assay`` adds the out-of-fold
level of the row's experiment (publication, gene and conditions; see assay.py: a training row's level
comes from other duplexes' rows only). Here every component of ``lgbm-gene`` reads the assay levels as
three more feature columns: one gene is measured under several conditions, and the gene + conditions
level tells its rows apart where the gene level cannot. A held-out duplex comes from a gene and
publication seen in training, so the identity columns are never hidden (``identity_dropout`` 0).

Like ``lgbm-assay``, a model for duplex-held-out data (with gene groups the levels are almost all
missing); a final model wants ``rnakit sirna train --cv duplex``.
"""

from __future__ import annotations

from rnakit.sirna.models.assay import LgbmAssayModel


class LgbmGeneAssayModel(LgbmAssayModel):
    """``lgbm-assay`` over ``lgbm-gene`` (see the module docstring); the same parameters, other defaults."""

    name = "lgbm-gene-assay"

    # Three inner duplex folds of SAIS duplex outer fold 0's training rows (pooled score; per fold):
    # lgbm-gene 0.7790 (.787/.766/.783); + the assay levels 0.7819; + identity never hidden 0.7860
    # (.794/.775/.788); lgbm-assay 0.7762, lgbm-assay with identity never hidden 0.7798.
    def __init__(self, base: str = "lgbm-gene", identity_dropout: float = 0.0, prior_rows: float = 5.0,
                 level_dropout: float = 0.2, level_folds: int = 5, n_jobs: int | None = None,
                 random_state: int = 0) -> None:
        super().__init__(base, identity_dropout, prior_rows, level_dropout, level_folds, n_jobs, random_state)
