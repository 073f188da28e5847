import json

import numpy as np
import pandas as pd
import pytest

from rnakit.errors import InputFormatError
from rnakit.sirna.models.ranker import (
    BLEND,
    OBJECTIVES,
    SHRINKAGES,
    LgbmRankModel,
    _lines,
    percentile_ranks,
    within_group_pearson,
)

SMALL = {"n_estimators": 40, "num_leaves": 7, "min_child_samples": 5, "n_jobs": 1}


def two_studies(seed: int = 0, n: int = 240) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Potency falls with feature ``x`` in both studies, but study B reads 50 points higher on a
    squashed scale (another assay); genes are blocks of 20 rows."""
    rng = np.random.default_rng(seed)
    x = rng.random(n)
    noise = rng.normal(0, 0.05, n)
    study = np.where(np.arange(n) < n // 2, "A", "B")
    y = np.where(study == "A", 80 * (x + noise), 50 + 20 * (x + noise))
    gene = np.array([f"{s}{i // 20}" for i, s in enumerate(study)])
    X = pd.DataFrame({"x": x, "unrelated": rng.random(n)})
    return X, y, gene, np.char.add(np.char.add(study.astype(str), "|"), gene), study


def test_percentile_ranks_are_zero_for_the_most_potent_and_nan_in_small_groups():
    ranks = percentile_ranks(np.array([40.0, 20.0, 20.0, 10.0, 5.0, 90.0]), np.array(["a"] * 4 + ["b"] * 2))
    assert ranks[:4].tolist() == [1.0, 0.5, 0.5, 0.0]
    assert np.isnan(ranks[4:]).all()


def test_within_group_pearson_ignores_levels_between_groups():
    y = np.array([1.0, 2.0, 3.0, 101.0, 102.0, 103.0])
    score = np.array([13.0, 14.0, 15.0, -5.0, -4.0, -3.0])  # right order in each group, wrong levels
    groups = np.array(["a"] * 3 + ["b"] * 3)
    expected = (np.corrcoef(y[:3], score[:3])[0, 1] + 1.0) / 2
    assert within_group_pearson(y, score, groups) == pytest.approx(expected)
    assert np.corrcoef(y, score)[0, 1] < 0  # the pooled Pearson would call it backwards


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_every_objective_predicts_lower_remaining_for_the_more_potent_rows(objective):
    X, y, gene, rank_groups, study = two_studies()
    model = LgbmRankModel(objective=objective, **SMALL).fit(X, y, groups=gene, rank_groups=rank_groups, studies=study)
    predicted = model.predict(X)
    assert within_group_pearson(y, predicted, rank_groups) > 0.8
    # Back on the % remaining scale: a line fitted to inner out-of-fold scores, so no sign flip.
    assert model.slope_ > 0 and np.corrcoef(predicted, X["x"])[0, 1] > 0.8


def test_rank_objective_sees_only_the_order_within_each_group():
    X, y, gene, rank_groups, study = two_studies()
    squashed = np.where(study == "B", np.log1p(np.maximum(y, 0)) + 1000, y)  # monotone per group
    first = LgbmRankModel(objective="rank", **SMALL).fit(X, y, groups=gene, rank_groups=rank_groups)
    second = LgbmRankModel(objective="rank", **SMALL).fit(X, squashed, groups=gene, rank_groups=rank_groups)
    matrix = X.to_numpy()
    assert np.array_equal(first.boosters_["rank"].predict(matrix), second.boosters_["rank"].predict(matrix))


def test_auto_scores_every_objective_and_their_blend_on_inner_folds_and_keeps_the_best():
    X, y, gene, rank_groups, study = two_studies(seed=1)
    model = LgbmRankModel(objective="auto", **SMALL).fit(X, y, groups=gene, rank_groups=rank_groups, studies=study)
    assert set(model.inner_scores_) == {*OBJECTIVES, BLEND}
    assert model.chosen_ == max(model.inner_scores_, key=model.inner_scores_.get)
    assert set(model.boosters_) == (set(OBJECTIVES) if model.chosen_ == BLEND else {model.chosen_})


def test_a_blend_averages_its_members_scores_in_units_of_their_spread(tmp_path):
    X, y, gene, rank_groups, study = two_studies()
    model = LgbmRankModel(objective="auto", **SMALL).fit(X, y, groups=gene, rank_groups=rank_groups, studies=study)
    single = {m: LgbmRankModel(objective=m, **SMALL).fit(X, y, groups=gene, rank_groups=rank_groups, studies=study)
              for m in ("rank", "lambdarank")}
    model.chosen_, model.scales_ = BLEND, {"rank": 2.0, "lambdarank": 0.5}
    model.boosters_ = {m: single[m].boosters_[m] for m in single}
    matrix = X.to_numpy()
    score = (single["rank"].boosters_["rank"].predict(matrix) / 2.0
             - single["lambdarank"].boosters_["lambdarank"].predict(matrix) / 0.5) / 2
    assert np.allclose(model.predict(X), model.intercept_ + model.slope_ * score)
    model.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lgbm_rank.json", "lgbm_rank_lambdarank.txt", "lgbm_rank_rank.txt"]
    assert np.allclose(LgbmRankModel.load(tmp_path).predict(X), model.predict(X))


def test_saved_model_reads_back_from_text_and_json(tmp_path):
    X, y, gene, rank_groups, _study = two_studies()
    model = LgbmRankModel(objective="lambdarank", **SMALL).fit(X, y, groups=gene, rank_groups=rank_groups)
    model.save(tmp_path)
    state = json.loads((tmp_path / "lgbm_rank.json").read_text())
    assert state["chosen"] == "lambdarank" and state["features"] == ["x", "unrelated"]
    again = LgbmRankModel.load(tmp_path)
    assert np.allclose(again.predict(X), model.predict(X))


def test_unknown_objective_and_groups_too_small_to_rank_are_errors():
    X, y, gene, _rank_groups, _ = two_studies()
    with pytest.raises(InputFormatError, match="unknown objective 'pairwise'"):
        LgbmRankModel(objective="pairwise", **SMALL).fit(X, y, groups=gene)
    with pytest.raises(InputFormatError, match="groups of at least 3 rows"):
        LgbmRankModel(objective="rank", **SMALL).fit(X, y, groups=gene, rank_groups=np.arange(len(y)))


def test_each_study_is_put_back_on_its_own_scale_and_an_unseen_one_on_their_mean():
    X, y, gene, rank_groups, study = two_studies()
    model = LgbmRankModel(objective="rank", line_shrinkage=0, **SMALL).fit(X, y, groups=gene, rank_groups=rank_groups,
                                                                          studies=study)
    assert set(model.study_lines_) == {"A", "B"}
    on_a, on_b = model.predict(X, studies=np.full(len(y), "A")), model.predict(X, studies=np.full(len(y), "B"))
    # Study A reads 0–80, study B 50–70 (two_studies): each line recovers its study's level and spread.
    assert np.mean(on_a) == pytest.approx(np.mean(y[study == "A"]), abs=8)
    assert np.mean(on_b) == pytest.approx(np.mean(y[study == "B"]), abs=4)
    assert np.ptp(on_a) > 2 * np.ptp(on_b)
    unseen = model.predict(X, studies=np.full(len(y), "C"))
    assert np.allclose(unseen, (on_a + on_b) / 2)
    # Without studies: the one line over every row, as before study lines existed.
    assert np.allclose(model.predict(X), model.intercept_ + model.slope_ * (on_a - model.study_lines_["A"][1])
                       / model.study_lines_["A"][0])
    assert LgbmRankModel(objective="rank", **SMALL).fit(X, y, groups=gene, rank_groups=rank_groups).study_lines_ == {}


def test_study_lines_shrink_toward_their_mean_by_pseudo_rows():
    # Study A: y = 2·score over 40 rows; study B: y = 10 + 4·score over 120 rows. Mean line (6, 3).
    score = np.linspace(0, 1, 160)
    studies = np.array(["A"] * 40 + ["B"] * 120)
    y = np.where(studies == "A", 2 * score, 10 + 4 * score)
    rows = np.arange(160)
    _, raw = _lines(score, y, studies, rows, True)
    assert raw["A"] == pytest.approx((2, 0)) and raw["B"] == pytest.approx((4, 10))
    _, shrunk = _lines(score, y, studies, rows, True, shrinkage=40)
    assert shrunk["A"] == pytest.approx((2.5, 2.5))  # weight 40 / 80 on its own line
    assert shrunk["B"] == pytest.approx((3 + 1 * 0.75, 5 + 5 * 0.75))  # weight 120 / 160
    _, per_study = _lines(score, y, studies, rows, True, shrinkage={"A": 1e6})
    assert per_study["A"] == pytest.approx((3, 5), abs=1e-3) and per_study["B"] == pytest.approx((4, 10))


def test_line_shrinkage_is_chosen_on_inner_folds_and_saved(tmp_path):
    X, y, gene, rank_groups, study = two_studies()
    model = LgbmRankModel(objective="rank", **SMALL).fit(X, y, groups=gene, rank_groups=rank_groups, studies=study)
    assert set(model.shrinkage_) == {"A", "B"} == set(model.shrinkage_inner_)
    for study, k in model.shrinkage_.items():  # each study's k has its rows' lowest inner RMSE
        assert set(model.shrinkage_inner_[study]) == set(SHRINKAGES)
        assert model.shrinkage_inner_[study][k] == min(model.shrinkage_inner_[study].values())
    model.save(tmp_path)
    loaded = LgbmRankModel.load(tmp_path)
    assert loaded.shrinkage_ == model.shrinkage_ and loaded.shrinkage_inner_ == model.shrinkage_inner_
    assert np.allclose(loaded.predict(X, studies=study), model.predict(X, studies=study))


def test_study_lines_survive_saving_and_older_folders_without_them_read_as_one_line(tmp_path):
    X, y, gene, rank_groups, study = two_studies()
    model = LgbmRankModel(objective="rank", **SMALL).fit(X, y, groups=gene, rank_groups=rank_groups, studies=study)
    model.save(tmp_path)
    assert np.allclose(LgbmRankModel.load(tmp_path).predict(X, studies=study), model.predict(X, studies=study))
    state = json.loads((tmp_path / "lgbm_rank.json").read_text())
    del state["study_lines"]
    (tmp_path / "lgbm_rank.json").write_text(json.dumps(state))
    assert np.allclose(LgbmRankModel.load(tmp_path).predict(X, studies=study), model.predict(X))


def gene_levels(seed: int = 0, genes: int = 30, per_gene: int = 20):
    """One study; within a gene potency follows ``x``; each gene's level follows its transcript's GC
    (a column constant within the gene), as Huesken 2005's levels partly do."""
    rng = np.random.default_rng(seed)
    gene = np.repeat([f"g{i}" for i in range(genes)], per_gene)
    gc = np.repeat(rng.uniform(0.35, 0.65, genes), per_gene)
    x = rng.random(len(gene))
    y = 30 * x + 100 * (gc - 0.5) + rng.normal(0, 2, len(gene)) + 40
    X = pd.DataFrame({"x": x, "unrelated": rng.random(len(gene)), "transcript__gc": gc})
    return X, y, gene


