"""``gnn4sirna``: GNN4siRNA's recipe (La Rosa, Fiannaca et al. 2022) in plain PyTorch, kept as a
faithful reproduction beside rnakit's own ``gnn`` (:mod:`rnakit.sirna.models.gnn`).

GNN4siRNA (github FiannacaA/GNN4siRNA, ``model/GNN4siRNA.py`` and ``params.py``; paper Int J Mol Sci
23:14211) turns every measured siRNA–mRNA pair into an **interaction** node joined to its **siRNA**
node and its **mRNA** node, and regresses efficacy on the interaction node with StellarGraph's
HinSAGE. Its recipe, kept here:

- siRNA node: counts of the 64 3-mers of the siRNA (here the guide as the table writes it).
- mRNA node: counts of the 256 4-mers of the target transcript (the row's context when no transcript).
- interaction node, 22 values: the 18 nearest-neighbour stack ΔGs of guide 1–19 (Xia 1998, the
  ``thermo`` group's ``nn_step_*``, equal to GNN4siRNA's published values), their total with
  GNN4siRNA's end terms, and three RNAup-style values (interaction total, target-site opening, siRNA
  opening). GNN4siRNA ran RNAup on the whole mRNA; here the same three quantities come from the
  ``thermo`` and ``target`` groups: guide–site duplex ΔG (``target_mfe``), site opening
  −RT·ln P(unpaired) from RNAplfold (``site_unpaired``) and guide opening −(guide fold MFE).
  Features are raw, unscaled, as GNN4siRNA feeds them.
- HinSAGE, two mean-aggregator layers of 32 and 16 units (each half self, half the mean over
  neighbour types of the per-type neighbour means), ReLU then linear, dropout 0.15 on every layer
  input, 8 sampled first-hop and 4 second-hop neighbours (with replacement), L2-normalised output,
  one linear unit on top. Adam (the code; the paper's table says Adamax: ``optimizer``), learning
  rate 0.001, mean squared error on efficacy (= 1 − remaining/100), batch 60, 10 epochs, no early
  stopping, no validation split, no calibration.

Training samples neighbourhoods as HinSAGE does; prediction uses full-neighbourhood means (their
expectation) so it is deterministic. GNN4siRNA's graph held the test pairs too (without labels);
here fit sees only training rows, and prediction builds a graph of the predicted rows in which an
mRNA seen in training also pools its training pairs' interaction features (kept with the model as
per-transcript sums), the neighbourhood GNN4siRNA's test pairs had. Labels are never node features.
Where GNN4siRNA wrote the sense strand (its EGFP set) it counted 3-mers and stacks on that strand;
here they are always the guide's.

As published the network underfits: 10 epochs of 53 batches leave training and held-out Pearson
alike near 0.5 (benchmarks/gnn_reproduction.py, with GNN4siRNA's own files and folds too).
``epochs=None`` (ours, not GNN4siRNA's) takes the epoch count of least MSE on an inner split of the
training rows (whole groups to one side), up to ``max_epochs``, then trains all rows that long.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted
from torch import nn
from torch_geometric.utils import scatter

from rnakit.cpu import model_threads
from rnakit.errors import InputFormatError, ValueRangeError
from rnakit.seq.alphabet import normalise_rna
from rnakit.seq.composition import kmer_count_matrix
from rnakit.sirna.features.energy import CORE, NN_COLUMNS
from rnakit.sirna.models.saved import saved_params
from rnakit.sirna.models.torch_io import read_network, save_network, validation_split

log = logging.getLogger(__name__)

STEM = "gnn4sirna"
SIRNA_K, MRNA_K = 3, 4
# GNN4siRNA's helix total: the stacks plus intermolecular initiation and a symmetry term, and 0.45
# for an A at guide position 1 and for a U at position 19 (its preprocessing's own end rule).
INITIATION, SYMMETRY, END_TERM = 4.09, 0.43, 0.45
RT = 0.0019872 * 310.15  # kcal/mol at 37 °C, as RNAup's opening energies
MIN_UNPAIRED = 1e-6  # an opening energy stays finite when RNAplfold gives a site no unpaired probability
STACK_COLUMNS = [f"thermo__{c}" for c in NN_COLUMNS]
DUPLEX, GUIDE_FOLD, SITE_UNPAIRED = "thermo__target_mfe", "thermo__guide_fold_mfe", "target__site_unpaired"
FEATURE_COLUMNS = [*STACK_COLUMNS, DUPLEX, GUIDE_FOLD, SITE_UNPAIRED]
INTERACTION_WIDTH = len(NN_COLUMNS) + 4
OPTIMISERS = {"adam": torch.optim.Adam, "adamax": torch.optim.Adamax}


def kmer_frequencies(sequence: str, ks: tuple[int, ...]) -> np.ndarray:
    """Concatenated k-mer frequencies (each k sums to 1; windows with a non-ACGU letter skipped)."""
    rna = normalise_rna(sequence)
    blocks = [kmer_count_matrix([rna], k)[0].astype(np.float32) for k in ks]
    return np.concatenate([block / max(block.sum(), 1.0) for block in blocks])


def interaction_features(X: pd.DataFrame) -> np.ndarray:
    """The 22 values of each row's interaction node (NaN, e.g. no site found, as 0: no energy known)."""
    stacks = X[STACK_COLUMNS].to_numpy(dtype=np.float64)
    guides = X["guide"].fillna("").astype(str).map(normalise_rna)
    first_a = guides.str[:1].eq("A").to_numpy()
    last_u = guides.map(lambda g: len(g) >= CORE and g[CORE - 1] == "U").to_numpy(dtype=bool)
    total = np.nansum(stacks, axis=1) + INITIATION + SYMMETRY + END_TERM * (first_a + last_u)
    unpaired = X[SITE_UNPAIRED].to_numpy(dtype=np.float64)
    open_site = -RT * np.log(np.clip(unpaired, MIN_UNPAIRED, 1.0))
    open_guide = -X[GUIDE_FOLD].to_numpy(dtype=np.float64)
    duplex = X[DUPLEX].to_numpy(dtype=np.float64)
    rnaup_total = np.nan_to_num(duplex) + np.nan_to_num(open_site) + np.nan_to_num(open_guide)
    values = np.column_stack([stacks, total, rnaup_total, open_site, open_guide])
    return np.nan_to_num(values, nan=0.0).astype(np.float32)


