"""siRNA layer: datasets and the canonical table, validation, metrics, splits, training, prediction and
design (:mod:`rnakit.sirna.design`). Names are imported on first use, so ``import rnakit.sirna`` is quick.

    >>> from rnakit.sirna import TrainRequest
    >>> TrainRequest(data="mine.csv", cv="duplex").cli_command()
    'rnakit sirna train --data mine.csv --cv duplex'
"""

from __future__ import annotations

from rnakit.lazy import lazy_exports

_HOMES = {
    "predict": "rnakit.sirna.api",
    "train": "rnakit.sirna.api",
    "load_table": "rnakit.sirna.api",
    "PredictRequest": "rnakit.sirna.requests",
    "TrainRequest": "rnakit.sirna.requests",
    "ColumnOptions": "rnakit.sirna.columns",
    "SplitStrategy": "rnakit.sirna.splits",
    "cross_validate": "rnakit.sirna.training",
    "evaluate": "rnakit.sirna.metrics",
    "validate_table": "rnakit.sirna.validate",
}

__all__ = sorted(_HOMES)
__getattr__, __dir__ = lazy_exports(__name__, _HOMES)
