"""The competition metric against values computed by hand (in the comments)."""

import math
import warnings

import pytest

from rnakit.errors import ValueRangeError
from rnakit.sirna.metrics import competition_score, evaluate, f1_below_30, fold_pearson, range_mae


def test_mixed_example():
    truth = [10, 50, 20, 80]
    pred = [20, 40, 35, 25]
    # |errors| 10, 10, 15, 55 → MAE 22.5.
    # truth < 30: rows 1, 3; prediction < 30: rows 1, 4 → TP 1, FP 1, FN 1 → F1 = 2/(2+1+1) = 0.5.
    # predictions in [0, 30]: rows 1 (|10|) and 4 (|55|) → RangeMAE 32.5.
    # score = 0.5·0.775 + 0.5·0.5·0.675 = 0.3875 + 0.16875 = 0.55625.
    result = evaluate(truth, pred)
    assert result["mae"] == pytest.approx(22.5)
    assert result["f1"] == pytest.approx(0.5)
    assert result["range_mae"] == pytest.approx(32.5)
    assert result["score"] == pytest.approx(0.55625)
    # RMSE = sqrt((100 + 100 + 225 + 3025) / 4) = sqrt(862.5).
    assert result["rmse"] == pytest.approx(math.sqrt(862.5))
    assert result["n"] == 4


def test_no_prediction_below_30():
    truth = [10, 50]
    pred = [40, 60]
    # F1 = 0 (no predicted positive), RangeMAE = 100 (no prediction in [0, 30]); MAE = (30 + 10)/2 = 20.
    assert f1_below_30(truth, pred) == 0.0
    assert range_mae(truth, pred) == 100.0
    assert competition_score(truth, pred) == pytest.approx(0.5 * (1 - 20 / 100))


def test_every_prediction_below_zero():
    truth = [10, 50]
    pred = [-5, -1]
    # No prediction lies in [0, 30] → RangeMAE = 100 and the F1 half counts for nothing.
    # Both predictions are < 30: TP 1, FP 1 → F1 = 2/3. MAE = (15 + 51)/2 = 33.
    assert range_mae(truth, pred) == 100.0
    assert f1_below_30(truth, pred) == pytest.approx(2 / 3)
    assert competition_score(truth, pred) == pytest.approx(0.5 * (1 - 33 / 100))


def test_single_row():
    # truth 20, prediction 25: MAE 5, F1 1 (TP 1), RangeMAE 5 → 0.5·0.95 + 0.5·0.95 = 0.95.
    result = evaluate([20], [25])
    assert result["score"] == pytest.approx(0.95)
    assert math.isnan(result["pearson"]) and math.isnan(result["spearman"]) and math.isnan(result["auc"])


def test_prediction_of_exactly_30_is_in_range_but_not_positive():
    truth = [29, 31]
    pred = [30, 30]
    # Neither prediction is < 30 → F1 = 0; both lie in [0, 30] → RangeMAE = (1 + 1)/2 = 1.
    assert f1_below_30(truth, pred) == 0.0
    assert range_mae(truth, pred) == pytest.approx(1.0)


def test_perfect_predictions_score_one():
    values = [5, 25, 45, 90]
    result = evaluate(values, values)
    assert result["score"] == pytest.approx(1.0)
    assert result["pearson"] == pytest.approx(1.0) and result["spearman"] == pytest.approx(1.0)
    assert result["auc"] == pytest.approx(1.0)


def test_no_positive_anywhere_gives_f1_zero_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = evaluate([50, 60, 60], [70, 80, 80])
    assert result["f1"] == 0.0 and math.isnan(result["auc"])


def test_auc_and_correlations_on_a_hand_case():
    truth = [10, 20, 40, 60]
    pred = [15, 50, 30, 70]
    # Positives (truth < 30): rows 1, 2 with scores −15, −50; negatives rows 3, 4 with −30, −70.
    # Pairs (pos > neg): (−15 > −30) yes, (−15 > −70) yes, (−50 > −30) no, (−50 > −70) yes → AUC 3/4.
    # Ranks: truth 1 2 3 4, prediction 1 3 2 4 → Spearman = 1 − 6·(0+1+1+0)/(4·15) = 0.8.
    result = evaluate(truth, pred)
    assert result["auc"] == pytest.approx(0.75)
    assert result["spearman"] == pytest.approx(0.8)
    # Pearson: deviations truth (−22.5, −12.5, 7.5, 27.5), prediction (−26.25, 8.75, −11.25, 28.75);
    # Σxy = 590.625 − 109.375 − 84.375 + 790.625 = 1187.5; Σx² = 1475; Σy² = 689.0625 + 76.5625 + 126.5625 + 826.5625 = 1718.75.
    assert result["pearson"] == pytest.approx(1187.5 / math.sqrt(1475 * 1718.75))


@pytest.mark.parametrize(
    ("truth", "pred", "message"),
    [([1, 2], [1], "2 values but prediction has 1"), ([], [], "no rows"), ([1.0], [float("nan")], "finite")],
)
def test_bad_inputs(truth, pred, message):
    with pytest.raises(ValueRangeError, match=message):
        evaluate(truth, pred)


def test_fold_pearson_is_the_mean_and_sample_sd_of_each_folds_own_pearson():
    truth = [1, 2, 3, 1, 2, 3]
    pred = [1, 2, 3, 3, 2, 1]
    # Fold 0 is predicted in order (r = 1), fold 1 in reverse (r = −1): mean 0, sample sd sqrt(((1)² + (−1)²) / 1).
    result = fold_pearson(truth, pred, [0, 0, 0, 1, 1, 1])
    assert result["pearson_fold_mean"] == pytest.approx(0.0)
    assert result["pearson_fold_sd"] == pytest.approx(math.sqrt(2))
    # One Pearson over both folds' rows differs: each fold predicted in order but fold 1 shifted by +10
    # gives r = 1 in each fold (mean 1, sd 0) while the pooled r is below 1.
    shifted = [1, 2, 3, 11, 12, 13]
    result = fold_pearson(truth, shifted, [0, 0, 0, 1, 1, 1])
    assert result == {"pearson_fold_mean": pytest.approx(1.0), "pearson_fold_sd": pytest.approx(0.0)}
    assert evaluate(truth, shifted)["pearson"] < 0.5


def test_fold_pearson_needs_a_fold_label_per_row():
    with pytest.raises(ValueRangeError, match="2 fold labels for 3 rows"):
        fold_pearson([1, 2, 3], [1, 2, 3], [0, 1])
