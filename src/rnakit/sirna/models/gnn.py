"""``gnn``: a heterogeneous graph network over siRNAs, their target mRNAs and each measured pair.

In the spirit of GNN4siRNA (La Rosa et al. 2022) and siRNADiscovery (2024): three kinds of node —
an **siRNA** node per distinct guide (k-mer frequencies of the guide, k = 1–3, and the mean of its
rows' standardised ``thermo`` features: duplex stacks, end asymmetry, energies), an **mRNA** node per
distinct target (k-mer frequencies of the transcript, else of the row's context, k = 1–4) and a
**pair** node per row carrying the row's feature vector (thermodynamics, site, chemistry,
conditions; standardised as in ``seqnet``). Pair nodes are joined to their siRNA and their mRNA.
Two rounds of GraphSAGE-style message passing (mean of neighbours beside a node's own state) let a
pair see the other pairs of its siRNA and of its mRNA; a head reads the pair node.

mRNA nodes carry sequence, never identity, so the model applies to genes it has never seen: a
prediction graph is built from the rows being predicted alone (inductive), and labels are never
node features. Loss, early stopping on the competition score of a grouped validation split, and
the final shift are those of ``seqnet``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch_geometric.utils import scatter

from rnakit.errors import InputFormatError
from rnakit.seq.alphabet import normalise_rna
from rnakit.seq.composition import kmer_counts
from rnakit.sirna.models.torch_regressor import TorchRegressor

STEM = "gnn"
SIRNA_KS = (1, 2, 3)
MRNA_KS = (1, 2, 3, 4)
def kmer_frequencies(sequence: str, ks: tuple[int, ...]) -> np.ndarray:
    """Concatenated k-mer frequencies (each k sums to 1; windows with a non-ACGU letter skipped)."""
    rna = normalise_rna(sequence)
    blocks = [kmer_counts(rna, k).astype(np.float32) for k in ks]
    return np.concatenate([block / max(block.sum(), 1.0) for block in blocks])


@dataclass
class PairGraph:
    """Node features and, per pair, the index of its siRNA and mRNA node."""

    sirna_x: torch.Tensor
    mrna_x: torch.Tensor
    pair_x: torch.Tensor
    pair_sirna: torch.Tensor
    pair_mrna: torch.Tensor


def _node_index(keys: pd.Series) -> tuple[np.ndarray, list[str]]:
    codes, uniques = pd.factorize(keys, sort=False)
    return codes.astype(np.int64), [str(u) for u in uniques]


def build_graph(X: pd.DataFrame, pair_features: np.ndarray, sirna_columns: list[int] | None = None) -> PairGraph:
    """The siRNA–pair–mRNA graph of the rows of ``X`` (guide, transcript or context columns).

    ``sirna_columns``: columns of ``pair_features`` whose mean over an siRNA's rows joins its
    k-mer frequencies (the thermodynamic features, which describe the duplex).
    """
    missing = [c for c in GnnModel.table_columns if c not in X.columns]
    if missing:
        raise InputFormatError(f"gnn needs the column(s) {', '.join(missing)}")
    guides = X["guide"].fillna("").astype(str)
    targets = X["transcript"].where(X["transcript"].notna(), X["context"]).fillna("").astype(str)
    sirna_of_pair, sirnas = _node_index(guides)
    mrna_of_pair, mrnas = _node_index(targets)
    sirna_x = np.stack([kmer_frequencies(s, SIRNA_KS) for s in sirnas])
    if sirna_columns:
        means = scatter(torch.from_numpy(pair_features[:, sirna_columns]), torch.from_numpy(sirna_of_pair), dim=0,
                        dim_size=len(sirnas), reduce="mean")
        sirna_x = np.concatenate([sirna_x, means.numpy()], axis=1)
    mrna_x = np.stack([kmer_frequencies(t, MRNA_KS) for t in mrnas])
    return PairGraph(torch.from_numpy(sirna_x), torch.from_numpy(mrna_x), torch.from_numpy(pair_features),
                     torch.from_numpy(sirna_of_pair), torch.from_numpy(mrna_of_pair))


class _Round(nn.Module):
    """One round: each node type's new state from its own state and the mean of its neighbours'."""

    def __init__(self, hidden: int, dropout: float) -> None:
        super().__init__()
        self.sirna = nn.Linear(2 * hidden, hidden)
        self.mrna = nn.Linear(2 * hidden, hidden)
        self.pair = nn.Linear(3 * hidden, hidden)
        self.dropout = nn.Dropout(dropout)

    def forward(self, s: torch.Tensor, m: torch.Tensor, p: torch.Tensor, graph: PairGraph):
        pairs_of_s = scatter(p, graph.pair_sirna, dim=0, dim_size=len(s), reduce="mean")
        pairs_of_m = scatter(p, graph.pair_mrna, dim=0, dim_size=len(m), reduce="mean")
        new_s = torch.relu(self.sirna(torch.cat([s, pairs_of_s], dim=1)))
        new_m = torch.relu(self.mrna(torch.cat([m, pairs_of_m], dim=1)))
        new_p = torch.relu(self.pair(torch.cat([p, s[graph.pair_sirna], m[graph.pair_mrna]], dim=1)))
        return self.dropout(new_s), self.dropout(new_m), self.dropout(new_p)


class _Network(nn.Module):
    def __init__(self, pair_width: int, sirna_extra: int, hidden: int, rounds: int, dropout: float) -> None:
        super().__init__()
        self.embed_sirna = nn.Linear(sum(4**k for k in SIRNA_KS) + sirna_extra, hidden)
        self.embed_mrna = nn.Linear(sum(4**k for k in MRNA_KS), hidden)
        self.embed_pair = nn.Sequential(nn.Linear(pair_width, hidden), nn.ReLU(), nn.Dropout(dropout))
        self.rounds = nn.ModuleList(_Round(hidden, dropout) for _ in range(rounds))
        self.head = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, graph: PairGraph) -> torch.Tensor:
        s = torch.relu(self.embed_sirna(graph.sirna_x))
        m = torch.relu(self.embed_mrna(graph.mrna_x))
        p = self.embed_pair(graph.pair_x)
        for layer in self.rounds:
            s, m, p = layer(s, m, p, graph)
        return self.head(p).squeeze(1)


class GnnModel(TorchRegressor):
    """Predict % mRNA remaining with a graph network over siRNA, mRNA and pair nodes.

    Every training row is a node of one graph; the loss reads the training pairs, and the
    validation pairs (whole groups, as the outer split) only stop training and set the shift.
    Prediction builds a graph of the rows being predicted alone.
    """

    stem = STEM

    def __init__(self, hidden: int = 64, rounds: int = 2, dropout: float = 0.2, learning_rate: float = 1e-3,
                 weight_decay: float = 1e-4, batch_size: int = 512, max_epochs: int = 60, patience: int = 8,
                 low_weight: float = 2.0, validation_fraction: float = 0.15, calibrate: bool = True,
                 identity_dropout: float = 0.5, n_jobs: int | None = None, random_state: int = 0) -> None:
        self.hidden = hidden
        self.rounds = rounds
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

    def _network(self) -> _Network:
        return _Network(self.inputs_.width, len(self.inputs_.group_columns("thermo")), self.hidden, self.rounds,
                        self.dropout)

    def _inputs(self, X: pd.DataFrame) -> PairGraph:
        return build_graph(X, self.inputs_.transform(X), self.inputs_.group_columns("thermo"))

    def _outputs(self, network: nn.Module, inputs: object, rows: torch.Tensor | None) -> torch.Tensor:
        outputs = network(inputs)  # the whole graph: a pair's state depends on its neighbours
        return outputs if rows is None else outputs[rows]
