"""lgbm-seen and gnn's seen level: a seen target's level learnt out of fold, never from a row's own label."""

import json

import numpy as np
import pandas as pd
import pytest

from rnakit.errors import ValueRangeError
from rnakit.sirna.models.registry import model_class
from rnakit.sirna.models.seen import (
    LgbmSeenModel,
    local_levels,
    out_of_fold_levels,
    out_of_fold_local_levels,
    seen_levels,
    site_deviations,
    target_keys,
    training_levels,
)


def synthetic(targets: int = 10, per_target: int = 30, seed: int = 0):
    """remaining = level(transcript) − 30·x1 + noise; no feature tells the transcripts apart."""
    rng = np.random.default_rng(seed)
    n = targets * per_target
    transcript = np.repeat([f"NM_{i}" for i in range(targets)], per_target)
    level = np.repeat(rng.permutation(np.linspace(30, 80, targets)), per_target)
    x1 = rng.uniform(0, 1, n)
    y = level - 30 * x1 + rng.normal(0, 2, n)
    X = pd.DataFrame({"sequence__x1": x1, "sequence__noise": rng.uniform(0, 1, n), "gene": None,
                      "transcript_id": transcript, "publication": "P", "guide": [f"G{i}" for i in range(n)]})
    return X, y, transcript


def test_keys_and_out_of_fold_levels():
    X = pd.DataFrame({"gene": ["Abc", None, None], "transcript_id": ["NM_1", "NM_2", None],
                      "publication": ["p", "p", "q"], "guide": ["A", "C", "G"]})
    assert list(target_keys(X)) == ["gene:ABC", "transcript:NM_2", "publication:q"]
    y, keys = np.array([10.0, 20.0, 30.0, 40.0, 90.0]), np.array(["a", "a", "a", "a", "b"])
    level = out_of_fold_levels(y, keys, folds=5, prior_rows=0.0, seed=0)  # leave one out
    assert level[:4].tolist() == [30.0, 80 / 3, 70 / 3, 20.0] and np.isnan(level[4])  # b has no other row
    changed = y.copy()
    changed[0] = 1000.0  # a row's own label never reaches its own level
    assert out_of_fold_levels(changed, keys, 5, 0.0, 0)[0] == level[0]
    hidden, levels = training_levels(y, keys, 5, 0.0, dropout=1.0, seed=0)
    assert np.isnan(hidden).all() and levels == {"a": 25.0, "b": 90.0}
    assert seen_levels(levels, np.array(["b", "new"]))[0] == 90.0 and np.isnan(seen_levels(levels, np.array(["new"])))[0]


def test_lgbm_seen_learns_seen_levels_and_round_trips(tmp_path):
    X, y, transcript = synthetic()
    rows = np.arange(len(y))
    test = rows % 5 == 0  # random rows: their transcripts are seen in training
    seen = LgbmSeenModel(n_jobs=1).fit(X[~test], y[~test])
    plain = model_class("lgbm")(n_jobs=1).fit(X.loc[~test, ["sequence__x1", "sequence__noise"]], y[~test])
    error = np.mean(np.abs(seen.predict(X[test]) - y[test]))
    assert error < 5 < np.mean(np.abs(plain.predict(X.loc[test, ["sequence__x1", "sequence__noise"]]) - y[test]))
    # A new transcript gets no level: the prediction follows x1 alone, still ordered by it.
    new = X[test].assign(transcript_id="NM_new")
    assert np.corrcoef(seen.predict(new), -X.loc[test, "sequence__x1"])[0, 1] > 0.9
    seen.save(tmp_path / "m")
    again = LgbmSeenModel.load(tmp_path / "m")
    np.testing.assert_array_equal(again.predict(X[test]), seen.predict(X[test]))
    assert model_class("lgbm-seen") is LgbmSeenModel