def _sequence_key(sequence: str) -> str:
    return hashlib.sha256(sequence.encode()).hexdigest()


@dataclass
class InteractionGraph:
    """Node features and, per interaction node (one per row), the index of its siRNA and mRNA node."""

    interaction_x: torch.Tensor
    sirna_x: torch.Tensor
    mrna_x: torch.Tensor
    interaction_sirna: torch.Tensor
    interaction_mrna: torch.Tensor
    mrna_keys: list[str]

    def neighbour_means(self, mrna_pool: dict[str, tuple[list[float], float]] | None = None
                        ) -> tuple[torch.Tensor, torch.Tensor]:
        """Full-neighbourhood means of interaction features per siRNA and per mRNA node; an mRNA also
        pools ``mrna_pool[key]`` = (sum, count) of pairs outside this graph (the training pairs)."""
        sums = scatter(self.interaction_x, self.interaction_mrna, dim=0, dim_size=len(self.mrna_x), reduce="sum")
        counts = torch.bincount(self.interaction_mrna, minlength=len(self.mrna_x)).to(sums.dtype)
        for m, key in enumerate(self.mrna_keys):
            if mrna_pool and key in mrna_pool:
                extra_sum, extra_count = mrna_pool[key]
                sums[m] += torch.as_tensor(extra_sum, dtype=sums.dtype)
                counts[m] += extra_count
        mrna_mean = sums / counts.clamp(min=1)[:, None]
        sirna_mean = scatter(self.interaction_x, self.interaction_sirna, dim=0, dim_size=len(self.sirna_x),
                             reduce="mean")
        return sirna_mean, mrna_mean


def build_graph(X: pd.DataFrame) -> InteractionGraph:
    """The siRNA–interaction–mRNA graph of the rows of ``X``: nodes shared by rows with the same guide
    or the same target sequence (transcript, else context)."""
    missing = [c for c in (*Gnn4sirnaModel.table_columns, *FEATURE_COLUMNS) if c not in X.columns]
    if missing:
        raise InputFormatError(f"gnn needs the column(s) {', '.join(missing)} (feature groups thermo and target)")
    guides = X["guide"].fillna("").astype(str).map(normalise_rna)
    targets = X["transcript"].where(X["transcript"].notna(), X["context"]).fillna("").astype(str).map(normalise_rna)
    sirna_of, sirnas = pd.factorize(guides, sort=False)
    mrna_of, mrnas = pd.factorize(targets, sort=False)
    return InteractionGraph(
        torch.from_numpy(interaction_features(X)),
        torch.from_numpy(kmer_count_matrix(list(sirnas), SIRNA_K).astype(np.float32)),
        torch.from_numpy(kmer_count_matrix(list(mrnas), MRNA_K).astype(np.float32)),
        torch.from_numpy(sirna_of.astype(np.int64)), torch.from_numpy(mrna_of.astype(np.int64)),
        [_sequence_key(m) for m in mrnas])


