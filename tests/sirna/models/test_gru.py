"""The tutorial GRU baseline: vocabulary from training rows only, safe save/load, clear errors."""

import numpy as np
import pandas as pd
import pytest
import torch

from rnakit.errors import InputFormatError
from rnakit.sirna.models.gru import PAD, UNK, GruBaselineModel
from rnakit.sirna.models.registry import load_model, save_model


def rows(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    guides = ["".join(rng.choice(list("ACGU"), 21)) for _ in range(n)]
    mods = [tuple(b.lower() if i % 2 else f"{b}f" for i, b in enumerate(g)) for g in guides]
    return pd.DataFrame({"guide": guides, "guide_mods": mods}), rng.uniform(0, 100, n)


def small(**kw) -> GruBaselineModel:
    return GruBaselineModel(embedding=8, hidden=8, layers=2, max_epochs=2, batch_size=16, n_jobs=1, **kw)


def test_a_loaded_model_predicts_on_the_callers_threads(tmp_path, monkeypatch):
    train, y = rows(40, 3)
    save_model(small().fit(train, y), "gru-baseline", tmp_path / "run", {"feature_groups": []})  # saved with 1 thread
    model, _ = load_model(tmp_path / "run", threads=3)
    asked: list[int] = []
    monkeypatch.setattr(torch, "set_num_threads", asked.append)
    model.predict(rows(5, 4)[0])
    assert model.n_jobs == 3 and asked == [3]


def test_vocabulary_comes_from_training_rows_only():
    train, y = rows(40, 0)
    model = small().fit(train, y)
    assert model.vocabulary_[:2] == [PAD, UNK]
    seen = {t for g in train["guide"] for t in [g[i:i + 3] for i in range(0, 19, 3)]}
    assert seen <= set(model.vocabulary_)
    # A token never seen in training is encoded as UNK (index 1), not added to the vocabulary.
    encoded = model._encode([["ZZZ"]])
    assert encoded.tolist() == [[1]]


def test_save_and_load_give_identical_predictions(tmp_path):
    train, y = rows(40, 1)
    model = small().fit(train, y)
    model.save(tmp_path / "gru")
    assert sorted(p.name for p in (tmp_path / "gru").iterdir()) == ["gru.json", "gru.safetensors"]
    again = GruBaselineModel.load(tmp_path / "gru")
    test, _ = rows(10, 2)
    np.testing.assert_allclose(again.predict(test), model.predict(test), rtol=1e-6)


def test_missing_columns_and_unmodified_rows():
    train, y = rows(40, 3)
    model = small().fit(train, y)
    with pytest.raises(InputFormatError, match="guide_mods"):
        model.predict(train[["guide"]])
    unmodified = train.assign(guide_mods=[None] * len(train))
    assert np.isfinite(model.predict(unmodified)).all()
