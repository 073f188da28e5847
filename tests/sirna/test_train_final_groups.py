"""The final model of ``sirna train`` makes its inner choices on grouped folds, like every CV fold's fit."""

from __future__ import annotations

import numpy as np
import pytest

import rnakit.sirna.runs as runs
from rnakit.sirna.models.registry import model_class
from rnakit.sirna.splits import group_keys
from rnakit.sirna.tables import load_table
from tests.conftest import EXAMPLES


@pytest.mark.parametrize("strategy, expected", [(None, "gene"), ("gene", "gene"), ("duplex", "duplex")])
def test_final_fit_gets_the_split_groups(tmp_path, monkeypatch, strategy, expected) -> None:
    table = load_table(str(EXAMPLES / "tiny_sirna.csv"))
    seen: list[np.ndarray | None] = []
    lgbm = model_class("lgbm")

    class Recording(lgbm):  # the real model; only remembers the groups each fit was given
        def fit(self, X, y, groups=None):
            seen.append(None if groups is None else np.asarray(groups))
            return super().fit(X, y, groups=groups)

    monkeypatch.setattr(runs, "model_class", lambda name: Recording)
    runs.train_run(table, data="tiny", model="lgbm", strategy=strategy, n_folds=2, seed=0, threads=1,
                   out=tmp_path / "run", cache_dir=None, feature_groups=["composition"])
    final = seen[-1]
    assert final is not None and len(final) == len(table)
    assert final.tolist() == group_keys(table, expected).tolist()
    if expected == "gene":  # several siRNAs share a gene, so these are not one group per row
        assert len(set(final.tolist())) < len(table)