class _MeanHinAggregator(nn.Module):
    """HinSAGE's mean aggregator: [W_self·h_self ‖ mean over neighbour types of W_type·mean(h_type)] + b."""

    def __init__(self, self_width: int, neighbour_widths: list[int], width: int, activate: bool) -> None:
        super().__init__()
        half = width // 2
        self.own = nn.Linear(self_width, half, bias=False)
        self.neighbours = nn.ModuleList(nn.Linear(w, half, bias=False) for w in neighbour_widths)
        self.bias = nn.Parameter(torch.zeros(width))
        self.activate = activate

    def forward(self, own: torch.Tensor, neighbour_means: list[torch.Tensor]) -> torch.Tensor:
        from_neighbours = sum(w(m) for w, m in zip(self.neighbours, neighbour_means)) / len(neighbour_means)
        out = torch.cat([self.own(own), from_neighbours], dim=-1) + self.bias
        return torch.relu(out) if self.activate else out


class _HinSage(nn.Module):
    """Two HinSAGE layers over the 2-hop tree of an interaction node, then one linear unit.

    Inputs keep a samples axis: siRNA/mRNA (batch, n1, width), their interactions (batch, n1, n2,
    width); training passes sampled neighbours, prediction a single full mean per hop.
    """

    def __init__(self, sizes: tuple[int, int], dropout: float) -> None:
        super().__init__()
        first, second = sizes
        sirna_width, mrna_width = 4**SIRNA_K, 4**MRNA_K
        self.interaction1 = _MeanHinAggregator(INTERACTION_WIDTH, [sirna_width, mrna_width], first, True)
        self.sirna1 = _MeanHinAggregator(sirna_width, [INTERACTION_WIDTH], first, True)
        self.mrna1 = _MeanHinAggregator(mrna_width, [INTERACTION_WIDTH], first, True)
        self.interaction2 = _MeanHinAggregator(first, [first, first], second, False)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(second, 1)
        for module in self.modules():  # Keras' defaults: Glorot-uniform kernels, zero biases
            if isinstance(module, nn.Linear):
                nn.init.xavier_uniform_(module.weight)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)

    def forward(self, interaction: torch.Tensor, sirna: torch.Tensor, mrna: torch.Tensor,
                sirna_interactions: torch.Tensor, mrna_interactions: torch.Tensor) -> torch.Tensor:
        d = self.dropout
        h_interaction = self.interaction1(d(interaction), [d(sirna).mean(1), d(mrna).mean(1)])
        h_sirna = self.sirna1(d(sirna), [d(sirna_interactions).mean(2)])
        h_mrna = self.mrna1(d(mrna), [d(mrna_interactions).mean(2)])
        h = self.interaction2(d(h_interaction), [d(h_sirna).mean(1), d(h_mrna).mean(1)])
        return self.head(nn.functional.normalize(h, dim=-1)).squeeze(-1)


