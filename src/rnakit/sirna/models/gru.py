"""``gru-baseline``: the SAIS 2024 tutorial's GRU model, reproduced as the reference to beat.

Input: the guide as 3-gram tokens read with stride 3, and the guide's modification tokens; one
vocabulary built on the training rows only (unknown tokens → UNK; the tutorial rebuilt it on the
test file). Network: embedding 200 → 3-layer bidirectional GRU (hidden 256, dropout 0.5) run over
each token sequence; the last time step of both runs → linear → % remaining. MSE, Adam 1e-3,
batch 64; early stopping on an inner validation split by the competition score.
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
from rnakit.errors import InputFormatError
from rnakit.seq.tokenize import NGramTokenizer
from rnakit.sirna.metrics import competition_score
from rnakit.sirna.models.saved import saved_params
from rnakit.sirna.models.torch_io import (
    fit_with_early_stopping, predict_in_batches, read_network, save_network, validation_split)

log = logging.getLogger(__name__)

PAD, UNK = "<pad>", "<unk>"
STEM = "gru"  # gru.safetensors + gru.json


class _Network(nn.Module):
    def __init__(self, vocabulary_size: int, embedding: int, hidden: int, layers: int, dropout: float) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocabulary_size, embedding, padding_idx=0)
        self.gru = nn.GRU(embedding, hidden, layers, bidirectional=True, batch_first=True, dropout=dropout)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden * 4, 1)

    def forward(self, sequences: torch.Tensor, modifications: torch.Tensor) -> torch.Tensor:
        last = []
        for tokens in (sequences, modifications):
            output, _ = self.gru(self.embedding(tokens))
            last.append(self.dropout(output[:, -1, :]))
        return self.head(torch.cat(last, dim=1)).squeeze(-1)


class GruBaselineModel(RegressorMixin, BaseEstimator):
    """Reads the ``guide`` and ``guide_mods`` columns of the canonical table."""

    uses_features = False
    table_columns = ("guide", "guide_mods")

    def __init__(self, embedding: int = 200, hidden: int = 256, layers: int = 3, dropout: float = 0.5,
                 learning_rate: float = 1e-3, batch_size: int = 64, max_epochs: int = 30, patience: int = 4,
                 validation_fraction: float = 0.1, n_jobs: int | None = None, random_state: int = 0) -> None:
        self.embedding = embedding
        self.hidden = hidden
        self.layers = layers
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.n_jobs = n_jobs
        self.random_state = random_state

    @staticmethod
    def _tokens(frame: pd.DataFrame) -> tuple[list[list[str]], list[list[str]]]:
        missing = [c for c in GruBaselineModel.table_columns if c not in frame.columns]
        if missing:
            raise InputFormatError(f"gru-baseline needs the column(s) {', '.join(missing)}")
        tokenizer = NGramTokenizer(3, 3)
        sequences = [tokenizer.tokenize(g) for g in frame["guide"]]
        modifications = [list(m) if isinstance(m, tuple) else ["<none>"] for m in frame["guide_mods"]]
        return sequences, modifications

    def _encode(self, token_lists: list[list[str]]) -> torch.Tensor:
        index = {token: i for i, token in enumerate(self.vocabulary_)}
        longest = max(1, max(len(t) for t in token_lists))
        codes = np.zeros((len(token_lists), longest), dtype=np.int64)
        for row, tokens in enumerate(token_lists):
            ids = [index.get(t, 1) for t in tokens]
            codes[row, longest - len(ids):] = ids  # left-pad so the last step is the last token
        return torch.from_numpy(codes)

    def _network(self) -> _Network:
        return _Network(len(self.vocabulary_), self.embedding, self.hidden, self.layers, self.dropout)

    def fit(self, X: pd.DataFrame, y: np.ndarray, groups: np.ndarray | None = None) -> "GruBaselineModel":
        torch.manual_seed(self.random_state)
        torch.set_num_threads(model_threads(self.n_jobs))
        y = np.asarray(y, dtype=np.float32)
        sequences, modifications = self._tokens(X)
        # One vocabulary from the training rows only; index 0 pads, 1 stands for unknown tokens.
        self.vocabulary_ = [PAD, UNK] + sorted({t for ts in sequences + modifications for t in ts})
        seq, mod = self._encode(sequences), self._encode(modifications)
        train, valid = validation_split(len(y), groups, self.validation_fraction, self.random_state)
        network = self._network()
        optimiser = torch.optim.Adam(network.parameters(), lr=self.learning_rate)
        target = torch.from_numpy(y)

        def batch_loss(batch: torch.Tensor) -> torch.Tensor:
            return nn.functional.mse_loss(network(seq[batch], mod[batch]), target[batch])

        def validate(net: nn.Module) -> tuple[float, None]:
            return competition_score(y[valid], predict_in_batches(net, [seq[valid], mod[valid]])), None

        epochs, score, _ = fit_with_early_stopping(
            network, optimiser, batch_loss, train, validate,
            batch_size=self.batch_size, max_epochs=self.max_epochs, patience=self.patience, seed=self.random_state)
        self.network_, self.epochs_, self.validation_score_ = network, epochs, score
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Predicted % mRNA remaining for each row of ``X``."""
        check_is_fitted(self)
        sequences, modifications = self._tokens(X)
        torch.set_num_threads(model_threads(self.n_jobs))
        return predict_in_batches(self.network_, [self._encode(sequences), self._encode(modifications)]).astype(float)

    def save(self, folder: Path) -> None:
        """Weights as safetensors, vocabulary and parameters as JSON (no pickle)."""
        save_network(folder, STEM, self.network_, {
            "params": self.get_params(), "vocabulary": self.vocabulary_, "epochs": self.epochs_,
            "validation_score": self.validation_score_})

    @classmethod
    def load(cls, folder: Path) -> "GruBaselineModel":
        """Read a model written by :meth:`save`."""
        state, weights = read_network(folder, STEM, "gru-baseline")
        model = cls(**saved_params(cls, state["params"]))
        model.vocabulary_, model.epochs_, model.validation_score_ = state["vocabulary"], state["epochs"], state["validation_score"]
        model.network_ = model._network()
        model.network_.load_state_dict(weights)
        model.network_.eval()
        return model
