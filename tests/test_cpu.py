"""CPU threads: the cores this process may use (its affinity mask), shared out among workers, and the
``--threads`` of every command that trains or predicts reaching LightGBM (watched by a spy, never timed)."""

import os
import re

import lightgbm
import pytest
from typer.testing import CliRunner

from rnakit.cli import app
from rnakit.cpu import available_cores, model_threads
from rnakit.sirna.models.lgbm_capi import TextBooster
from tests.conftest import EXAMPLES

runner = CliRunner()
EXAMPLE = str(EXAMPLES / "tiny_sirna.csv")


def cores(monkeypatch, *ids: int) -> None:
    """Pretend this process may run on the cores ``ids`` only (as under taskset or a cpuset)."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(ids), raising=False)


def test_threads_follow_the_affinity_mask_not_the_machine(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    cores(monkeypatch, 0, 3, 5)
    assert available_cores() == 3
    assert model_threads() == 3 and model_threads(2) == 2


def test_without_affinity_masks_the_cpu_count_is_used(monkeypatch):
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    assert available_cores() == 6
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert available_cores() == 1


@pytest.mark.parametrize("n_cores", [1, 2, 3, 4, 7, 16])
def test_workers_together_never_get_more_threads_than_the_cores(monkeypatch, n_cores):
    cores(monkeypatch, *range(n_cores))
    for workers in range(1, n_cores + 1):
        each = model_threads(workers=workers)
        assert each >= 1 and each * workers <= n_cores
    assert model_threads(workers=n_cores + 3) == 1  # more workers than cores: the least, one each
    assert model_threads(4, workers=2) == 2  # --threads is the total the workers share


@pytest.fixture
def lightgbm_threads(monkeypatch) -> list:
    """The threads of every LightGBM prediction (``num_threads``; through the package or, as design scores,
    through its C library) and training (``n_jobs``) from now on."""
    seen: list = []
    predict, fit, predict_capi = lightgbm.Booster.predict, lightgbm.LGBMModel.fit, TextBooster.predict

    def spy_predict(self, data, *args, **kwargs):
        seen.append(kwargs.get("num_threads"))
        return predict(self, data, *args, **kwargs)

    def spy_predict_capi(self, matrix, num_threads=1):
        seen.append(num_threads)
        return predict_capi(self, matrix, num_threads)

    def spy_fit(self, *args, **kwargs):
        seen.append(self.n_jobs)
        return fit(self, *args, **kwargs)

    monkeypatch.setattr(lightgbm.Booster, "predict", spy_predict)
    monkeypatch.setattr(TextBooster, "predict", spy_predict_capi)
    monkeypatch.setattr(lightgbm.LGBMModel, "fit", spy_fit)
    return seen


def run(*args: str) -> None:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output


def test_predict_and_evaluate_run_the_saved_model_on_the_callers_threads(tmp_path, monkeypatch, lightgbm_threads):
    # the shipped 'default' model was saved with 2 threads: the caller's value wins
    run("sirna", "predict", "--model", "default", "--data", EXAMPLE, "--no-cache", "--threads", "1",
        "-o", str(tmp_path / "p.csv"))
    assert lightgbm_threads and set(lightgbm_threads) == {1}
    lightgbm_threads.clear()
    cores(monkeypatch, 0, 1, 2)
    run("sirna", "evaluate", "--model", "default", "--data", EXAMPLE, "--no-cache", "--json")
    assert lightgbm_threads and set(lightgbm_threads) == {3}  # default: the cores available


def test_train_defaults_to_the_available_cores(tmp_path, monkeypatch, lightgbm_threads):
    cores(monkeypatch, 4)
    run("sirna", "train", "--data", EXAMPLE, "--model", "lgbm", "--cv", "none", "--no-cache",
        "--groups", "composition,conditions", "--out", str(tmp_path / "run"))
    assert lightgbm_threads and set(lightgbm_threads) == {1}


def test_design_scores_on_the_threads_asked_for(tmp_path, lightgbm_threads):
    run("sirna", "design", "--example", "--threads", "3", "-o", str(tmp_path / "d"))  # 'unmodified' was saved with 1
    assert lightgbm_threads and set(lightgbm_threads) == {3}


@pytest.mark.parametrize("command", [["sirna", "train"], ["sirna", "predict"], ["sirna", "evaluate"],
                                     ["sirna", "design"], ["graph", "plot"]])
def test_every_command_that_trains_or_predicts_offers_threads(command):
    result = runner.invoke(app, [*command, "--help"])
    text = re.sub(r"[│\s]+", " ", result.output)  # the help as one line, without rich's box
    assert result.exit_code == 0 and "--threads" in text
    assert f"(default: the cores available to this process, {available_cores()} here)" in text
