"""Models saved before the parameters took scikit-learn's names (``seed``, ``threads``) still load."""

import json

import numpy as np
import pandas as pd
import pytest

from rnakit.sirna.models.lgbm import PARAMS_FILE, LgbmEfficacyModel
from rnakit.sirna.models.saved import saved_params

OLD_NAMES = {"random_state": "seed", "n_jobs": "threads"}


def test_old_names_are_renamed_and_parameters_no_longer_known_left_out():
    stored = {"seed": 3, "threads": 2, "n_estimators": 5, "retired_option": True}
    assert saved_params(LgbmEfficacyModel, stored) == {"random_state": 3, "n_jobs": 2, "n_estimators": 5}


def _with_old_names(state_file):
    """Rewrite a saved state's params as a version before the rename wrote them."""
    state = json.loads(state_file.read_text())
    assert {"random_state", "n_jobs"} <= set(state["params"])
    state["params"] = {OLD_NAMES.get(k, k): v for k, v in state["params"].items()}
    state_file.write_text(json.dumps(state))


def test_an_lgbm_model_saved_with_old_names_loads_and_predicts_the_same(tmp_path):
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.uniform(0, 1, (200, 3)), columns=["a", "b", "c"])
    y = 60 - 40 * X["a"].to_numpy() + rng.normal(0, 3, 200)
    model = LgbmEfficacyModel(n_estimators=30, min_child_samples=5, identity_dropout=0.3, n_jobs=1,
                              random_state=7).fit(X, y)
    model.save(tmp_path)
    _with_old_names(tmp_path / PARAMS_FILE)
    again = LgbmEfficacyModel.load(tmp_path)
    assert (again.random_state, again.n_jobs) == (7, 1)
    assert again.get_params() == model.get_params()
    np.testing.assert_array_equal(again.predict(X), model.predict(X))


def test_a_torch_model_saved_with_old_names_loads_and_predicts_the_same(tmp_path):
    pytest.importorskip("torch")
    from rnakit.sirna.models.gru import STEM, GruBaselineModel

    rng = np.random.default_rng(1)
    guides = ["".join(rng.choice(list("ACGU"), 21)) for _ in range(40)]
    X = pd.DataFrame({"guide": guides, "guide_mods": [tuple(g) for g in guides]})
    model = GruBaselineModel(embedding=8, hidden=8, max_epochs=2, batch_size=16, n_jobs=1, random_state=4)
    model.fit(X, rng.uniform(0, 100, 40))
    model.save(tmp_path)
    _with_old_names(tmp_path / f"{STEM}.json")
    again = GruBaselineModel.load(tmp_path)
    assert (again.random_state, again.n_jobs) == (4, 1)
    np.testing.assert_array_equal(again.predict(X), model.predict(X))
