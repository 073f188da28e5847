"""lgbm-gene-assay: lgbm-gene's components also read the assay levels, learnt out of fold, saved as JSON."""

import json

import numpy as np
import pandas as pd
import pytest

from rnakit.errors import InputFormatError, ValueRangeError
from rnakit.sirna.models.assay import STATE_FILE, fit_assay_levels
from rnakit.sirna.models.gene import LgbmGeneModel
from rnakit.sirna.models.gene_assay import LgbmGeneAssayModel
from rnakit.sirna.models.registry import model_class
from tests.sirna.models.test_assay import synthetic



def test_assay_levels_hand_computed():
    X = pd.DataFrame({"identity__publication": ["p", "p", "p", "p", "q"], "identity__gene": "A"})
    y, groups = np.array([10.0, 20.0, 30.0, 40.0, 90.0]), np.array([0, 0, 1, 2, 3])  # rows 0-1: one duplex
    columns, levels = fit_assay_levels(X, y, groups, prior_rows=0.0, level_dropout=0.0, level_folds=4, seed=0)
    experiment = columns["assay__experiment"]
    # rows 0-1 see rows 2-3 only (35), row 2 sees 0, 1, 3 (70/3), row 3 sees 0-2 (20); q has no other row
    assert experiment[:4].tolist() == [35.0, 35.0, 70 / 3, 20.0] and np.isnan(experiment[4])
    assert columns["assay__gene_conditions"][4] == 25.0  # all five share gene A and no conditions
    assert levels["assay__experiment"] == {"p|A|nan|nan|nan|nan": 25.0, "q|A|nan|nan|nan|nan": 90.0}
    hidden, _ = fit_assay_levels(X, y, groups, 0.0, level_dropout=1.0, level_folds=4, seed=0)
    assert all(np.isnan(c).all() for c in hidden.values())


def test_lgbm_gene_assay_learns_seen_levels_and_round_trips(tmp_path):
    X, y, duplex = synthetic()
    test = duplex % 5 == 0  # held-out duplexes of seen experiments
    model = model_class("lgbm-gene-assay")(n_jobs=1).fit(X[~test], y[~test], groups=duplex[~test])
    assert model.get_params()["identity_dropout"] == 0.0 and isinstance(model.lgbm_, LgbmGeneModel)
    plain = LgbmGeneModel(n_jobs=1, identity_dropout=0.0).fit(X[~test], y[~test], groups=duplex[~test])
    predicted = model.predict(X[test])
    assert np.mean(np.abs(predicted - y[test])) < 0.8 * np.mean(np.abs(plain.predict(X[test]) - y[test]))
    model.save(tmp_path / "m")
    np.testing.assert_array_equal(LgbmGeneAssayModel.load(tmp_path / "m").predict(X[test]), predicted)
    state = json.loads((tmp_path / "m" / STATE_FILE).read_text())
    assert state["params"]["base"] == "lgbm-gene"
    state["params"]["base"] = "gnn"  # not a base the levels may feed
    (tmp_path / "m" / STATE_FILE).write_text(json.dumps(state))
    with pytest.raises(InputFormatError, match="lgbm-gene-assay model folder"):
        LgbmGeneAssayModel.load(tmp_path / "m")
    with pytest.raises(ValueRangeError, match="base must be one of lgbm, lgbm-gene"):
        LgbmGeneAssayModel(base="gnn").fit(X, y, groups=duplex)
