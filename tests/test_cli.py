"""The command line, driven as a user would: exit codes, one-line errors, JSON output."""

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import rnakit
from rnakit import __version__
from rnakit.cli import app
from tests.conftest import ANTISENSE, COMPETITION_HEADER, EXAMPLES, SENSE, competition_row, write_rows

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_help_lists_every_area():
    result = run("--help")
    assert result.exit_code == 0
    for area in ("sirna", "hybrid", "lncrna", "graph"):
        assert area in result.stdout


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"rnakit {__version__}"


def test_validate_bundled_example():
    result = run("sirna", "validate", str(EXAMPLES / "tiny_sirna.csv"), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["rows"] == 12 and report["n_errors"] == 0 and report["training"]
    assert report["site_counts"] == {"exact": 12}
    assert report["summary"]["genes"] == 2


def test_score_bundled_example_matches_hand_computation():
    result = run("sirna", "score", "--truth", str(EXAMPLES / "tiny_sirna.csv"),
                 "--pred", str(EXAMPLES / "tiny_predictions.csv"), "--json")
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    # |errors| = 2.5 4.5 6.2 6.6 7.9 4.1 4.7 2.2 5.6 3.1 5.4 12.8 → MAE = 65.6 / 12.
    # truth < 30: rows 1,4,6,8,10,12; prediction < 30: rows 1,4,6,8,12 → TP 5, FP 0, FN 1, F1 = 10/11.
    # predictions in [0, 30]: rows 1,4,6,8,12 → RangeMAE = (2.5+6.6+4.1+2.2+12.8) / 5 = 5.64.
    mae, f1, range_mae = 65.6 / 12, 10 / 11, 5.64
    assert metrics["n"] == 12
    assert metrics["mae"] == pytest.approx(mae)
    assert metrics["f1"] == pytest.approx(f1)
    assert metrics["range_mae"] == pytest.approx(range_mae)
    assert metrics["score"] == pytest.approx(0.5 * (1 - mae / 100) + 0.5 * f1 * (1 - range_mae / 100))
    assert set(metrics) == {"n", "score", "mae", "rmse", "f1", "range_mae", "pearson", "spearman", "auc"}


def one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def test_bad_base_fails_validation_naming_row_and_column(tmp_path):
    bad = ANTISENSE[:6] + "J" + ANTISENSE[7:]
    path = write_rows(tmp_path / "bad.csv", [competition_row(), competition_row(id=2, siRNA_antisense_seq=bad)])
    line = one_line_error(run("sirna", "validate", str(path)))
    assert "bad.csv: row 2: column 'siRNA_antisense_seq' (guide)" in line and "'J' at position 7" in line


def test_unknown_unit_is_a_one_line_error(tmp_path):
    path = write_rows(tmp_path / "unit.csv", [competition_row(concentration_unit="ng/ml")])
    line = one_line_error(run("sirna", "validate", str(path)))
    assert "row 1: column 'siRNA_concentration': unknown concentration unit 'ng/ml'" in line


def test_missing_column_is_a_one_line_error(tmp_path):
    header = [c for c in COMPETITION_HEADER if c != "siRNA_sense_seq"]
    path = write_rows(tmp_path / "cols.csv", [competition_row()], header=header)
    line = one_line_error(run("sirna", "validate", str(path)))
    assert "missing required column 'siRNA_sense_seq'" in line


def test_score_with_missing_and_extra_ids(tmp_path, competition_file):
    pred = write_rows(tmp_path / "pred.csv", [{"id": 1, "mRNA_remaining_pct": 50}, {"id": 99, "mRNA_remaining_pct": 5}],
                      header=["id", "mRNA_remaining_pct"])
    line = one_line_error(run("sirna", "score", "--truth", str(competition_file), "--pred", str(pred)))
    assert "2 truth id(s) have no prediction (first: 2, 3)" in line
    assert "1 predicted id(s) are not in the truth (first: 99)" in line


def test_validate_own_tsv_with_column_options(tmp_path):
    path = write_rows(tmp_path / "mine.tsv", [{"as": ANTISENSE, "ss": SENSE, "inh": 70}],
                      header=["as", "ss", "inh"], delimiter="\t")
    result = run("sirna", "validate", str(path), "--guide-col", "as", "--passenger-col", "ss",
                 "--label-col", "inh", "--label-kind", "inhibition", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["label"]["median"] == pytest.approx(30.0)


def test_datasets_lists_the_registry():
    result = run("sirna", "datasets", "--json")
    assert result.exit_code == 0
    names = {row["name"] for row in json.loads(result.stdout)}
    assert {"sais_sirna_2024", "sais_sirna_2024_test"} <= names


def test_fetch_of_a_dataset_that_cannot_be_downloaded_says_why(tmp_path):
    line = one_line_error(run("sirna", "datasets", "fetch", "sais_sirna_2024", "--data-dir", str(tmp_path)))
    assert "cannot be downloaded" in line and "github.com/CYC7b/Datawhale" in line


def test_features_list_and_matrix(tmp_path, monkeypatch):
    monkeypatch.setenv("RNAKIT_CACHE_DIR", str(tmp_path / "cache"))
    listing = run("sirna", "features", "--list")
    assert listing.exit_code == 0 and "modifications" in listing.stdout
    out = tmp_path / "f.parquet"
    result = run("sirna", "features", str(EXAMPLES / "tiny_sirna.csv"), "--groups", "composition,thermo", "-o", str(out))
    assert result.exit_code == 0, result.output
    import pandas as pd

    matrix = pd.read_parquet(out)
    assert len(matrix) == 12 and matrix.columns[0] == "id"
    assert any(c.startswith("thermo__") for c in matrix.columns)


def test_features_bad_inputs_are_one_line_errors(tmp_path):
    line = one_line_error(run("sirna", "features", str(EXAMPLES / "tiny_sirna.csv"), "--groups", "nope", "-o", str(tmp_path / "f.csv")))
    assert "unknown feature group 'nope'" in line
    line = one_line_error(run("sirna", "features", str(EXAMPLES / "tiny_sirna.csv"), "-o", str(tmp_path / "f.xlsx")))
    assert "use a .parquet or .csv" in line
    assert not (tmp_path / "f.xlsx").exists()


def test_train_predict_evaluate_on_the_example(tmp_path, monkeypatch):
    monkeypatch.setenv("RNAKIT_CACHE_DIR", str(tmp_path / "cache"))
    example = str(EXAMPLES / "tiny_sirna.csv")
    run_dir = tmp_path / "run"
    result = run("sirna", "train", "--data", example, "--model", "lgbm", "--cv", "gene", "--folds", "2",
                 "--out", str(run_dir), "--threads", "1", "--groups", "composition,thermo,conditions")
    assert result.exit_code == 0, result.output
    for name in ("manifest.json", "oof.csv", "report.md", "report.json", "predicted_vs_measured.png",
                 "residual_vs_measured.png", "score_per_gene.png", "model/lgbm.txt", "model/lgbm.json"):
        assert (run_dir / name).is_file(), name
    report = json.loads((run_dir / "report.json").read_text())
    assert report["strategy"] == "gene" and "target gene held out" in report["split"]
    assert len(report["per_fold"]) == 2
    assert "target gene held out" in (run_dir / "report.md").read_text().splitlines()[2]
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["model"] == "lgbm" and manifest["feature_groups"] == ["composition", "thermo", "conditions"]
    assert len(manifest["training_data_sha256"]) == 64

    submission = tmp_path / "submission.csv"
    result = run("sirna", "predict", "--model", str(run_dir), "--data", example, "-o", str(submission))
    assert result.exit_code == 0, result.output
    import pandas as pd

    written = pd.read_csv(submission)
    assert list(written.columns) == ["id", "mRNA_remaining_pct"]
    assert written["id"].tolist() == list(range(1, 13))

    result = run("sirna", "evaluate", "--model", str(run_dir), "--data", example, "--json")
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.stdout)) == {"n", "score", "mae", "rmse", "f1", "range_mae", "pearson", "spearman", "auc"}


