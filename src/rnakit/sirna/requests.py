"""The requests of ``rnakit sirna predict`` and ``rnakit sirna train``, and the experimental conditions'
defaults every siRNA job shares (design, prediction, the web forms).

Light on purpose: the CLI builds its options from these defaults, so nothing heavy is imported until a
request is checked.

    >>> TrainRequest(data="sais_train", model="lgbm", cv="duplex").cli_command()
    'rnakit sirna train --data sais_train --cv duplex'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rnakit.requests import Request
from rnakit.sirna.columns import ColumnOptions

__all__ = ["CELL_LINE", "CONC_NM", "HOURS", "SHIPPED_MODELS", "SPLITS", "PredictRequest", "TrainRequest",
           "check_conditions"]

#: The competition's commonest conditions: what a modified siRNA is predicted under unless told otherwise.
CONC_NM = 10.0
HOURS = 24.0
CELL_LINE = "Hep3B Cells"
#: Models shipped in the package (rnakit.sirna.runs.SHIPPED_MODELS; a test checks they agree).
SHIPPED_MODELS = ("default", "unmodified")
#: Cross-validation splits (rnakit.sirna.splits.SplitStrategy's values) and "none".
SPLITS = ("gene", "duplex", "publication", "group", "random", "none")

_TABLE_FLAGS = {"data": "--data", "no_cache": "--no-cache", "threads": "--threads",
                "data_dir": "--data-dir", "allow_unknown_mods": "--allow-unknown-mods"}


def check_conditions(request: Request, conc_nm: float, hours: float) -> None:
    """Concentration (nM) and hours are finite and ≥ 0 (errors name the fields conc_nm, hours)."""
    from rnakit.sirna.conditions import check_condition_options

    with request.about("conc_nm"):
        check_condition_options(conc_nm, hours, ("conc_nm", "hours"))


def _check_table_options(request: PredictRequest | TrainRequest) -> None:
    if request.data is None:
        raise request.error("give the siRNA table (a file, a dataset name or a DataFrame)", "data")
    if request.threads is not None and request.threads < 1:
        raise request.error(f"{request.threads} must be ≥ 1", "threads")


@dataclass(frozen=True)
class PredictRequest(Request):
    """Predict % mRNA remaining for every row of a table with a shipped model or a training run's folder.

    ``data`` is a CSV/TSV path, a dataset name or a pandas DataFrame (the Python API); ``columns`` say
    which of its columns hold what when it is not a competition file.
    """

    COMMAND = ("sirna", "predict")
    FLAGS = {"model": "--model", "output": "-o", **_TABLE_FLAGS}

    model: str = "default"
    data: Any = None
    columns: ColumnOptions = ColumnOptions()
    output: Path | None = None
    no_cache: bool = False
    threads: int | None = None
    data_dir: Path | None = None
    allow_unknown_mods: bool = False

    def _check(self) -> None:
        if not self.model:
            raise self.error("give a model: default, unmodified or a training run's folder", "model")
        _check_table_options(self)
        if self.model not in SHIPPED_MODELS and not Path(self.model).is_dir():
            raise self.error(f"{self.model!r} is neither a shipped model ({', '.join(SHIPPED_MODELS)}) nor a "
                             "folder written by rnakit sirna train", "model")


@dataclass(frozen=True)
class TrainRequest(Request):
    """Train a model with cross-validation (``cv``; "none" skips it), then a final model on every row."""

    COMMAND = ("sirna", "train")
    FLAGS = {"out": "--out", "model": "--model", "cv": "--cv", "folds": "--folds", "seed": "--seed",
             "groups": "--groups", **_TABLE_FLAGS}

    data: Any = None
    out: Path | None = None
    model: str = "lgbm"
    cv: str = "gene"
    folds: int = 5
    seed: int = 0
    groups: tuple[str, ...] | None = None  # feature groups; None: all
    columns: ColumnOptions = ColumnOptions()
    no_cache: bool = False
    threads: int | None = None
    data_dir: Path | None = None
    allow_unknown_mods: bool = False

    def _check(self) -> None:
        from rnakit.sirna.features import resolve_groups
        from rnakit.sirna.models.registry import MODELS

        _check_table_options(self)
        if self.model not in MODELS:
            raise self.error(f"unknown model {self.model!r} (known: {', '.join(MODELS)})", "model")
        if self.cv not in SPLITS:
            raise self.error(f"unknown split {self.cv!r} (known: {', '.join(SPLITS)})", "cv")
        if self.cv != "none" and self.folds < 2:
            raise self.error(f"{self.folds} folds: cross-validation needs at least 2", "folds")
        with self.about("groups"):
            resolve_groups(self.groups)

    @property
    def strategy(self) -> str | None:
        """The split's name as rnakit.sirna.training takes it (None: no cross-validation)."""
        return None if self.cv == "none" else self.cv