def test_local_levels_are_hand_computed_shrunk_neighbour_deviations():
    keys = np.array(["a", "a", "a", "a", "b"])
    positions, y = np.array([100.0, 105.0, 130.0, np.nan, 7.0]), np.array([10.0, 20.0, 60.0, 30.0, 50.0])
    sites = site_deviations(keys, positions, y)
    # target a's mean is 30 over all its rows (the unsited one too); its sited rows sorted by position
    assert sites == {"a": ([100.0, 105.0, 130.0], [-20.0, -10.0, 30.0]), "b": ([7.0], [0.0])}
    local = local_levels(sites, np.array(["a", "a", "a", "new", "a"]), np.array([102.0, 130.0, 200.0, 100.0, np.nan]),
                         window=10, prior_rows=2.0)
    assert local[0] == (-20.0 - 10.0) / (2 + 2.0) and local[1] == 30.0 / (1 + 2.0)
    assert np.isnan(local[2:]).all()  # no neighbour within 10 nt, a new target, no position
    # Out of fold: a row's own label never reaches its own local level.
    changed = y.copy()
    changed[0] = 1000.0
    before = out_of_fold_local_levels(y, keys, positions, 5, 10, 2.0, seed=0)
    assert out_of_fold_local_levels(changed, keys, positions, 5, 10, 2.0, seed=0)[0] == before[0]


def test_lgbm_seen_local_level_learns_site_neighbourhoods_and_round_trips(tmp_path):
    # remaining = a smooth function of the site's place along its transcript (neighbouring sites agree),
    # which no feature of the row itself shows: only the local level can carry it.
    rng = np.random.default_rng(1)
    X, _, transcript = synthetic(targets=6, per_target=80)
    position = rng.uniform(0, 2000, len(X)).round()
    y = 50 + 25 * np.sin(position / 60.0 + np.arange(len(X)) // 80) + rng.normal(0, 2, len(X))
    X = X.assign(**{"target__site_position": position})
    test = np.arange(len(y)) % 5 == 0
    plain = LgbmSeenModel(local_window=0, seeds=1, n_jobs=1).fit(X[~test], y[~test])
    local = LgbmSeenModel(seeds=1, n_jobs=1).fit(X[~test], y[~test])  # the default window, 10 nt
    assert np.corrcoef(local.predict(X[test]), y[test])[0, 1] > np.corrcoef(plain.predict(X[test]), y[test])[0, 1] + 0.2
    local.save(tmp_path / "m")
    np.testing.assert_array_equal(LgbmSeenModel.load(tmp_path / "m").predict(X[test]), local.predict(X[test]))


def test_lgbm_seen_seeds_average_single_seed_models_and_round_trip(tmp_path):
    X, y, _ = synthetic(targets=5, per_target=20)
    test = np.arange(len(y)) % 4 == 0
    bagged = LgbmSeenModel(seeds=3, n_jobs=1, random_state=5).fit(X[~test], y[~test])
    singles = [LgbmSeenModel(seeds=1, n_jobs=1, random_state=5 + i).fit(X[~test], y[~test]) for i in range(3)]
    expected = np.mean([m.predict(X[test]) for m in singles], axis=0)
    np.testing.assert_allclose(bagged.predict(X[test]), expected, rtol=1e-12)
    bagged.save(tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir() if p.is_dir()) == ["lgbm", "lgbm_1", "lgbm_2"]
    np.testing.assert_array_equal(LgbmSeenModel.load(tmp_path / "m").predict(X[test]), bagged.predict(X[test]))


def test_lgbm_seen_loads_a_single_booster_folder_and_rejects_no_seeds(tmp_path):
    X, y, _ = synthetic(targets=4, per_target=15)
    one = LgbmSeenModel(seeds=1, n_jobs=1).fit(X, y)
    one.save(tmp_path / "m")
    state = json.loads((tmp_path / "m" / "lgbm_seen.json").read_text())
    del state["boosters"], state["params"]["seeds"]  # as written before the seeds option
    (tmp_path / "m" / "lgbm_seen.json").write_text(json.dumps(state))
    np.testing.assert_array_equal(LgbmSeenModel.load(tmp_path / "m").predict(X), one.predict(X))
    with pytest.raises(ValueRangeError, match="seeds"):
        LgbmSeenModel(seeds=0).fit(X, y)
