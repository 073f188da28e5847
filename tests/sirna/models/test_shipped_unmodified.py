"""The shipped `unmodified` model is the winner of its own inner-fold comparison (issue 17, item 1)."""

import json

from rnakit.sirna.models.ranker import BLEND, OBJECTIVES
from rnakit.sirna.models.registry import load_model
from rnakit.sirna.runs import SHIPPED_MODELS_DIR


def test_shipped_unmodified_model_is_the_inner_cv_winner():
    folder = SHIPPED_MODELS_DIR / "unmodified"
    model, manifest = load_model(folder, threads=1)
    scores = model.inner_scores_
    # Every candidate was compared: each objective alone and their blend.
    assert set(scores) == {*OBJECTIVES, BLEND}
    assert model.chosen_ == max(scores, key=scores.get) == manifest["objective"]
    assert manifest["inner_within_study_pearson"] == json.loads((folder / "model" / "lgbm_rank.json").read_text())["inner_scores"]
    # The boosters shipped are the chosen candidate's members, and nothing else.
    assert set(model.boosters_) == (set(OBJECTIVES) if model.chosen_ == BLEND else {model.chosen_})


def test_shipped_unmodified_model_states_its_study_lines_and_level_term():
    folder = SHIPPED_MODELS_DIR / "unmodified"
    model, manifest = load_model(folder, threads=1)
    assert {k: tuple(v) for k, v in manifest["study_lines"].items()} == model.study_lines_
    # One line per pooled study (each has ≥ 30 rows), each rising with the score: its assay's level and spread.
    assert {s.split(":")[0] for s in model.study_lines_} == set(manifest["training_rows_per_set"])
    assert all(slope > 0 for slope, _ in model.study_lines_.values())
    # The level term ships only when it won on inner folds, and only on the optional transcript group.
    inner = manifest["level_term_inner"]
    assert (model.level_ is not None) == (inner["with"] > inner["without"]) and model.level_ == manifest["level_term"]
    assert "transcript" in manifest["feature_groups"] and model.level_features_ == ["transcript__gc"]
    assert not any(f.startswith("transcript__") for f in model.features_)
