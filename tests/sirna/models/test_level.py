"""The lgbm-level model on data built here: per-gene offsets it must recover, choices made inside fit."""

import numpy as np
import pandas as pd

from rnakit.sirna.models.level import LgbmLevelModel, gene_keys, level_columns, shrunk_means
from rnakit.sirna.models.registry import model_class


def synthetic(genes: int = 12, per_gene: int = 40, seed: int = 0):
    """remaining = level(gene) − 30·x1 + noise, where a gene's level is 40 + 30·(its cell line is "b")."""
    rng = np.random.default_rng(seed)
    n = genes * per_gene
    gene = np.repeat([f"G{i}" for i in range(genes)], per_gene)
    cell_b = np.repeat(np.arange(genes) % 2 == 1, per_gene)
    x1 = rng.uniform(0, 1, n)
    y = 40 + 30 * cell_b - 30 * x1 + rng.normal(0, 2, n)
    X = pd.DataFrame({
        "sequence__x1": x1, "sequence__noise": rng.uniform(0, 1, n),
        "conditions__cell_line": pd.Series(np.where(cell_b, "b", "a"), dtype="category"),
        "identity__gene": pd.Series(gene, dtype="category"),
    })
    return X, y, gene


def small(**kw) -> LgbmLevelModel:
    return LgbmLevelModel(n_estimators=60, learning_rate=0.1, min_child_samples=5, level_estimators=60,
                          inner_folds=3, n_jobs=1, **kw)


def test_helpers():
    X = pd.DataFrame({"identity__gene": ["A", None, None], "identity__publication": ["p", "q", None]})
    assert list(gene_keys(X)) == ["gene:A", "publication:q", ""]
    assert level_columns(["conditions__hours", "modifications__guide_p3_ome", "modifications__guide_frac_f",
                          "target__site_position", "sequence__x"]) == [
        "conditions__hours", "modifications__guide_frac_f", "target__site_position"]
    means = shrunk_means(np.array([10.0, 10.0, 50.0]), np.array(["a", "a", "b"]), overall=30.0, prior_rows=2.0)
    assert means == {"a": 20.0, "b": (50.0 + 2 * 30.0) / 3}


def test_level_recovers_known_and_covariate_offsets(tmp_path):
    X, y, gene = synthetic()
    train = ~np.isin(gene, ["G10", "G11"])  # G10 (cell line a, level 40) and G11 (b, 70) are new
    model = small().fit(X[train], y[train], groups=gene[train])
    assert model_class("lgbm-level") is LgbmLevelModel
    # A seen gene's level is its mean (gene level minus the mean of 30·x1, ≈ 15) shrunk towards the overall mean.
    overall, rows = model.state_["overall"], (gene == "G1").sum()
    expected = (rows * (70 - 15) + model.prior_rows * overall) / (rows + model.prior_rows)
    assert abs(model.level(X[gene == "G1"]).mean() - expected) < 3
    # New genes: the covariate level model tells cell line b's genes apart (inner folds pick λ > 0 here).
    assert model.lambda_ > 0 and model.weights_[2] > 0
    new_a, new_b = model.level(X[gene == "G10"]).mean(), model.level(X[gene == "G11"]).mean()
    assert abs((new_b - new_a) - 30 * model.lambda_) < 6
    predicted = model.predict(X[~train])
    assert np.mean(np.abs(predicted - y[~train])) < 8
    # Saved as LightGBM text + JSON, read back identically.
    model.save(tmp_path / "m")
    assert {p.suffix for p in (tmp_path / "m").iterdir()} == {".txt", ".json"}
    again = LgbmLevelModel.load(tmp_path / "m")
    np.testing.assert_allclose(again.predict(X[~train]), predicted)
