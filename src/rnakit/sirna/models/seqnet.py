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

import numpy as np
import pandas as pd
import torch
from torch import nn

from rnakit.errors import InputFormatError
from rnakit.sirna.features.chemistry import CLASS_NAMES, POSITIONS
from rnakit.sirna.features.registry import SEPARATOR
from rnakit.sirna.features.site import SITE_LENGTH, locate_rows, target_sequences
from rnakit.sirna.models.torch_io import predict_in_batches
from rnakit.sirna.models.torch_regressor import TorchRegressor

STEM = "seqnet"  # seqnet.safetensors + seqnet.json
BASES = "ACGU"
CONTEXT_FLANK = 20
CONTEXT_LENGTH = SITE_LENGTH + 2 * CONTEXT_FLANK
STRAND_CHANNELS = len(BASES) + len(CLASS_NAMES)


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


class SeqNetModel(TorchRegressor):
    """Predict % mRNA remaining from the feature matrix plus the table's guide and target columns."""

    stem = STEM

    def __init__(self, width: int = 32, hidden: int = 128, dropout: float = 0.2, learning_rate: float = 1e-3,
                 weight_decay: float = 1e-4, batch_size: int = 128, max_epochs: int = 30, patience: int = 5,
                 low_weight: float = 2.0, validation_fraction: float = 0.15, calibrate: bool = True,
                 identity_dropout: float = 0.5, n_jobs: int | None = None, random_state: int = 0) -> None:
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
        self.n_jobs = n_jobs
        self.random_state = random_state

    # -- inputs ---------------------------------------------------------------------------------
    def _strand_map(self, X: pd.DataFrame, strand: str) -> np.ndarray:
        present = set(X.columns)
        out = np.zeros((len(X), POSITIONS, STRAND_CHANNELS), dtype=np.float32)
        for p, names in enumerate(strand_channel_columns(strand)):
            for c, name in enumerate(names):
                if name in present:
                    out[:, p, c] = np.nan_to_num(pd.to_numeric(X[name], errors="coerce").to_numpy(dtype=np.float32))
        return out

    def _inputs(self, X: pd.DataFrame) -> list[torch.Tensor]:
        missing = [c for c in self.table_columns if c not in X.columns]
        if missing:
            raise InputFormatError(f"seqnet needs the column(s) {', '.join(missing)}")
        arrays = [self._strand_map(X, "guide"), self._strand_map(X, "passenger"),
                  one_hot_windows(context_windows(X)), self.inputs_.transform(X)]
        return [torch.from_numpy(a) for a in arrays]

    # -- what the shared training reads -------------------------------------------------------------
    def _network(self) -> _Network:
        return _Network(self.inputs_.width, self.width, self.hidden, self.dropout)

    def _outputs(self, network: nn.Module, inputs: object, rows: torch.Tensor | None) -> torch.Tensor:
        tensors = inputs if rows is None else [t[rows] for t in inputs]  # type: ignore[union-attr]
        if network.training:
            return network(*tensors)
        return torch.from_numpy(predict_in_batches(network, tensors))  # bounded memory on large tables
