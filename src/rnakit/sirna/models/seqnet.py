"""``seqnet``: a PyTorch network reading both strands, their chemistry, the target site and the features.

Inputs, per row:
- each strand as a (23 positions × 9 channels) map: the base (A, C, G, U) from the ``position``
  feature group and the sugar class (unmodified, 2'-OMe, 2'-F, DNA, other) from ``modifications``;
- the target around the site, ``CONTEXT_FLANK`` nt either side of the 19-nt site, one-hot (found in
  the row's transcript, else its context window; all zero when neither holds the site);
- every other feature column (standardised with training statistics; categories one-hot with
  training levels only, an unseen level all zero; gene and publication hidden on a share of the
  training rows, as in ``lgbm``).

Each map goes through a small convolution and a bidirectional GRU (order matters: guide position 1
is not position 19); the feature vector through a two-layer MLP; a head joins them. The loss is a
Huber loss with rows measured below 30 % weighted up, and early stopping watches the competition
score on a validation split grouped like the outer split. The predictions are then shifted by
the constant that maximises the competition score on that validation split, as in ``lgbm``.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator, RegressorMixin
from torch import nn

from rnakit.errors import InputFormatError
from rnakit.sirna.features.chemistry import CLASS_NAMES, POSITIONS
from rnakit.sirna.features.registry import SEPARATOR
from rnakit.sirna.features.site import SITE_LENGTH, locate_rows, target_sequences
from rnakit.sirna.metrics import EFFECTIVE_THRESHOLD, competition_score
from rnakit.sirna.models.calibration import best_shift
from rnakit.sirna.models.encoding import encode, learn_levels, mask_identity
from rnakit.sirna.models.torch_io import (
    fit_with_early_stopping, predict_in_batches, read_network, save_network, validation_split)

log = logging.getLogger(__name__)

STEM = "seqnet"  # seqnet.safetensors + seqnet.json
BASES = "ACGU"
CONTEXT_FLANK = 20
CONTEXT_LENGTH = SITE_LENGTH + 2 * CONTEXT_FLANK
STRAND_CHANNELS = len(BASES) + len(CLASS_NAMES)
SCALE = 100.0  # the network sees % remaining / 100


def strand_channel_columns(strand: str) -> list[list[str]]:
    """Feature columns of each (position, channel) of a strand map, position-major."""
    return [
        [f"position{SEPARATOR}{strand}_p{p}_{b}" for b in BASES]
        + [f"modifications{SEPARATOR}{strand}_p{p}_{c}" for c in CLASS_NAMES]
        for p in range(1, POSITIONS + 1)
    ]


def context_windows(table: pd.DataFrame) -> list[str | None]:
    """The target from CONTEXT_FLANK nt before the site to CONTEXT_FLANK nt after it, padded with N."""
    sites = locate_rows(table)
    windows: list[str | None] = []
    for reference, position in zip(target_sequences(table), sites["position"]):
        if not isinstance(reference, str) or np.isnan(position):
            windows.append(None)
            continue
        start = int(position) - CONTEXT_FLANK
        window = reference[max(0, start): start + CONTEXT_LENGTH]
        window = "N" * max(0, -start) + window
        windows.append(window + "N" * (CONTEXT_LENGTH - len(window)))
    return windows


def one_hot_windows(windows: list[str | None]) -> np.ndarray:
    """(rows, CONTEXT_LENGTH, 4) one-hot; N, other letters and missing windows are zero."""
    codes = np.full(256, -1, dtype=np.int64)
    for i, base in enumerate(BASES):
        codes[ord(base)] = i
    out = np.zeros((len(windows), CONTEXT_LENGTH, len(BASES)), dtype=np.float32)
    for row, window in enumerate(windows):
        if window is None:
            continue
        index = codes[np.frombuffer(window.encode("ascii", "replace"), dtype=np.uint8)]
        present = index >= 0
        out[row, np.flatnonzero(present), index[present]] = 1.0
    return out


class _SequenceEncoder(nn.Module):
    """Convolution then a bidirectional GRU over a (batch, length, channels) map → a vector."""

    def __init__(self, channels: int, width: int) -> None:
        super().__init__()
        self.conv = nn.Sequential(nn.Conv1d(channels, width, 3, padding=1), nn.ReLU(),
                                  nn.Conv1d(width, width, 3, padding=1), nn.ReLU())
        self.gru = nn.GRU(width, width // 2, batch_first=True, bidirectional=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv(x.transpose(1, 2)).transpose(1, 2)
        _, last = self.gru(h)  # (2, batch, width/2): the final state of each direction
        return torch.cat([last[0], last[1], h.max(dim=1).values], dim=1)


class _Network(nn.Module):
    def __init__(self, n_numeric: int, width: int, hidden: int, dropout: float) -> None:
        super().__init__()
        self.guide = _SequenceEncoder(STRAND_CHANNELS, width)
        self.passenger = _SequenceEncoder(STRAND_CHANNELS, width)
        self.context = _SequenceEncoder(len(BASES), width)
        self.numeric = nn.Sequential(nn.Linear(n_numeric, hidden), nn.ReLU(), nn.Dropout(dropout),
                                     nn.Linear(hidden, hidden // 2), nn.ReLU())
        self.head = nn.Sequential(nn.Linear(3 * 2 * width + hidden // 2, hidden), nn.ReLU(), nn.Dropout(dropout),
                                  nn.Linear(hidden, 1))

    def forward(self, guide: torch.Tensor, passenger: torch.Tensor, context: torch.Tensor,
                numeric: torch.Tensor) -> torch.Tensor:
        joined = torch.cat([self.guide(guide), self.passenger(passenger), self.context(context),
                            self.numeric(numeric)], dim=1)
        return self.head(joined).squeeze(-1)


class SeqNetModel(RegressorMixin, BaseEstimator):
    """Predict % mRNA remaining from the feature matrix plus the table's guide and target columns."""

    uses_features = True
    table_columns = ("guide", "transcript", "context")

    def __init__(self, width: int = 32, hidden: int = 128, dropout: float = 0.2, learning_rate: float = 1e-3,
                 weight_decay: float = 1e-4, batch_size: int = 128, max_epochs: int = 30, patience: int = 5,
                 low_weight: float = 2.0, validation_fraction: float = 0.15, calibrate: bool = True,
                 identity_dropout: float = 0.5, threads: int = 2, seed: int = 0) -> None:
        self.width = width
        self.hidden = hidden
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.patience = patience
        self.low_weight = low_weight
        self.validation_fraction = validation_fraction
        self.calibrate = calibrate
        self.identity_dropout = identity_dropout
        self.threads = threads
        self.seed = seed

    # -- inputs ---------------------------------------------------------------------------------
    def _learn_inputs(self, X: pd.DataFrame) -> None:
        self.features_ = [c for c in X.columns if SEPARATOR in c]
        self.levels_ = learn_levels(X[self.features_])
        matrix = encode(X, self.features_, self.levels_)
        numeric = matrix[:, [i for i, c in enumerate(self.features_) if c not in self.levels_]]
        # Statistics over the measured values only; an all-missing column gets mean 0, sd 1.
        present = ~np.isnan(numeric)
        count = np.maximum(present.sum(axis=0), 1)
        mean = np.where(present, numeric, 0.0).sum(axis=0) / count
        std = np.sqrt((np.where(present, numeric - mean, 0.0) ** 2).sum(axis=0) / count)
        self.mean_ = mean.tolist()
        self.std_ = np.where(std > 0, std, 1.0).tolist()

    def _numeric_inputs(self, X: pd.DataFrame) -> np.ndarray:
        matrix = encode(X, self.features_, self.levels_)
        numeric = [i for i, c in enumerate(self.features_) if c not in self.levels_]
        blocks = [np.nan_to_num((matrix[:, numeric] - np.asarray(self.mean_)) / np.asarray(self.std_))]
        for i, name in enumerate(self.features_):
            if name in self.levels_:  # one-hot of the training levels; unseen or missing → all zero
                codes = matrix[:, i]
                block = np.zeros((len(X), len(self.levels_[name])), dtype=np.float32)
                known = ~np.isnan(codes)
                block[np.flatnonzero(known), codes[known].astype(int)] = 1.0
                blocks.append(block)
        return np.concatenate(blocks, axis=1).astype(np.float32)

    def _strand_map(self, X: pd.DataFrame, strand: str) -> np.ndarray:
        present = set(X.columns)
        out = np.zeros((len(X), POSITIONS, STRAND_CHANNELS), dtype=np.float32)
        for p, names in enumerate(strand_channel_columns(strand)):
            for c, name in enumerate(names):
                if name in present:
                    out[:, p, c] = np.nan_to_num(pd.to_numeric(X[name], errors="coerce").to_numpy(dtype=np.float32))
        return out

    def _tensors(self, X: pd.DataFrame) -> list[torch.Tensor]:
        missing = [c for c in self.table_columns if c not in X.columns]
        if missing:
            raise InputFormatError(f"seqnet needs the column(s) {', '.join(missing)}")
        arrays = [self._strand_map(X, "guide"), self._strand_map(X, "passenger"),
                  one_hot_windows(context_windows(X)), self._numeric_inputs(X)]
        return [torch.from_numpy(a) for a in arrays]

    # -- training -------------------------------------------------------------------------------
    def _network(self) -> _Network:
        n_numeric = len(self.mean_) + sum(len(v) for v in self.levels_.values())
        return _Network(n_numeric, self.width, self.hidden, self.dropout)

    def fit(self, X: pd.DataFrame, y: np.ndarray, groups: np.ndarray | None = None) -> "SeqNetModel":
        """Fit on ``X`` (feature columns + guide/transcript/context) and % remaining ``y``."""
        torch.manual_seed(self.seed)
        torch.set_num_threads(self.threads)
        y = np.asarray(y, dtype=np.float32)
        X = mask_identity(X, self.identity_dropout, self.seed)
        self._learn_inputs(X)
        tensors = self._tensors(X)
        train, valid = validation_split(len(y), groups, self.validation_fraction, self.seed)
        network = self._network()
        optimiser = torch.optim.AdamW(network.parameters(), lr=self.learning_rate, weight_decay=self.weight_decay)
        target = torch.from_numpy(y / SCALE)
        weight = torch.from_numpy(np.where(y < EFFECTIVE_THRESHOLD, self.low_weight, 1.0).astype(np.float32))
        valid_tensors = [t[valid] for t in tensors]

        def batch_loss(batch: torch.Tensor) -> torch.Tensor:
            losses = nn.functional.huber_loss(network(*[t[batch] for t in tensors]), target[batch],
                                              reduction="none", delta=0.1)
            return (losses * weight[batch]).sum() / weight[batch].sum()

        def validate(net: nn.Module) -> tuple[float, float]:
            predicted = predict_in_batches(net, valid_tensors) * SCALE
            shift = best_shift(y[valid], predicted) if self.calibrate else 0.0
            return competition_score(y[valid], predicted + shift), shift

        epochs, score, shift = fit_with_early_stopping(
            network, optimiser, batch_loss, train, validate,
            batch_size=self.batch_size, max_epochs=self.max_epochs, patience=self.patience, seed=self.seed)
        self.network_, self.shift_, self.epochs_, self.validation_score_ = network, float(shift), epochs, score
        log.info("seqnet: %d epochs, validation score %.4f, shift %+.1f", epochs, score, shift)
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Predicted % mRNA remaining for each row of ``X``."""
        return predict_in_batches(self.network_, self._tensors(X)).astype(float) * SCALE + self.shift_

    # -- saved form -----------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        """Weights as safetensors; inputs' statistics, levels and parameters as JSON (no pickle)."""
        save_network(folder, STEM, self.network_, {
            "params": self.get_params(), "features": self.features_, "levels": self.levels_, "mean": self.mean_,
            "std": self.std_, "shift": self.shift_, "epochs": self.epochs_, "validation_score": self.validation_score_})

    @classmethod
    def load(cls, folder: Path) -> "SeqNetModel":
        """Read a model written by :meth:`save`."""
        state, weights = read_network(folder, STEM, "seqnet")
        model = cls(**state["params"])
        model.features_, model.levels_ = state["features"], state["levels"]
        model.mean_, model.std_, model.shift_ = state["mean"], state["std"], float(state["shift"])
        model.epochs_, model.validation_score_ = state["epochs"], state["validation_score"]
        model.network_ = model._network()
        model.network_.load_state_dict(weights)
        model.network_.eval()
        return model
