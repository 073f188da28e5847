"""lgbm's calibration chosen on inner folds: shift + gate, or the gate alone (lgbm-cal)."""

import numpy as np
import pandas as pd
import pytest

from rnakit.sirna.metrics import competition_score
from rnakit.sirna.models.calibration import calibrated, choose_calibration, fit_calibration
from rnakit.sirna.models.lgbm import LgbmCalibrationChoiceModel, LgbmEfficacyModel

TRUTH = np.tile([10.0, 60.0], 30)
FOLD = np.repeat([0, 1, 2], 20)
FOLDS = [(np.flatnonzero(FOLD != k), np.flatnonzero(FOLD == k)) for k in range(3)]


def test_a_shift_that_holds_in_every_fold_is_kept():
    # Every potent row predicted 25 points too high, the classifier uninformative: only a shift helps.
    timid = np.where(TRUTH < 30, TRUTH + 25, TRUTH)
    name, scores = choose_calibration(TRUTH, timid, np.full(TRUTH.size, 0.5), FOLDS)
    assert name == "shift+gate" and scores["shift+gate"] > scores["gate"]


def test_a_shift_that_differs_between_folds_is_dropped_for_the_gate():
    # Each fold (gene group) off by its own level, +30, 0, −30; the classifier separates the classes.
    offset = np.array([30.0, 0.0, -30.0])[FOLD]
    p_effective = np.where(TRUTH < 30, 0.9, 0.1)
    name, scores = choose_calibration(TRUTH, TRUTH + offset, p_effective, FOLDS)
    assert name == "gate" and scores["gate"] > scores["shift+gate"]
    # the score reported is the held-out one: each fold calibrated by the other two
    held_out = np.zeros(TRUTH.size)
    for train, test in FOLDS:
        shift, gate = fit_calibration("gate", TRUTH[train], (TRUTH + offset)[train], p_effective[train])
        assert shift == 0.0
        held_out[test] = calibrated((TRUTH + offset)[test], p_effective[test], shift, gate)
    assert scores["gate"] == pytest.approx(competition_score(TRUTH, held_out))


def test_unknown_calibration_is_an_error():
    with pytest.raises(ValueError, match="unknown calibration"):
        fit_calibration("quantile", TRUTH, TRUTH, None)


def test_lgbm_keeps_its_calibration_and_lgbm_cal_records_its_choice(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, size=(300, 3))
    y = 70 - 60 * x[:, 0] + rng.normal(0, 5, 300)
    features, groups = pd.DataFrame(x, columns=["a", "b", "c"]), np.arange(300) % 9
    small = dict(n_estimators=40, learning_rate=0.1, min_child_samples=5, n_jobs=1)
    plain = LgbmEfficacyModel(**small).fit(features, y, groups=groups)
    assert plain.calibration_ == "shift+gate" and plain.calibration_scores_ == {}  # no choice made
    chooser = LgbmCalibrationChoiceModel(**small).fit(features, y, groups=groups)
    assert set(chooser.calibration_scores_) == {"shift+gate", "gate"}
    assert chooser.calibration_ == max(chooser.calibration_scores_, key=chooser.calibration_scores_.get)
    if chooser.calibration_ == "gate":
        assert chooser.shift_ == 0.0
    chooser.save(tmp_path / "m")
    loaded = LgbmCalibrationChoiceModel.load(tmp_path / "m")
    assert loaded.calibration_ == chooser.calibration_
    np.testing.assert_allclose(loaded.predict(features), chooser.predict(features))