class _Sampler:
    """HinSAGE's neighbour sampling on the training graph: uniform, with replacement, seeded."""

    def __init__(self, graph: InteractionGraph, seed: int) -> None:
        self.graph = graph
        self.generator = torch.Generator().manual_seed(seed)
        self.by_sirna = self._neighbours(graph.interaction_sirna, len(graph.sirna_x))
        self.by_mrna = self._neighbours(graph.interaction_mrna, len(graph.mrna_x))

    @staticmethod
    def _neighbours(owner: torch.Tensor, n_nodes: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        order = torch.argsort(owner, stable=True)
        degree = torch.bincount(owner, minlength=n_nodes)
        start = torch.cumsum(degree, 0) - degree
        return order, start, degree

    def _interactions(self, nodes: torch.Tensor, neighbours, n: int) -> torch.Tensor:
        order, start, degree = neighbours
        pick = (torch.rand((*nodes.shape, n), generator=self.generator) * degree[nodes][..., None]).long()
        return self.graph.interaction_x[order[start[nodes][..., None] + pick]]

    def inputs(self, rows: torch.Tensor, samples: tuple[int, int]) -> tuple[torch.Tensor, ...]:
        first, second = samples
        g = self.graph
        # an interaction has one siRNA and one mRNA, so its first-hop samples repeat them
        sirnas = g.interaction_sirna[rows][:, None].expand(-1, first)
        mrnas = g.interaction_mrna[rows][:, None].expand(-1, first)
        return (g.interaction_x[rows], g.sirna_x[sirnas], g.mrna_x[mrnas],
                self._interactions(sirnas, self.by_sirna, second), self._interactions(mrnas, self.by_mrna, second))


def _full_inputs(graph: InteractionGraph, mrna_pool: dict[str, tuple[list[float], float]] | None
                 ) -> tuple[torch.Tensor, ...]:
    sirna_mean, mrna_mean = graph.neighbour_means(mrna_pool)
    s, m = graph.interaction_sirna, graph.interaction_mrna
    return (graph.interaction_x, graph.sirna_x[s][:, None], graph.mrna_x[m][:, None],
            sirna_mean[s][:, None, None], mrna_mean[m][:, None, None])


def mrna_pool(graph: InteractionGraph) -> dict[str, tuple[list[float], float]]:
    """Per mRNA (sequence hash): the sum of its interaction nodes' features and their count."""
    sums = scatter(graph.interaction_x, graph.interaction_mrna, dim=0, dim_size=len(graph.mrna_x), reduce="sum")
    counts = torch.bincount(graph.interaction_mrna, minlength=len(graph.mrna_x))
    return {key: (sums[m].tolist(), float(counts[m])) for m, key in enumerate(graph.mrna_keys)}


class Gnn4sirnaModel(RegressorMixin, BaseEstimator):
    """Predict % mRNA remaining with GNN4siRNA's HinSAGE over siRNA, mRNA and interaction nodes."""

    uses_features = True
    table_columns: tuple[str, ...] = ("guide", "transcript", "context")
    stem = STEM

    def __init__(self, layer_sizes: tuple[int, int] = (32, 16), hop_samples: tuple[int, int] = (8, 4),
                 dropout: float = 0.15, learning_rate: float = 1e-3, optimizer: str = "adam", batch_size: int = 60,
                 epochs: int | None = 10, max_epochs: int = 200, validation_fraction: float = 0.1,
                 n_jobs: int | None = None, random_state: int = 0) -> None:
        self.layer_sizes = layer_sizes
        self.hop_samples = hop_samples
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.optimizer = optimizer
        self.batch_size = batch_size
        self.epochs = epochs  # None: chosen on an inner split of the training rows (ours, not GNN4siRNA's)
        self.max_epochs = max_epochs
        self.validation_fraction = validation_fraction
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _network(self) -> _HinSage:
        return _HinSage(tuple(self.layer_sizes), self.dropout)

    def fit(self, X: pd.DataFrame, y: np.ndarray, groups: np.ndarray | None = None) -> Gnn4sirnaModel:
        """Fit on ``X`` (feature columns + guide, transcript, context) and % remaining ``y``.

        With ``epochs`` set (GNN4siRNA: 10) every row trains for that many epochs, no validation. With
        ``epochs=None`` the count is the one of least validation MSE (up to ``max_epochs``) on an inner
        split of these rows (whole ``groups`` to one side), then all rows train that long.
        """
        torch.set_num_threads(model_threads(self.n_jobs))
        efficacy = 1.0 - np.asarray(y, dtype=np.float32) / 100.0
        epochs = self.epochs
        if epochs is None:
            train, valid = validation_split(len(efficacy), groups, self.validation_fraction, self.random_state)
            inner = build_graph(X.iloc[train])
            validation = (_full_inputs(build_graph(X.iloc[valid]), mrna_pool(inner)), efficacy[valid])
            curve = self._train(inner, np.arange(len(train)), efficacy[train], self.max_epochs, validation)[1]
            epochs = int(np.argmin(curve)) + 1
            log.info("gnn: %d epochs (inner validation MSE %.4f)", epochs, min(curve))
        graph = build_graph(X)
        self.fit_graph(graph, np.arange(len(efficacy)), efficacy, epochs)
        self.mrna_pool_ = mrna_pool(graph)
        return self

    def fit_graph(self, graph: InteractionGraph, rows: np.ndarray, efficacy: np.ndarray,
                  epochs: int | None = None) -> Gnn4sirnaModel:
        """Train on the interaction nodes ``rows`` of a built graph, ``efficacy`` (fraction silenced) theirs.

        The graph may hold other, unlabelled interaction nodes whose features neighbourhoods sample:
        GNN4siRNA's transductive setting (its test pairs sit in the graph). ``epochs``: else ``self.epochs``.
        """
        torch.set_num_threads(model_threads(self.n_jobs))
        epochs = self.epochs if epochs is None else epochs
        if epochs is None:
            raise ValueRangeError("gnn fit_graph needs a number of epochs")
        self.network_ = self._train(graph, np.asarray(rows), np.asarray(efficacy, dtype=np.float32), epochs)[0]
        self.epochs_, self.mrna_pool_ = int(epochs), {}
        return self

    def predict_graph(self, graph: InteractionGraph) -> np.ndarray:
        """Predicted efficacy (fraction silenced) of every interaction node of a built graph."""
        torch.set_num_threads(model_threads(self.n_jobs))
        with torch.no_grad():
            return self.network_(*_full_inputs(graph, None)).numpy().astype(float)

    def _train(self, graph: InteractionGraph, rows: np.ndarray, efficacy: np.ndarray, epochs: int,
               validation: tuple[tuple[torch.Tensor, ...], np.ndarray] | None = None) -> tuple[_HinSage, list[float]]:
        """(network, validation MSE after each epoch when validation inputs and efficacy are given)."""
        if self.optimizer not in OPTIMISERS:
            raise ValueRangeError(f"gnn optimizer must be one of {', '.join(OPTIMISERS)} (got {self.optimizer!r})")
        torch.manual_seed(self.random_state)
        rows, target = torch.from_numpy(rows.astype(np.int64)), torch.from_numpy(efficacy)
        network = self._network()
        optimiser = OPTIMISERS[self.optimizer](network.parameters(), lr=self.learning_rate)
        sampler = _Sampler(graph, self.random_state)
        order_generator = torch.Generator().manual_seed(self.random_state)
        curve = []
        for _ in range(epochs):
            network.train()
            order = torch.randperm(len(rows), generator=order_generator)
            for start in range(0, len(order), self.batch_size):
                batch = order[start:start + self.batch_size]
                optimiser.zero_grad()
                out = network(*sampler.inputs(rows[batch], tuple(self.hop_samples)))
                nn.functional.mse_loss(out, target[batch]).backward()
                optimiser.step()
            if validation is not None:
                network.eval()
                with torch.no_grad():
                    curve.append(float(nn.functional.mse_loss(network(*validation[0]), torch.from_numpy(validation[1]))))
        network.eval()
        return network, curve

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Predicted % mRNA remaining for each row of ``X``."""
        check_is_fitted(self)
        torch.set_num_threads(model_threads(self.n_jobs))
        inputs = _full_inputs(build_graph(X), self.mrna_pool_)
        self.network_.eval()
        with torch.no_grad():
            efficacy = self.network_(*inputs).numpy().astype(float)
        return 100.0 * (1.0 - efficacy)

    def save(self, folder: Path) -> None:
        """Weights as safetensors; parameters and the training pairs' per-transcript sums as JSON (no pickle)."""
        params = {k: list(v) if isinstance(v, tuple) else v for k, v in self.get_params().items()}
        save_network(folder, self.stem, self.network_,
                     {"params": params, "epochs": self.epochs_, "mrna_pool": self.mrna_pool_})

    @classmethod
    def load(cls, folder: Path) -> Gnn4sirnaModel:
        """Read a model written by :meth:`save`."""
        state, weights = read_network(folder, cls.stem, cls.stem)
        params = saved_params(cls, state["params"])
        for name in ("layer_sizes", "hop_samples"):
            params[name] = tuple(params[name])
        model = cls(**params)
        model.epochs_ = int(state["epochs"])
        model.mrna_pool_ = {key: (list(total), float(count)) for key, (total, count) in state["mrna_pool"].items()}
        model.network_ = model._network()
        model.network_.load_state_dict(weights)
        model.network_.eval()
        return model
