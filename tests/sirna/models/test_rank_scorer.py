"""The prediction-only path design scores with: LightGBM's C library called directly, and the saved
lgbm-rank model read without scikit-learn, give the same values as the lightgbm package and
LgbmRankModel, bit for bit."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from rnakit.errors import InputFormatError
from rnakit.sirna.models.lgbm_capi import TextBooster
from rnakit.sirna.models.rank_scorer import RankScorer
from rnakit.sirna.models.registry import MODEL_FOLDER, load_model
from rnakit.sirna.models.shipped import SHIPPED_MODELS_DIR

lgb = pytest.importorskip("lightgbm")
UNMODIFIED = SHIPPED_MODELS_DIR / "unmodified"


def _random_matrix(rows: int, columns: int, seed: int) -> np.ndarray:
    """Values on the features' scales and beyond, with missing values and exact zeros (LightGBM's
    missing-value and zero branches)."""
    rng = np.random.default_rng(seed)
    matrix = rng.normal(scale=3.0, size=(rows, columns)) + rng.integers(0, 2, size=(rows, columns))
    matrix[rng.random(matrix.shape) < 0.05] = np.nan
    matrix[rng.random(matrix.shape) < 0.05] = 0.0
    return matrix


@pytest.mark.parametrize("path", sorted(SHIPPED_MODELS_DIR.glob("*/model/*.txt")), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_text_booster_predicts_as_the_lightgbm_package(path):
    booster = TextBooster(path)
    matrix = _random_matrix(400, booster.num_features, seed=len(path.name))
    expected = lgb.Booster(model_file=str(path)).predict(matrix, num_threads=1)
    assert np.array_equal(booster.predict(matrix, num_threads=1), expected)
    assert np.array_equal(booster.predict(matrix, num_threads=2), expected)  # threads share rows, never sums
    assert booster.predict(matrix[:0]).shape == (0,)


def test_text_booster_refuses_a_damaged_file_and_a_wrong_width(tmp_path):
    damaged = tmp_path / "lgbm_rank_regression.txt"
    damaged.write_text("tree\nversion=v4\nnum_class=x\n")
    with pytest.raises(InputFormatError, match="LightGBM") as error:
        TextBooster(damaged)
    assert str(damaged) in str(error.value)
    booster = TextBooster(next(UNMODIFIED.glob("model/*.txt")))
    with pytest.raises(InputFormatError, match="features"):
        booster.predict(np.zeros((3, booster.num_features + 1)))


def test_rank_scorer_predicts_as_the_shipped_lgbm_rank_model():
    full, _ = load_model(UNMODIFIED, threads=1)
    lean, manifest = load_model(UNMODIFIED, threads=1, predict_only=True)
    assert isinstance(lean, RankScorer) and manifest["model"] == "lgbm-rank"
    # The shipped model has a level term and study lines: both paths are exercised.
    assert full.level_ is not None and full.study_lines_
    columns = full.features_ + full.level_features_
    frame = pd.DataFrame(_random_matrix(300, len(columns), seed=3), columns=columns)
    frame["transcript__gc"] = np.random.default_rng(4).uniform(0.3, 0.7, size=len(frame))
    frame.loc[::9, "transcript__gc"] = np.nan
    assert np.array_equal(lean.predict(frame), full.predict(frame))
    studies = np.array([next(iter(full.study_lines_)), "a study never seen"] * 150)
    assert np.array_equal(lean.predict(frame, studies), full.predict(frame, studies))


def test_rank_scorer_refuses_a_folder_without_its_state(tmp_path):
    with pytest.raises(InputFormatError, match="lgbm-rank") as error:
        RankScorer.load(tmp_path)
    assert str(tmp_path) in str(error.value)


def test_scoring_the_shipped_model_imports_neither_scikit_learn_nor_the_lightgbm_package():
    code = ("import sys; from rnakit.sirna.models.registry import load_model; "
            "from rnakit.sirna.models.shipped import SHIPPED_MODELS_DIR; "
            "load_model(SHIPPED_MODELS_DIR / 'unmodified', 1, predict_only=True); "
            "print(sorted(m for m in ('sklearn', 'lightgbm') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert (UNMODIFIED / MODEL_FOLDER / "lgbm_rank.json").is_file()


def test_a_process_parses_each_booster_text_once(tmp_path, monkeypatch):
    from rnakit.sirna.models import lgbm_capi

    parsed = []
    handle = lgbm_capi._Handle
    monkeypatch.setattr(lgbm_capi, "_Handle", lambda text, path: parsed.append(path) or handle(text, path))
    monkeypatch.setattr(lgbm_capi, "_READ", type(lgbm_capi._READ)())
    source = next(UNMODIFIED.glob("model/*.txt"))
    copy = tmp_path / "copy.txt"
    copy.write_bytes(source.read_bytes())
    first, again, same_text = TextBooster(source), TextBooster(source), TextBooster(copy)
    assert parsed == [str(source)]  # the same text, under any name, is parsed once
    matrix = _random_matrix(50, first.num_features, seed=5)
    del first  # the others still predict with the booster they share
    assert np.array_equal(again.predict(matrix), same_text.predict(matrix))
    copy.write_bytes(source.read_bytes() + b"\n")  # another text: parsed afresh
    TextBooster(copy)
    assert parsed == [str(source), str(copy)]

