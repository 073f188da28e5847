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
