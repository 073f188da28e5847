"""The prediction-only path design scores with: LightGBM's C library called directly, and the saved
lgbm-rank and lgbm models read without scikit-learn, give the same values as the lightgbm package,
LgbmRankModel and LgbmEfficacyModel, bit for bit."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from rnakit.errors import InputFormatError
from rnakit.sirna.models.lgbm_capi import TextBooster
from rnakit.sirna.models.lgbm_scorer import LgbmScorer
from rnakit.sirna.models.rank_scorer import RankScorer
from rnakit.sirna.models.registry import MODEL_FOLDER, load_model
from rnakit.sirna.models.shipped import SHIPPED_MODELS_DIR

lgb = pytest.importorskip("lightgbm")
UNMODIFIED = SHIPPED_MODELS_DIR / "unmodified"
DEFAULT = SHIPPED_MODELS_DIR / "default"  # lgbm, with a gate: the competition chemistry's model


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


def test_lgbm_scorer_predicts_as_the_shipped_default_model():
    full, _ = load_model(DEFAULT, threads=1)
    lean, manifest = load_model(DEFAULT, threads=1, predict_only=True)
    assert isinstance(lean, LgbmScorer) and manifest["model"] == "lgbm"
    assert full.gate_booster_ is not None and full.shift_ != 0.0  # the gate and the shift are exercised
    numeric = [name for name in full.features_ if name not in full.levels_]
    frame = pd.DataFrame(_random_matrix(300, len(numeric), seed=6), columns=numeric)
    rng = np.random.default_rng(7)
    for name, levels in full.levels_.items():  # categorical columns: known levels, and one never seen
        frame[name] = rng.choice([*levels, "never seen"], size=len(frame))
    frame = frame[full.features_]
    expected = full.predict(frame)
    assert np.array_equal(lean.predict(frame), expected)
    # The gate decides some rows' side of 30: a scorer without it would differ.
    assert ((expected == 29.0) | (expected == 30.0)).any()


@pytest.mark.parametrize("scorer, name", [(RankScorer, "lgbm-rank"), (LgbmScorer, "lgbm")])
def test_scorers_refuse_a_folder_without_their_state(tmp_path, scorer, name):
    with pytest.raises(InputFormatError, match=f"not a readable {name} model folder") as error:
        scorer.load(tmp_path)
    assert str(tmp_path) in str(error.value)


@pytest.mark.parametrize("model", ["unmodified", "default"])
def test_scoring_a_shipped_model_imports_neither_scikit_learn_nor_the_lightgbm_package(model):
    code = ("import sys; from rnakit.sirna.models.registry import load_model; "
            "from rnakit.sirna.models.shipped import SHIPPED_MODELS_DIR; "
            f"load_model(SHIPPED_MODELS_DIR / {model!r}, 1, predict_only=True); "
            "print(sorted(m for m in ('sklearn', 'lightgbm', 'scipy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert (UNMODIFIED / MODEL_FOLDER / "lgbm_rank.json").is_file()


@pytest.mark.parametrize("options", ["", ", pattern='esc-sais', length='23'"], ids=["unmodified", "pattern"])
def test_a_design_imports_neither_scikit_learn_nor_the_lightgbm_package_nor_scipy_stats(options):
    # numba (the guide-target duplex) imports SciPy's top package itself; scipy.stats is metrics' only.
    code = ("import sys, rnakit; from rnakit.sirna.design.options import example_target; "
            "from rnakit.seq.fasta import read_fasta_records; "
            "sequence = read_fasta_records(example_target())[0][2][:300]; "
            f"table = rnakit.design(sequence, top=2, threads=1{options}); "
            "assert table['predicted_remaining_pct'].notna().any(); "
            "print(sorted(m for m in ('sklearn', 'lightgbm', 'scipy.stats') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


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