def test_train_and_predict_bad_inputs(tmp_path):
    example = str(EXAMPLES / "tiny_sirna.csv")
    line = one_line_error(run("sirna", "train", "--data", example, "--model", "xgboost", "--out", str(tmp_path / "r")))
    assert "option '--model': unknown model 'xgboost'" in line
    line = one_line_error(run("sirna", "train", "--data", example, "--cv", "shuffle", "--out", str(tmp_path / "r")))
    assert "option '--cv': unknown split 'shuffle'" in line
    line = one_line_error(run("sirna", "train", "--data", example, "--folds", "1", "--out", str(tmp_path / "r")))
    assert line == "error: option '--folds': 1 folds: cross-validation needs at least 2"
    line = one_line_error(run("sirna", "predict", "--model", str(tmp_path / "nothing"), "--data", example, "-o", "-"))
    assert line.startswith("error: option '--model': ") and "neither a shipped model" in line
    line = one_line_error(run("sirna", "predict", "--model", str(tmp_path), "--data", example, "-o", str(tmp_path / "s.csv")))
    assert "not a complete output of 'rnakit sirna train'" in line
    unlabelled = write_rows(tmp_path / "test.csv", [competition_row(mRNA_remaining_pct="")])
    line = one_line_error(run("sirna", "train", "--data", str(unlabelled), "--out", str(tmp_path / "r")))
    assert "have no label" in line


