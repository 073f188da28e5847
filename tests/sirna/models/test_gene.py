"""The lgbm-gene model: its mapping is chosen on training rows only, and it is saved without pickle."""

import numpy as np
import pandas as pd

from rnakit.sirna.models.gene import MAPPINGS, STACK_INPUTS, LgbmGeneModel
from rnakit.sirna.models.registry import model_class


def synthetic(genes: int = 12, per_gene: int = 40, seed: int = 0):
    """remaining = level(gene) + 60 on rows where x1 > 0.5 and the cell line is "b", − 20·x2, + noise;
    a gene's level is 20 + 40·(its cell line is "b")."""
    rng = np.random.default_rng(seed)
    n = genes * per_gene
    gene = np.repeat([f"G{i}" for i in range(genes)], per_gene)
    cell_b = np.repeat(np.arange(genes) % 2 == 1, per_gene)
    x1, x2 = rng.uniform(0, 1, n), rng.uniform(0, 1, n)
    y = 20 + 40 * cell_b + 60 * ((x1 > 0.5) & cell_b) - 20 * x2 + rng.normal(0, 2, n)
    X = pd.DataFrame({
        "sequence__x1": x1, "sequence__x2": x2,
        "conditions__cell_line": pd.Series(np.where(cell_b, "b", "a"), dtype="category"),
        "identity__gene": pd.Series(gene, dtype="category"),
    })
    return X, y, gene


def small() -> LgbmGeneModel:
    return LgbmGeneModel(n_estimators=40, learning_rate=0.1, min_child_samples=5, level_estimators=40,
                         inner_folds=3, n_jobs=1)


def test_selection_ignores_held_out_labels_and_round_trips(tmp_path):
    X, y, gene = synthetic()
    train = ~np.isin(gene, ["G10", "G11"])
    model = small().fit(X[train], y[train], groups=gene[train])
    assert model_class("lgbm-gene") is LgbmGeneModel
    assert model.mapping_ in MAPPINGS and set(model.mapping_scores_) == set(MAPPINGS)
    # The held-out rows' labels permuted: the same choice and the same predictions.
    permuted = y.copy()
    permuted[~train] = np.random.default_rng(1).permutation(y[~train])
    again = small().fit(X[train], permuted[train], groups=gene[train])
    assert again.mapping_ == model.mapping_ and again.mapping_scores_ == model.mapping_scores_
    predicted = model.predict(X[~train])
    np.testing.assert_array_equal(again.predict(X[~train]), predicted)
    # New genes of both cell lines: far better than the training mean.
    assert np.mean(np.abs(predicted - y[~train])) < 0.5 * np.mean(np.abs(y[~train] - y[train].mean()))
    # Saved as LightGBM text + JSON, read back identically.
    model.save(tmp_path / "m")
    assert {p.suffix for p in (tmp_path / "m").iterdir()} == {".txt", ".json"}
    loaded = LgbmGeneModel.load(tmp_path / "m")
    assert loaded.mapping_ == model.mapping_
    np.testing.assert_allclose(loaded.predict(X[~train]), predicted)


def test_stacked_mapping_learns_what_a_linear_blend_cannot():
    """Component predictions whose relation to the label is a step: a stacker scores far better
    than the linear blend on rows it was not fitted to, and the selection picks a stacker."""
    rng = np.random.default_rng(0)
    n, groups = 3000, np.repeat(np.arange(30), 100)
    inputs = rng.uniform(0, 100, (n, len(STACK_INPUTS)))
    y = np.where(inputs[:, 0] > 50, 90.0, 10.0) + rng.normal(0, 3, n)
    components = (inputs[:, :3], np.zeros(n), inputs[:, -2:] / 100)
    model = LgbmGeneModel(n_jobs=1)
    scores = model._select_mapping(y, inputs, components, groups)
    assert scores["stack"] > 0.95 and scores["stack"] > scores["grid"] + 0.1


def test_stacker_shift_and_gate_come_from_its_out_of_fold_predictions():
    """Inputs that carry nothing about the label: fitted to its own rows, the stacker follows the
    noise, so a shift or gate chosen there would differ from one chosen on rows it did not see. The
    mapping's shift and gate are those best on the stacker's gene-grouped out-of-fold predictions."""
    from sklearn.model_selection import GroupKFold

    from rnakit.sirna.models.calibration import best_shift

    rng = np.random.default_rng(3)
    n, groups = 2400, np.repeat(np.arange(24), 100)
    inputs = rng.uniform(0, 100, (n, len(STACK_INPUTS)))
    inputs[:, -2:] /= 100  # the "< 30" probabilities
    y = rng.gamma(2.0, 25.0, n)
    model = LgbmGeneModel(n_jobs=1)
    mapping = model._fit_mapping("stack", inputs, y, groups)
    held_out = np.zeros(n)
    for train, test in GroupKFold(model.inner_folds).split(inputs, y, groups):
        held_out[test] = model._fit_stacker(inputs[train], y[train]).predict(inputs[test])
    assert mapping["shift"] == best_shift(y, held_out)
    assert (mapping["gate"], mapping["gate_threshold"]) == model._choose_gate(y, held_out + mapping["shift"], inputs[:, -2:])[:2]
    in_sample = mapping["stacker"].predict(inputs)
    assert np.corrcoef(in_sample, y)[0, 1] > np.corrcoef(held_out, y)[0, 1] + 0.05  # the in-sample fit is optimistic


def test_deviation_mapping_is_level_plus_deviation_shifted(tmp_path):
    """The ``deviation`` mapping ignores the whole-row regressors and the classifiers: a new gene's
    prediction is the overall level plus the within-gene deviation model, plus the chosen shift."""
    X, y, gene = synthetic()
    train = ~np.isin(gene, ["G10", "G11"])
    model = small().fit(X[train], y[train], groups=gene[train])
    assert set(model.mapping_scores_) == {"grid", "stack", "deviation"}
    model.state_["mapping"] = {"name": "deviation", "scores": model.mapping_scores_, "shift": -2.5}
    regressors, _, _ = model._component_predictions(model.state_, X[~train])
    predicted = model.predict(X[~train])
    np.testing.assert_allclose(predicted, regressors[:, 2] - 2.5)
    deviation = model.state_["boosters"]["deviation"].predict(
        model_inputs_for_deviation(model, X[~train]))
    np.testing.assert_allclose(predicted, model.state_["overall"] + deviation - 2.5)
    model.save(tmp_path / "m")
    np.testing.assert_allclose(LgbmGeneModel.load(tmp_path / "m").predict(X[~train]), predicted)


def model_inputs_for_deviation(model: LgbmGeneModel, X: pd.DataFrame) -> np.ndarray:
    from rnakit.sirna.models.encoding import encode

    return encode(X, model.state_["deviation_features"], model.state_["deviation_levels"])
