"""lgbm-assay: an assay's level learnt out of fold over grouped folds, never from a row's own duplex."""

import numpy as np
import pandas as pd
import pytest

from rnakit.errors import InputFormatError
from rnakit.sirna.models.assay import ASSAY_KEYS, LgbmAssayModel, assay_keys
from rnakit.sirna.models.registry import model_class
from rnakit.sirna.models.seen import out_of_fold_levels


def synthetic(experiments: int = 8, per_experiment: int = 40, seed: int = 0):
    """remaining = level(publication, concentration) − 30·x1 + noise; the gene and the concentration
    alone do not tell the experiments' levels apart (each concentration occurs in two publications)."""
    rng = np.random.default_rng(seed)
    n = experiments * per_experiment
    experiment = np.repeat(np.arange(experiments), per_experiment)
    level = np.repeat(rng.permutation(np.linspace(30, 80, experiments)), per_experiment)
    x1 = rng.uniform(0, 1, n)
    X = pd.DataFrame({"sequence__x1": x1, "identity__gene": "G", "identity__publication": [f"P{e % 4}" for e in experiment],
                      "conditions__log10_concentration_nm": (experiment // 4).astype(float)})
    return X, level - 30 * x1 + rng.normal(0, 2, n), np.arange(n) // 2  # two measurements per duplex


def test_keys_and_grouped_out_of_fold_levels():
    X = pd.DataFrame({"identity__gene": pd.Categorical(["A", None]), "identity__publication": ["p", "q"]})
    assert list(assay_keys(X, ("identity__publication", "identity__gene", "conditions__hours"))) == ["p|A|nan", "q|nan|nan"]
    y, keys = np.array([10.0, 20.0, 30.0, 40.0, 90.0]), np.array(["a", "a", "a", "a", "b"])
    groups = np.array([0, 0, 1, 2, 3])  # rows 0 and 1 are one duplex
    level = out_of_fold_levels(y, keys, folds=4, prior_rows=0.0, seed=0, groups=groups)
    # rows 0-1 see rows 2-3 only (35), row 2 sees 0, 1, 3 (70/3), row 3 sees 0-2 (20); b has no other row
    assert level[:4].tolist() == [35.0, 35.0, 70 / 3, 20.0] and np.isnan(level[4])
    changed = y.copy()
    changed[:2] = 1000.0  # a duplex's own labels never reach its level
    assert out_of_fold_levels(changed, keys, 4, 0.0, 0, groups=groups)[:2].tolist() == [35.0, 35.0]
    assert np.isnan(out_of_fold_levels(y, keys, 4, 0.0, 0, groups=np.zeros(5))).all()  # one group: no other fold


def test_lgbm_assay_learns_seen_levels_and_round_trips(tmp_path):
    X, y, duplex = synthetic()
    test = duplex % 5 == 0  # held-out duplexes of seen experiments
    model = model_class("lgbm-assay")(n_jobs=1).fit(X[~test], y[~test], groups=duplex[~test])
    assert set(model.levels_) == set(ASSAY_KEYS)
    plain = model_class("lgbm")(n_jobs=1, identity_dropout=0.0).fit(X[~test], y[~test], groups=duplex[~test])
    error = np.mean(np.abs(model.predict(X[test]) - y[test]))
    assert error < 5 < np.mean(np.abs(plain.predict(X[test]) - y[test]))
    model.save(tmp_path / "m")
    again = LgbmAssayModel.load(tmp_path / "m")
    np.testing.assert_array_equal(again.predict(X[test]), model.predict(X[test]))
    (tmp_path / "m" / "lgbm_assay.json").write_text("{")
    with pytest.raises(InputFormatError, match="lgbm-assay"):
        LgbmAssayModel.load(tmp_path / "m")