@pytest.mark.parametrize("model, weights", [
    ("gru-baseline", "gru.safetensors"), ("seqnet", "seqnet.safetensors"), ("ensemble", "seqnet/seqnet.safetensors"),
    ("gnn", "seed2/gnn.safetensors"), ("gnn4sirna", "gnn4sirna.safetensors"),  # gnn: three seeds' networks
])
def test_sequence_models_train_and_predict_through_the_cli(tmp_path, monkeypatch, model, weights):
    monkeypatch.setenv("RNAKIT_CACHE_DIR", str(tmp_path / "cache"))
    example = str(EXAMPLES / "tiny_sirna.csv")
    result = run("sirna", "train", "--data", example, "--model", model, "--cv", "none",
                 "--out", str(tmp_path / "run"), "--threads", "1")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "run" / "model" / weights).is_file()
    result = run("sirna", "predict", "--model", str(tmp_path / "run"), "--data", example, "-o", str(tmp_path / "s.csv"))
    assert result.exit_code == 0, result.output
    import pandas as pd

    predictions = pd.read_csv(tmp_path / "s.csv")
    assert len(predictions) == 12 and predictions["mRNA_remaining_pct"].notna().all()


def test_lgbm_rank_trains_and_predicts_through_the_cli(tmp_path, monkeypatch):
    monkeypatch.setenv("RNAKIT_CACHE_DIR", str(tmp_path / "cache"))
    example = str(EXAMPLES / "tiny_sirna.csv")
    result = run("sirna", "train", "--data", example, "--model", "lgbm-rank", "--cv", "none",
                 "--out", str(tmp_path / "run"), "--threads", "1")
    assert result.exit_code == 0, result.output
    state = json.loads((tmp_path / "run" / "model" / "lgbm_rank.json").read_text())
    assert state["chosen"] in state["inner_scores"] and state["scales"]
    assert all((tmp_path / "run" / "model" / f"lgbm_rank_{member}.txt").is_file() for member in state["scales"])
    result = run("sirna", "predict", "--model", str(tmp_path / "run"), "--data", example, "-o", str(tmp_path / "s.csv"))
    assert result.exit_code == 0, result.output
    import pandas as pd

    assert pd.read_csv(tmp_path / "s.csv")["mRNA_remaining_pct"].notna().sum() == 12


def test_shipped_unmodified_model_names_its_pooled_sets_and_the_copies_it_dropped():
    folder = Path(rnakit.__file__).parent / "data/models/unmodified"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["model"] == "lgbm-rank" and "huesken2005" in manifest["training_sets"]
    assert sum(manifest["training_rows_per_set"].values()) == manifest["training_rows"]
    import pandas as pd

    copies = pd.read_csv(folder / manifest["copies_file"], sep="\t")
    assert len(copies) == sum(manifest["copies_dropped"].values())
    assert not set(zip(copies["dropped_dataset"], copies["dropped_id"])) & set(zip(copies["kept_dataset"], copies["kept_id"]))