def test_a_transcript_level_column_feeds_a_linear_level_term_not_the_trees(tmp_path):
    X, y, gene = gene_levels()
    model = LgbmRankModel(objective="rank", **SMALL).fit(X, y, groups=gene, studies=np.full(len(y), "S"))
    assert model.features_ == ["x", "unrelated"] and model.level_features_ == ["transcript__gc"]
    assert model.level_inner_["with"] > model.level_inner_["without"] and model.level_ is not None
    # New genes: the level term moves each by its GC (100 points per unit of GC in the data).
    new, y_new, _ = gene_levels(seed=1)
    shifted = new.assign(transcript__gc=new["transcript__gc"] + 0.1)
    assert np.mean(model.predict(shifted) - model.predict(new)) == pytest.approx(10, abs=3)
    assert np.corrcoef(model.predict(new), y_new)[0, 1] > 0.9
    model.save(tmp_path)
    assert np.allclose(LgbmRankModel.load(tmp_path).predict(new), model.predict(new))
    # A missing value gets no level term (the study line alone), never NaN.
    assert not np.isnan(model.predict(new.assign(transcript__gc=np.nan))).any()


def test_a_level_column_that_does_not_help_on_inner_folds_is_left_out():
    X, y, gene = gene_levels()
    noise = X.assign(transcript__gc=np.repeat(np.random.default_rng(5).random(30), 20))
    flat = y - 100 * (X["transcript__gc"].to_numpy() - 0.5)  # levels no longer follow the column
    model = LgbmRankModel(objective="rank", **SMALL).fit(noise, flat, groups=gene, studies=np.full(len(y), "S"))
    assert model.level_inner_["with"] <= model.level_inner_["without"] and model.level_ is None
    assert np.allclose(model.predict(noise), model.predict(noise.assign(transcript__gc=0.9)))  # the column is unused
