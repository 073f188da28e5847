"""Score-aware post-hoc steps (the '< 30' gate) and hiding the gene/publication during training."""

import json

import numpy as np
import pandas as pd

from rnakit.sirna.metrics import competition_score
from rnakit.sirna.models.calibration import GATE_ABOVE, GATE_BELOW, apply_gate, best_gate
from rnakit.sirna.models.encoding import mask_identity
from rnakit.sirna.models.lgbm import GATE_FILE, PARAMS_FILE, LgbmEfficacyModel


def test_gate_moves_only_the_rows_where_classifier_and_regressor_disagree():
    predicted = np.array([10.0, 50.0, 40.0, 20.0])
    p_effective = np.array([0.9, 0.9, 0.1, 0.1])
    gated = apply_gate(predicted, p_effective, 0.5)
    # agree (10, confident), raised to 29 (50 but confident), agree (40), lifted to 30 (20 but unlikely)
    assert gated.tolist() == [10.0, GATE_BELOW, 40.0, GATE_ABOVE]
    assert apply_gate(predicted, p_effective, None) is predicted


def test_best_gate_finds_a_useful_threshold_and_otherwise_declines():
    truth = np.array([10.0, 20.0, 25.0, 60.0, 70.0, 80.0])
    timid = np.array([35.0, 35.0, 35.0, 60.0, 70.0, 80.0])  # the regressor never calls "< 30"
    clear = np.array([0.8, 0.7, 0.6, 0.2, 0.1, 0.1])  # the classifier separates the two classes
    threshold = best_gate(truth, timid, clear)
    assert threshold is not None and 0.2 <= threshold < 0.6
    assert competition_score(truth, apply_gate(timid, clear, threshold)) > competition_score(truth, timid)
    # A perfect regressor gains nothing from a gate: none is chosen.
    assert best_gate(truth, truth, clear) is None


def test_mask_identity_hides_only_identity_columns_on_about_the_fraction():
    n = 2000
    frame = pd.DataFrame({"identity__gene": pd.Series(["A", "B"] * (n // 2), dtype="category"), "x": np.arange(n)})
    masked = mask_identity(frame, 0.5, seed=0)
    assert 0.45 < masked["identity__gene"].isna().mean() < 0.55
    assert masked["x"].tolist() == list(range(n)) and frame["identity__gene"].notna().all()  # input untouched
    assert mask_identity(frame, 0.0, seed=0) is frame


def test_lgbm_with_gate_round_trips_and_reads_models_saved_before_the_gate(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, size=(400, 3))
    y = 70 - 60 * x[:, 0] + rng.normal(0, 5, 400)
    features = pd.DataFrame(x, columns=["a", "b", "c"])
    model = LgbmEfficacyModel(n_estimators=60, learning_rate=0.1, min_child_samples=5, n_jobs=1).fit(features, y)
    model.gate_booster_ = model.gate_booster_ or model._fit_classifier(model_matrix(model, features), y)
    model.gate_threshold_ = model.gate_threshold_ if model.gate_threshold_ is not None else 0.5
    model.save(tmp_path / "m")
    assert (tmp_path / "m" / GATE_FILE).is_file()
    np.testing.assert_allclose(LgbmEfficacyModel.load(tmp_path / "m").predict(features), model.predict(features))
    # A model folder written before the gate and identity_dropout existed still loads, ungated.
    state = json.loads((tmp_path / "m" / PARAMS_FILE).read_text())
    del state["gate_threshold"], state["params"]["gate"], state["params"]["identity_dropout"]
    (tmp_path / "m" / PARAMS_FILE).write_text(json.dumps(state))
    (tmp_path / "m" / GATE_FILE).unlink()
    old = LgbmEfficacyModel.load(tmp_path / "m")
    assert old.gate_booster_ is None
    np.testing.assert_allclose(old.predict(features), model.booster_.predict(features.to_numpy()) + model.shift_)


def model_matrix(model: LgbmEfficacyModel, features: pd.DataFrame) -> np.ndarray:
    from rnakit.sirna.models.encoding import encode

    return encode(features, model.features_, model.levels_)
