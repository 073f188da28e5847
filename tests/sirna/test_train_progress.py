"""Progress of sirna train (issue 19, item 5): a stage per fold, a bar on stderr, --quiet silences it."""

from __future__ import annotations

from rnakit.sirna.runs import train_run
from rnakit.sirna.tables import load_table
from tests.conftest import EXAMPLES


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
