"""Progress of sirna train (issue 19, item 5): a stage per fold, a bar on stderr, --quiet silences it."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from typer.testing import CliRunner

from rnakit.cli import app
from rnakit.sirna.runs import train_run
from rnakit.sirna.tables import load_table
from tests.conftest import EXAMPLES

runner = CliRunner()


def test_train_run_announces_features_each_fold_and_the_final_model(tmp_path) -> None:
    table = load_table(str(EXAMPLES / "tiny_sirna.csv"))
    steps: list[str] = []
    train_run(table, data="tiny", model="lgbm", strategy="random", n_folds=3, seed=0, threads=1, out=tmp_path / "run",
              cache_dir=None, feature_groups=["composition"], step=steps.append)
    assert steps == ["features", "fold 1 of 3", "fold 2 of 3", "fold 3 of 3", "final model"]
    steps.clear()
    train_run(table, data="tiny", model="lgbm", strategy=None, n_folds=3, seed=0, threads=1, out=tmp_path / "final",
              cache_dir=None, feature_groups=["composition"], step=steps.append)
    assert steps == ["features", "final model"]
@pytest.mark.parametrize("quiet", [False, True])
def test_cli_train_progress_bar_and_quiet(tmp_path, monkeypatch, quiet) -> None:
    buffer = io.StringIO()
    monkeypatch.setattr("rnakit.cli.sirna.err", Console(file=buffer, force_terminal=True, width=100))
    monkeypatch.setenv("RNAKIT_CACHE_DIR", str(tmp_path / "cache"))
    args = ["sirna", "train", "--data", str(EXAMPLES / "tiny_sirna.csv"), "--model", "lgbm", "--cv", "gene", "--folds", "2",
            "--groups", "composition", "--threads", "1", "--out", str(tmp_path / "run")]
    result = runner.invoke(app, args + (["-q"] if quiet else []))
    assert result.exit_code == 0, result.output
    assert ("training lgbm" in buffer.getvalue()) != quiet
