"""Graph convolution as message passing: H' = Â·H, written out so each step can be checked by hand.

A graph is either a dense adjacency matrix A (N × N, numpy or torch; ``A[i, j]`` is the weight with
which node i receives from node j) or a PyG ``edge_index`` (2 × E integer tensor of source, target
pairs, PyG's ``source_to_target`` flow). Both become one weighted edge list, so the dense and sparse
inputs share a single code path and give the same numbers.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import torch
from torch import Tensor
from torch_geometric.nn import MessagePassing
from torch_geometric.nn.dense.linear import Linear

from rnakit.errors import MismatchError, ValueRangeError

Normalisation = Literal["sym", "mean"] | None
NORMALISATIONS = (None, "sym", "mean")


def aggregate_neighbours(
    adjacency: np.ndarray | Tensor,
    features: np.ndarray | Tensor,
    *,
    self_loops: bool = False,
    normalise: Normalisation = None,
) -> np.ndarray | Tensor:
    """Sum each node's neighbour features, H' = Â·H, the propagation step of every graph convolution.

    Â is A (``normalise=None``), A + I (``self_loops=True``), D^-1/2 Â D^-1/2 (``"sym"``, Kipf &
    Welling's GCN) or D^-1 Â (``"mean"``, row-normalised: the neighbour average of GraphSAGE), with
    D the row sums of Â (a node's in-degree). ``adjacency`` is an N × N matrix with N = len(features)
    or a 2 × E integer ``edge_index``; a square N × N input is always read as a matrix (only a
    two-node graph with two edges could be either). ``features`` is N × F; the result has the same
    shape and kind (numpy in, numpy out), in floating point.
    """
    if normalise not in NORMALISATIONS:
        raise ValueRangeError(f"unknown normalisation {normalise!r}; expected None, 'sym' or 'mean'", column="normalise")
    as_numpy = isinstance(features, np.ndarray)
    h = torch.as_tensor(features)
    if not h.is_floating_point():
        h = h.to(torch.get_default_dtype())
    if h.dim() == 1:
        raise MismatchError(f"features must be N × F, got shape {tuple(h.shape)}", column="features")
    edge_index, edge_weight = _edges(adjacency, h.size(0), h.dtype)
    edge_index, edge_weight = normalise_edges(edge_index, h.size(0), edge_weight=edge_weight,
                                              self_loops=self_loops, normalise=normalise)
    source, target = edge_index
    out = h.new_zeros(h.shape).index_add_(0, target, edge_weight.unsqueeze(-1) * h[source])
    return out.numpy() if as_numpy else out


def normalise_edges(
    edge_index: Tensor,
    num_nodes: int,
    *,
    edge_weight: Tensor | None = None,
    self_loops: bool = False,
    normalise: Normalisation = None,
) -> tuple[Tensor, Tensor]:
    """The edge list and weights of Â (see ``aggregate_neighbours``); degrees are taken at the target.

    Self-loops are added as A + I (weight 1 on top of any loop already present), as in the formula.
    Isolated nodes (degree 0) get weight 0 rather than a division by zero.
    """
    if normalise not in NORMALISATIONS:
        raise ValueRangeError(f"unknown normalisation {normalise!r}; expected None, 'sym' or 'mean'", column="normalise")
    if edge_weight is None:
        edge_weight = torch.ones(edge_index.size(1))
    if self_loops:
        loops = torch.arange(num_nodes, device=edge_index.device).repeat(2, 1)
        edge_index = torch.cat([edge_index, loops], dim=1)
        edge_weight = torch.cat([edge_weight, edge_weight.new_ones(num_nodes)])
    if normalise is None:
        return edge_index, edge_weight
    source, target = edge_index
    degree = edge_weight.new_zeros(num_nodes).index_add_(0, target, edge_weight)
    if normalise == "sym":
        scale = degree.pow(-0.5).masked_fill(degree == 0, 0.0)
        return edge_index, scale[source] * edge_weight * scale[target]
    inverse = degree.reciprocal().masked_fill(degree == 0, 0.0)
    return edge_index, edge_weight * inverse[target]


def _edges(adjacency: np.ndarray | Tensor, num_nodes: int, dtype: torch.dtype) -> tuple[Tensor, Tensor]:
    """A dense matrix or an edge_index as (edge_index, weights); matrix entry A[i, j] is edge j → i."""
    a = torch.as_tensor(adjacency)
    if a.dim() == 2 and tuple(a.shape) == (num_nodes, num_nodes):
        target, source = a.nonzero(as_tuple=True)
        return torch.stack([source, target]), a[target, source].to(dtype)
    if a.dim() == 2 and a.size(0) == 2 and not a.is_floating_point():
        if a.numel() and (a.min() < 0 or a.max() >= num_nodes):
            raise MismatchError(f"edge_index refers to nodes outside 0..{num_nodes - 1} (features have {num_nodes} rows)",
                                column="adjacency")
        return a.long(), torch.ones(a.size(1), dtype=dtype)
    raise MismatchError(f"adjacency must be an N × N matrix or a 2 × E integer edge_index with N = {num_nodes} "
                        f"feature rows, got shape {tuple(a.shape)}", column="adjacency")


class GCNLayer(MessagePassing):
    """One GCN layer, H' = D^-1/2 (A + I) D^-1/2 · H W + b (Kipf & Welling 2017), spelled out.

    It gives PyG's ``GCNConv`` numbers with the same weights (``lin.weight``, ``bias``) on graphs
    without self-loops; where a loop already exists GCNConv resets its weight to 1, this layer adds
    1 as the formula says. Kept for reading and testing: the models use ``GCNConv``.
    """

    def __init__(self, in_channels: int, out_channels: int, bias: bool = True) -> None:
        super().__init__(aggr="add")
        self.lin = Linear(in_channels, out_channels, bias=False, weight_initializer="glorot")
        self.bias = torch.nn.Parameter(torch.zeros(out_channels)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.lin.reset_parameters()
        if self.bias is not None:
            torch.nn.init.zeros_(self.bias)

    def forward(self, x: Tensor, edge_index: Tensor) -> Tensor:
        edge_index, edge_weight = normalise_edges(edge_index, x.size(0), self_loops=True, normalise="sym")
        out = self.propagate(edge_index, x=self.lin(x), edge_weight=edge_weight)
        return out if self.bias is None else out + self.bias

    def message(self, x_j: Tensor, edge_weight: Tensor) -> Tensor:
        """What node j sends along edge j → i: its transformed features scaled by the edge weight."""
        return edge_weight.unsqueeze(-1) * x_j

    def aggregate(self, inputs: Tensor, index: Tensor, dim_size: int | None = None) -> Tensor:
        """Each target node sums the messages it receives."""
        return inputs.new_zeros(dim_size, inputs.size(-1)).index_add_(0, index, inputs)
