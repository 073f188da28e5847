"""seqnet (the network over strands, chemistry, target site and features) and the out-of-fold ensemble."""

import numpy as np
import pandas as pd
import pytest

from rnakit.errors import InputFormatError
from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.sirna.features import compute_features
from rnakit.sirna.metrics import competition_score
from rnakit.sirna.models.ensemble import MEMBER_MODELS, EnsembleModel, best_blend, member_view, simplex_grid
from rnakit.sirna.models.registry import model_class
from rnakit.sirna.models.registry import load_model, model_inputs, save_model
from rnakit.sirna.models.seqnet import CONTEXT_FLANK, CONTEXT_LENGTH, SeqNetModel, context_windows, one_hot_windows
from rnakit.sirna.schema import canonical_frame

GROUPS = ["position", "modifications", "composition", "conditions"]


def synthetic(n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Random 21-nt guides on random transcripts; a G/C at guide position 1 means poor knockdown."""
    rng = np.random.default_rng(seed)
    guides, transcripts = [], []
    for _ in range(n):
        guide = "".join(rng.choice(list("ACGU"), 21))
        flank = "".join(rng.choice(list("ACGU"), 30))
        transcripts.append(flank + reverse_complement_rna(guide) + flank)
        guides.append(guide)
    y = np.where([g[0] in "GC" for g in guides], 80.0, 20.0) + rng.normal(0, 4, n)
    table = canonical_frame({
        "id": [f"r{i}" for i in range(n)], "guide": guides, "passenger": [reverse_complement_rna(g) for g in guides],
        "transcript": transcripts, "remaining_pct": y, "gene": [f"G{i % 6}" for i in range(n)],
        "cell_line": rng.choice(["hep3b", "hela"], n),
    }, n)
    features = compute_features(table, GROUPS).drop(columns="id")
    return table, features, y


def small_seqnet(**kw) -> SeqNetModel:
    return SeqNetModel(width=8, hidden=16, batch_size=32, max_epochs=25, patience=25, n_jobs=1, **kw)


def test_context_window_is_centred_on_the_site_and_padded():
    guide = "UUCGAUCGAUCGAUCGAUCGA"  # site = reverse complement of guide 1–19
    site = reverse_complement_rna(guide[:19])
    transcript = "A" * 5 + site + "C" * 30
    table = canonical_frame({"id": ["a", "b"], "guide": [guide, guide], "transcript": [transcript, None]}, 2)
    windows = context_windows(table)
    assert windows[0] == "N" * (CONTEXT_FLANK - 5) + "A" * 5 + site + "C" * CONTEXT_FLANK
    assert len(windows[0]) == CONTEXT_LENGTH
    assert windows[1] is None  # no transcript, no context
    encoded = one_hot_windows(windows)
    assert encoded.shape == (2, CONTEXT_LENGTH, 4)
    assert encoded[0, : CONTEXT_FLANK - 5].sum() == 0  # padding is all zero
    assert encoded[0, CONTEXT_FLANK - 5].tolist() == [1, 0, 0, 0]  # A
    assert encoded[1].sum() == 0


def test_seqnet_learns_a_positional_signal_and_round_trips(tmp_path):
    table, features, y = synthetic(360, 0)
    X = model_inputs("seqnet", table, lambda: features)
    model = small_seqnet().fit(X.iloc[:300], y[:300], groups=table["gene"].to_numpy()[:300])
    predicted = model.predict(X.iloc[300:])
    assert np.corrcoef(predicted, y[300:])[0, 1] > 0.8
    model.save(tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["seqnet.json", "seqnet.safetensors"]
    np.testing.assert_allclose(SeqNetModel.load(tmp_path / "m").predict(X.iloc[300:]), predicted, rtol=1e-5)


def test_seqnet_needs_its_columns_and_tolerates_unseen_levels():
    table, features, y = synthetic(80, 1)
    X = model_inputs("seqnet", table, lambda: features)
    model = SeqNetModel(width=4, hidden=8, max_epochs=1, n_jobs=1).fit(X, y)
    with pytest.raises(InputFormatError, match="transcript"):
        model.predict(X.drop(columns="transcript"))
    novel = X.assign(**{"conditions__cell_line": "never-seen"})
    assert np.isfinite(model.predict(novel)).all()


def test_simplex_grid_and_blend_choose_the_informative_member():
    grid = simplex_grid(2, 0.5)
    assert sorted(map(tuple, grid.tolist())) == [(0.0, 1.0), (0.5, 0.5), (1.0, 0.0)]
    assert np.allclose(simplex_grid(3, 0.1).sum(axis=1), 1.0) and len(simplex_grid(3, 0.1)) == 66  # C(12, 2)
    rng = np.random.default_rng(0)
    y = rng.uniform(0, 100, 300)
    predictions = np.column_stack([rng.uniform(0, 100, 300), y])  # member 2 is exact
    weights, shift, score = best_blend(y, predictions, 0.1)
    assert weights.tolist() == [0.0, 1.0] and shift == 0.0
    assert score == pytest.approx(competition_score(y, y))


def test_member_view_gives_each_member_only_its_inputs():
    table, features, _ = synthetic(10, 2)
    X = model_inputs("ensemble", table, lambda: features)
    from rnakit.sirna.models.lgbm import LgbmEfficacyModel

    assert list(member_view(LgbmEfficacyModel, X).columns) == list(features.columns)
    assert list(member_view(SeqNetModel, X).columns)[-3:] == ["guide", "transcript", "context"]
    with pytest.raises(InputFormatError, match="guide_mods"):
        member_view(EnsembleModel, X.drop(columns="guide_mods"))


def test_ensemble_table_columns_are_its_members_in_order():
    # Written out in ensemble.py so that the class imports no member (torch); they must stay the union.
    union = dict.fromkeys(c for name in MEMBER_MODELS for c in model_class(name).table_columns)
    assert EnsembleModel.table_columns == tuple(union) == (
        "guide", "guide_mods", "transcript", "context", "gene", "transcript_id", "publication")


def test_ensemble_fits_out_of_fold_and_round_trips_through_the_registry(tmp_path):
    table, features, y = synthetic(240, 3)
    X = model_inputs("ensemble", table, lambda: features)
    model = EnsembleModel(members=("lgbm",), inner_folds=2, n_jobs=1).fit(X, y, groups=table["gene"].to_numpy())
    assert model.weights_ == [1.0]
    assert len(model.inner_member_scores_) == 1
    save_model(model, "ensemble", tmp_path, {"feature_groups": GROUPS})
    again, manifest = load_model(tmp_path)
    assert manifest["model"] == "ensemble"
    assert (tmp_path / "model" / "lgbm" / "lgbm.txt").is_file()
    np.testing.assert_allclose(again.predict(X), model.predict(X))
    with pytest.raises(InputFormatError, match="unknown ensemble member"):
        EnsembleModel(members=("nope",)).fit(X, y)


def test_ensemble_blends_lgbm_seen_and_saves_it_in_its_own_folder(tmp_path):
    table, features, y = synthetic(240, 4)
    X = model_inputs("ensemble", table, lambda: features)
    model = EnsembleModel(members=("lgbm", "lgbm-seen"), inner_folds=2, n_jobs=1).fit(X, y)
    assert sum(model.weights_) == pytest.approx(1.0) and len(model.inner_member_scores_) == 2
    save_model(model, "ensemble", tmp_path, {"feature_groups": GROUPS})
    assert (tmp_path / "model" / "lgbm-seen" / "lgbm_seen.json").is_file()
    again, _ = load_model(tmp_path)
    np.testing.assert_allclose(again.predict(X), model.predict(X))
