"""What rnakit's PyTorch efficacy models share: inputs, loss, early stopping, shift, saved form.

A subclass says how to build its network, what it reads for some rows (``_inputs``) and how the
network turns that into outputs for chosen rows (``_outputs``). Training is the same for all:
identity columns hidden on a share of rows, a Huber loss on % remaining / 100 with rows measured
below 30 % weighted up, early stopping on the competition score of a validation split grouped like
the outer split, then the constant shift that maximises that score.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted
from torch import nn

from rnakit.cpu import model_threads
from rnakit.sirna.metrics import EFFECTIVE_THRESHOLD, competition_score
from rnakit.sirna.models.calibration import best_shift
from rnakit.sirna.models.encoding import mask_identity
from rnakit.sirna.models.numeric import NumericInputs
from rnakit.sirna.models.saved import saved_params
from rnakit.sirna.models.torch_io import fit_with_early_stopping, read_network, save_network, validation_split

log = logging.getLogger(__name__)

SCALE = 100.0  # the networks see % remaining / 100


class TorchRegressor(RegressorMixin, BaseEstimator):
    """Base of ``seqnet`` and ``gnn``; subclasses list their parameters in ``__init__`` (scikit-learn)."""

    uses_features = True
    table_columns: tuple[str, ...] = ("guide", "transcript", "context")
    stem = ""  # file stem of the saved weights and state, and the model's name in messages

    # set by subclasses' __init__
    learning_rate: float
    weight_decay: float
    batch_size: int
    max_epochs: int
    patience: int
    low_weight: float
    validation_fraction: float
    calibrate: bool
    identity_dropout: float
    stop_on: str = "score"  # what early stopping watches on the validation rows: "score" or "pearson"
    n_jobs: int | None  # None: the cores available to this process (rnakit.cpu)
    random_state: int

    def _network(self) -> nn.Module:
        raise NotImplementedError

    def _inputs(self, X: pd.DataFrame) -> object:
        """What the network reads for the rows of ``X`` (uses ``self.inputs_``)."""
        raise NotImplementedError

    def _outputs(self, network: nn.Module, inputs: object, rows: torch.Tensor | None) -> torch.Tensor:
        """The network's outputs (% remaining / 100) for ``rows`` of ``inputs`` (all when None)."""
        raise NotImplementedError

    def _training_inputs(self, X: pd.DataFrame, y: np.ndarray) -> object:
        """What the network reads for the training rows (a subclass may learn from ``y`` here, out of fold)."""
        return self._inputs(X)

    def _extra_state(self) -> dict:
        """What a subclass learnt in fit besides weights and inputs, saved as JSON."""
        return {}

    def _read_extra_state(self, state: dict) -> None:
        """Restore what :meth:`_extra_state` saved."""

    def fit(self, X: pd.DataFrame, y: np.ndarray, groups: np.ndarray | None = None) -> "TorchRegressor":
        """Fit on ``X`` (feature columns + the table columns) and % remaining ``y``."""
        torch.manual_seed(self.random_state)
        torch.set_num_threads(model_threads(self.n_jobs))
        y = np.asarray(y, dtype=np.float32)
        X = mask_identity(X, self.identity_dropout, self.random_state)
        self.inputs_ = NumericInputs.learn(X)
        inputs = self._training_inputs(X, y)
        train, valid = validation_split(len(y), groups, self.validation_fraction, self.random_state)
        valid_rows = torch.from_numpy(valid)
        network = self._network()
        optimiser = torch.optim.AdamW(network.parameters(), lr=self.learning_rate, weight_decay=self.weight_decay)
        target = torch.from_numpy(y / SCALE)
        weight = torch.from_numpy(np.where(y < EFFECTIVE_THRESHOLD, self.low_weight, 1.0).astype(np.float32))

        def batch_loss(batch: torch.Tensor) -> torch.Tensor:
            losses = nn.functional.huber_loss(self._outputs(network, inputs, batch), target[batch],
                                              reduction="none", delta=0.1)
            return (losses * weight[batch]).sum() / weight[batch].sum()

        def validate(net: nn.Module) -> tuple[float, float]:
            predicted = self._evaluate(net, inputs, valid_rows) * SCALE
            shift = best_shift(y[valid], predicted) if self.calibrate else 0.0
            if self.stop_on == "pearson":
                r = np.corrcoef(y[valid], predicted)[0, 1] if np.ptp(predicted) > 0 else -1.0
                return float(r), shift
            return competition_score(y[valid], predicted + shift), shift

        epochs, score, shift = fit_with_early_stopping(
            network, optimiser, batch_loss, train, validate,
            batch_size=self.batch_size, max_epochs=self.max_epochs, patience=self.patience, seed=self.random_state)
        self.network_, self.shift_, self.epochs_, self.validation_score_ = network, float(shift), epochs, score
        log.info("%s: %d epochs, validation score %.4f, shift %+.1f", self.stem, epochs, score, shift)
        return self

    def _evaluate(self, network: nn.Module, inputs: object, rows: torch.Tensor | None) -> np.ndarray:
        network.eval()
        with torch.no_grad():
            return self._outputs(network, inputs, rows).numpy().astype(float)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Predicted % mRNA remaining for each row of ``X``."""
        check_is_fitted(self)
        torch.set_num_threads(model_threads(self.n_jobs))
        return self._evaluate(self.network_, self._inputs(X), None) * SCALE + self.shift_

    def save(self, folder: Path) -> None:
        """Weights as safetensors; inputs' statistics, levels and parameters as JSON (no pickle)."""
        save_network(folder, self.stem, self.network_, {
            "params": self.get_params(), **self.inputs_.state(), "shift": self.shift_, "epochs": self.epochs_,
            "validation_score": self.validation_score_, **self._extra_state()})

    @classmethod
    def load(cls, folder: Path) -> "TorchRegressor":
        """Read a model written by :meth:`save`."""
        state, weights = read_network(folder, cls.stem, cls.stem)
        model = cls(**saved_params(cls, state["params"]))
        model.inputs_ = NumericInputs(state["features"], state["levels"], state["mean"], state["std"])
        model.shift_ = float(state["shift"])
        model.epochs_, model.validation_score_ = state["epochs"], state["validation_score"]
        model._read_extra_state(state)
        model.network_ = model._network()
        model.network_.load_state_dict(weights)
        model.network_.eval()
        return model