def test_shipped_default_model_predicts_the_example(tmp_path, monkeypatch):
    monkeypatch.setenv("RNAKIT_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "s.csv"
    result = run("sirna", "predict", "--model", "default", "--data", str(EXAMPLES / "tiny_sirna.csv"), "-o", str(out))
    assert result.exit_code == 0, result.output
    import pandas as pd

    predictions = pd.read_csv(out)["mRNA_remaining_pct"]
    assert len(predictions) == 12 and predictions.between(-50, 200).all()
    manifest = json.loads((Path(rnakit.__file__).parent / "data/models/default/manifest.json").read_text())
    assert manifest["metrics"]["strategy"] == "gene" and manifest["training_data"] == "sais_sirna_2024"


def test_evaluate_needs_labels_and_a_model(tmp_path):
    unlabelled = write_rows(tmp_path / "test.csv", [competition_row(mRNA_remaining_pct="")])
    line = one_line_error(run("sirna", "evaluate", "--model", "default", "--data", str(unlabelled)))
    assert "have no label" in line
    line = one_line_error(run("sirna", "evaluate", "--model", str(tmp_path / "nothing"), "--data", str(EXAMPLES / "tiny_sirna.csv")))
    assert "nothing: no such folder" in line


def _strict_json(text: str) -> object:
    """Parse JSON as the standard defines it: Infinity, -Infinity and NaN are not JSON."""
    def refuse(token: str) -> None:
        raise ValueError(f"not JSON: {token}")
    return json.loads(text, parse_constant=refuse)


def test_validate_refuses_infinite_conditions_and_prints_standard_json(tmp_path):
    path = write_rows(tmp_path / "inf.csv", [competition_row(), competition_row(id=2, Duration_after_transfection_h="inf")])
    line = one_line_error(run("sirna", "validate", str(path), "--json"))
    assert "inf.csv: row 2: column 'Duration_after_transfection_h': duration inf is not a finite number" in line
    # 1e308 % remaining is finite (and flagged > 100), but the mean of two overflows.
    huge = write_rows(tmp_path / "huge.csv", [competition_row(mRNA_remaining_pct=1e308),
                                              competition_row(id=2, mRNA_remaining_pct=1e308)])
    result = run("sirna", "validate", str(huge), "--json")
    assert result.exit_code == 0, result.output
    label = _strict_json(result.stdout)["summary"]["label"]
    assert label["max"] == 1e308 and label["above_100"] == 2 and label["mean"] is None


def test_score_takes_a_truth_file_of_ids_and_labels(tmp_path):
    # The truth in the competition's own submission format: the labels of tiny_sirna.csv, no strands.
    labels = pd.read_csv(EXAMPLES / "tiny_sirna.csv")[["id", "mRNA_remaining_pct"]]
    truth = tmp_path / "truth.csv"
    labels.to_csv(truth, index=False)
    result = run("sirna", "score", "--truth", str(truth), "--pred", str(EXAMPLES / "tiny_predictions.csv"), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["mae"] == pytest.approx(65.6 / 12)  # as test_score_bundled_example_…
    # Other column names and conventions: % knockdown in 'kd'.
    other = tmp_path / "other.tsv"
    labels.assign(kd=100 - labels["mRNA_remaining_pct"]).drop(columns="mRNA_remaining_pct").to_csv(other, sep="\t", index=False)
    result = run("sirna", "score", "--truth", str(other), "--pred", str(EXAMPLES / "tiny_predictions.csv"),
                 "--label-col", "kd", "--label-kind", "inhibition", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["mae"] == pytest.approx(65.6 / 12)
    labels.loc[1, "mRNA_remaining_pct"] = None
    labels.to_csv(truth, index=False)
    line = one_line_error(run("sirna", "score", "--truth", str(truth), "--pred", str(EXAMPLES / "tiny_predictions.csv")))
    assert "truth.csv: row 2: column 'mRNA_remaining_pct' (remaining_pct): 1 row(s) have no measured label" in line


def test_row_errors_name_the_column_of_the_users_file(tmp_path):
    bad = ANTISENSE[:6] + "J" + ANTISENSE[7:]
    mine = write_rows(tmp_path / "mine.csv", [{"as": ANTISENSE}, {"as": bad}], header=["as"])
    line = one_line_error(run("sirna", "validate", str(mine), "--guide-col", "as"))
    assert "mine.csv: row 2: column 'as' (guide): letter 'J' at position 7" in line
    result = run("sirna", "validate", str(mine), "--guide-col", "as", "--json")
    assert _strict_json(result.stdout)["errors"] == [
        {"row": 2, "column": "as", "field": "guide", "message": "letter 'J' at position 7 is not a nucleotide (expected A, C, G, U or T)"}]
    line = one_line_error(run("sirna", "features", str(mine), "--guide-col", "as", "-o", str(tmp_path / "f.csv")))
    assert "mine.csv: row 2: column 'as' (guide): letter 'J'" in line


def test_score_names_a_prediction_that_is_not_a_number(tmp_path, competition_file):
    pred = write_rows(tmp_path / "pred.csv", [{"id": 1, "mRNA_remaining_pct": 50}, {"id": 2, "mRNA_remaining_pct": 5},
                                              {"id": 3, "mRNA_remaining_pct": "N/A"}], header=["id", "mRNA_remaining_pct"])
    line = one_line_error(run("sirna", "score", "--truth", str(competition_file), "--pred", str(pred)))
    assert line == "error: pred.csv: row 3: column 'mRNA_remaining_pct': prediction 'N/A' is not a finite number".replace(
        "pred.csv", str(pred))


def test_python_dash_m_rnakit_is_the_same_command_line():
    import subprocess
    import sys

    from rnakit import __version__

    done = subprocess.run([sys.executable, "-m", "rnakit", "--version"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == f"rnakit {__version__}"
