"""Graph convolution as message passing: the issue's worked example, by hand, and against PyG."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch_geometric.nn import GCNConv

from rnakit.errors import MismatchError, ValueRangeError
from rnakit.graph.conv import GCNLayer, aggregate_neighbours

# The 6-node graph (1-based): rows 1 and 2 of A are [0,1,0,0,1,0] and [1,0,1,0,1,0].
EDGES = [(1, 2), (1, 5), (2, 3), (2, 5), (3, 4), (4, 5), (4, 6)]


@pytest.fixture
def adjacency() -> np.ndarray:
    a = np.zeros((6, 6), dtype=int)
    for i, j in EDGES:
        a[i - 1, j - 1] = a[j - 1, i - 1] = 1
    return a


@pytest.fixture
def features() -> np.ndarray:
    return np.repeat(np.arange(1, 7)[:, None], 3, axis=1)  # node i has features [i, i, i]


def as_edge_index(adjacency: np.ndarray) -> torch.Tensor:
    target, source = np.nonzero(adjacency)
    return torch.tensor(np.stack([source, target]))


def test_worked_example_plain_aggregation(adjacency, features):
    assert (adjacency == adjacency.T).all()
    assert adjacency[0].tolist() == [0, 1, 0, 0, 1, 0]
    assert adjacency[1].tolist() == [1, 0, 1, 0, 1, 0]
    out = aggregate_neighbours(adjacency, features)
    assert isinstance(out, np.ndarray)
    np.testing.assert_allclose(out[0], [7, 7, 7])  # neighbours 2 + 5
    np.testing.assert_allclose(out[1], [9, 9, 9])  # neighbours 1 + 3 + 5
    np.testing.assert_allclose(out, adjacency @ features)


@pytest.mark.parametrize(("self_loops", "normalise", "node_1"), [
    (True, None, 1 + 2 + 5),
    # degrees with self-loops: node 1 → 3, nodes 2 and 5 → 4
    (True, "sym", 1 / 3 + 2 / math.sqrt(3 * 4) + 5 / math.sqrt(3 * 4)),
    (True, "mean", (1 + 2 + 5) / 3),
    (False, "sym", 2 / math.sqrt(2 * 3) + 5 / math.sqrt(2 * 3)),
    (False, "mean", (2 + 5) / 2),
])
def test_worked_example_variants_by_hand(adjacency, features, self_loops, normalise, node_1):
    out = aggregate_neighbours(adjacency, features, self_loops=self_loops, normalise=normalise)
    np.testing.assert_allclose(out[0], [node_1] * 3, rtol=1e-6)


@pytest.mark.parametrize("self_loops", [False, True])
@pytest.mark.parametrize("normalise", [None, "sym", "mean"])
def test_edge_index_matches_dense_and_matrix_formula(adjacency, features, self_loops, normalise):
    dense = aggregate_neighbours(torch.tensor(adjacency, dtype=torch.float64), torch.tensor(features, dtype=torch.float64),
                                 self_loops=self_loops, normalise=normalise)
    sparse = aggregate_neighbours(as_edge_index(adjacency), torch.tensor(features, dtype=torch.float64),
                                  self_loops=self_loops, normalise=normalise)
    assert isinstance(sparse, torch.Tensor)
    torch.testing.assert_close(sparse, dense)
    a = adjacency + np.eye(6) if self_loops else adjacency.astype(float)
    d = a.sum(axis=1)
    expected = {None: a, "sym": a / np.sqrt(np.outer(d, d)), "mean": a / d[:, None]}[normalise] @ features
    np.testing.assert_allclose(dense.numpy(), expected)


def test_edge_index_follows_pyg_flow_source_to_target():
    edge_index = torch.tensor([[0], [1]])  # one edge 0 → 1
    out = aggregate_neighbours(edge_index, torch.tensor([[1.0], [10.0], [100.0]]))
    assert out[:, 0].tolist() == [0.0, 1.0, 0.0]


def test_isolated_node_gets_zero_not_nan():
    out = aggregate_neighbours(np.zeros((3, 3)), np.ones((3, 2)), normalise="sym")
    assert np.array_equal(out, np.zeros((3, 2)))


def test_bad_arguments_name_the_field(adjacency, features):
    with pytest.raises(ValueRangeError, match="normalise"):
        aggregate_neighbours(adjacency, features, normalise="row")
    with pytest.raises(MismatchError, match="adjacency"):
        aggregate_neighbours(adjacency[:5, :5], features)
    with pytest.raises(MismatchError, match="outside"):
        aggregate_neighbours(torch.tensor([[0], [6]]), features)


def test_gcn_layer_equals_pyg_gcnconv_with_the_same_weights():
    torch.manual_seed(0)
    edge_index = torch.randint(0, 20, (2, 60))
    edge_index = edge_index[:, edge_index[0] != edge_index[1]]  # GCNConv treats existing loops differently
    x = torch.randn(20, 5)
    ours, theirs = GCNLayer(5, 4), GCNConv(5, 4)
    with torch.no_grad():
        theirs.lin.weight.copy_(ours.lin.weight)
        ours.bias.copy_(torch.randn(4))
        theirs.bias.copy_(ours.bias)
    torch.testing.assert_close(ours(x, edge_index), theirs(x, edge_index))
    # and it is Â·(X W) + b with Â = D^-1/2 (A + I) D^-1/2
    expected = aggregate_neighbours(edge_index, x @ ours.lin.weight.T, self_loops=True, normalise="sym") + ours.bias
    torch.testing.assert_close(ours(x, edge_index), expected)


def test_gcn_layer_trains():
    edge_index = as_edge_index(np.ones((4, 4)) - np.eye(4))
    layer = GCNLayer(3, 2)
    layer(torch.randn(4, 3), edge_index).sum().backward()
    assert layer.lin.weight.grad is not None and layer.bias.grad is not None
