"""The siRNA jobs as Python functions: ``rnakit.design``, ``rnakit.predict``, ``rnakit.train`` and
``rnakit.load_table`` (re-exported at the top level). Each fills the job's request and calls what the
CLI and the web app call, so the three give the same answer; tables have the CLI's column names.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pandas as pd

from rnakit.sirna.columns import ColumnOptions
from rnakit.sirna.design.request import DesignRequest
from rnakit.sirna.requests import PredictRequest, TrainRequest

__all__ = ["design", "load_table", "predict", "train"]


def _is_path(value: Any) -> bool:
    """A target named by its file, not given as sequence or FASTA text: a path object, or text that is
    not only letters (a sequence) and does not start with '>' (FASTA), or an existing file's name."""
    if isinstance(value, os.PathLike):
        return True
    if not isinstance(value, str) or value.lstrip().startswith(">"):
        return False
    if not re.fullmatch(r"[A-Za-z\s]+", value):
        return True
    try:
        return Path(value).is_file()
    except OSError:  # a sequence too long to be a file name
        return False


def design(target: Any = None, transcriptome: str | os.PathLike[str] | None = None, **options: Any) -> pd.DataFrame:
    """Design siRNAs for ``target``: a FASTA path, a sequence string, FASTA text, a Biopython
    ``SeqRecord``, or a list of them. ``options`` are :class:`DesignRequest`'s fields (``top=10``,
    ``length="19..21"``, ``pattern="esc-sais"``, ``out="design"`` to also write the CLI's files, from the
    same design, …).

    Returns every candidate with candidates.tsv's columns, ``chosen`` marking the top ones, ``rank``
    their order (with several targets, a first column ``record``)::

        >>> import rnakit
        >>> table = rnakit.design("GGCUCUCUGCUCCUCCUGUUCGACAGUCAGCCGCAUCUUCUUUUGCGUCGCCAGCCGAGCCACAUCG", top=2)  # doctest: +SKIP
        >>> table[table.chosen].sort_values("rank")[["guide", "predicted_remaining_pct"]]  # doctest: +SKIP
    """
    from rnakit.sirna.design import job
    from rnakit.sirna.design.targets import targets_from

    if target is None or _is_path(target):
        request = DesignRequest.from_dict({**options, "target": target, "transcriptome": transcriptome})
        targets = None
    else:
        request = DesignRequest.from_dict({**options, "transcriptome": transcriptome})
        targets = targets_from(target, record=request.record)
    return job.candidates(request, targets)


def load_table(data: str | os.PathLike[str] | pd.DataFrame, *, data_dir: str | os.PathLike[str] | None = None,
               allow_unknown_mods: bool = False, **columns: str) -> pd.DataFrame:
    """The canonical siRNA table of a CSV/TSV file, a dataset name or a DataFrame; ``columns`` name the
    columns of your own table (``guide_col="antisense"``, ``label_col="knockdown"``, ``label_kind=
    "inhibition"``, …: the CLI's ``--guide-col`` etc.); a competition file needs none.

        >>> import pandas as pd, rnakit
        >>> frame = pd.DataFrame({"antisense": ["UUCGAAGUAUUCCGCGUACGU"], "left": [40.0]})
        >>> rnakit.load_table(frame, guide_col="antisense", label_col="left")[["guide", "remaining_pct"]]
                           guide  remaining_pct
        0  UUCGAAGUAUUCCGCGUACGU           40.0
    """
    from rnakit.sirna.tables import load_table as read

    return read(data, ColumnOptions(**columns), data_dir=data_dir, allow_unknown_mods=allow_unknown_mods)


def predict(data: Any, model: str | os.PathLike[str] = "default", **options: Any) -> pd.DataFrame:
    """Predicted % mRNA remaining for every row of ``data`` (a path, a dataset name or a DataFrame, read
    as :func:`load_table` reads it) with a shipped model (``default``: the competition's chemistry;
    ``unmodified``) or a training run's folder; columns ``id`` and ``mRNA_remaining_pct`` as the CLI
    writes them. ``options``: :class:`PredictRequest`'s fields (``threads``, ``guide_col``, …)."""
    from rnakit.sirna import jobs

    return jobs.predict(PredictRequest.from_dict(_with_columns({**options, "data": data, "model": str(model)})))


def train(data: Any, model: str = "lgbm", cv: str = "gene", **options: Any) -> pd.DataFrame:
    """Cross-validate ``model`` on ``data`` with the ``cv`` split and fit it on every row; the out-of-fold
    predictions with oof.csv's columns (``id``, ``fold``, ``measured``, ``predicted``) and the held-out
    metrics in ``attrs["cv"]``. Give ``out="run"`` to keep the run folder (model, report) for
    :func:`predict` (``model="run"``). ``options``: :class:`TrainRequest`'s fields (``folds``, ``seed``,
    ``threads``, ``guide_col``, …)."""
    from rnakit.sirna import jobs

    return jobs.cross_validated(TrainRequest.from_dict(_with_columns({**options, "data": data, "model": model, "cv": cv})))


def _with_columns(options: dict[str, Any]) -> dict[str, Any]:
    """Column options given flat (``guide_col=…``) gathered into the request's ``columns``."""
    names = set(ColumnOptions.__dataclass_fields__)
    columns = {k: options.pop(k) for k in list(options) if k in names}
    if columns:
        options["columns"] = ColumnOptions(**columns)
    return options
