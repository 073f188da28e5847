"""Node classifiers on a tiny two-community graph: they learn, and seeded runs repeat exactly."""

from __future__ import annotations

import pytest
import torch
from torch_geometric.data import Data

from rnakit.errors import InputFormatError, ValueRangeError
from rnakit.graph.models import GAT, GCN, RECIPES, GraphSAGE, input_dropout, train_node_classifier

MODELS = ["gcn", "gat", "graphsage"]


def two_communities(nodes: int = 60, features: int = 8, seed: int = 0) -> Data:
    """Dense links inside each community, few across; one feature shifted by 0.5 sd per class
    (weakly informative alone), so the graph carries most of the signal."""
    generator = torch.Generator().manual_seed(seed)
    y = torch.arange(nodes) % 2
    p = torch.where(y[:, None] == y[None, :], 0.3, 0.02)
    upper = torch.triu(torch.rand(nodes, nodes, generator=generator) < p, diagonal=1)
    x = torch.randn(nodes, features, generator=generator)
    x[:, 0] += 0.5 * (2 * y - 1)
    order = torch.arange(nodes)
    return Data(x=x, y=y, edge_index=(upper | upper.T).nonzero().T,
                train_mask=order < nodes // 2, val_mask=(order >= nodes // 2) & (order < 3 * nodes // 4),
                test_mask=order >= 3 * nodes // 4)


@pytest.fixture(scope="module")
def graph() -> Data:
    return two_communities()


@pytest.mark.parametrize("model_name", MODELS)
def test_learns_the_communities_in_a_few_epochs(graph, model_name):
    result = train_node_classifier(model_name, graph, seed=0, epochs=50)
    train_accuracy = (result.predictions[graph.train_mask] == graph.y[graph.train_mask]).float().mean()
    assert train_accuracy > 0.9
    assert result.predictions.shape == (graph.num_nodes,)
    assert 0.0 <= result.test_accuracy <= 1.0 and result.epochs_run == 50


@pytest.mark.parametrize("model_name", MODELS)
def test_seeded_runs_repeat_and_leave_the_global_rng_alone(graph, model_name):
    torch.manual_seed(123)
    before = torch.random.get_rng_state()
    first = train_node_classifier(model_name, graph, seed=7, epochs=15)
    assert torch.equal(torch.random.get_rng_state(), before)
    second = train_node_classifier(model_name, graph, seed=7, epochs=15)
    assert torch.equal(first.predictions, second.predictions)
    assert (first.val_loss, first.best_epoch) == (second.val_loss, second.best_epoch)


def test_selection_never_reads_the_test_mask(graph):
    relabelled = graph.clone()
    relabelled.y = graph.y.clone()
    relabelled.y[graph.test_mask] = 1 - relabelled.y[graph.test_mask]  # only test labels change
    a = train_node_classifier("gcn", graph, seed=1, epochs=30)
    b = train_node_classifier("gcn", relabelled, seed=1, epochs=30)
    assert torch.equal(a.predictions, b.predictions) and a.best_epoch == b.best_epoch
    assert a.test_accuracy + b.test_accuracy == pytest.approx(1.0)


def test_architectures_follow_the_papers():
    gcn, gat, sage = GCN(100, 7), GAT(100, 7), GraphSAGE(100, 7)
    assert (gcn.conv1.out_channels, gcn.dropout) == (16, 0.5)
    assert (gat.conv1.heads, gat.conv1.out_channels, gat.conv1.dropout, gat.dropout) == (8, 8, 0.6, 0.6)
    assert (gat.conv2.heads, gat.conv2.concat, gat.conv2.in_channels) == (1, False, 64)
    assert sage.conv1.aggr == "mean" and sage.conv2.out_channels == 7
    assert (RECIPES["gcn"].lr, RECIPES["gcn"].weight_decay) == (0.01, 5e-4)
    assert (RECIPES["gat"].lr, RECIPES["gat"].weight_decay) == (0.005, 5e-4)
    decays = [group["weight_decay"] for group in gcn.parameter_groups(5e-4)]
    assert decays == [5e-4, 0.0]  # Kipf & Welling: the first layer only


def test_input_dropout_keeps_zeros_and_rescales_kept_entries():
    torch.manual_seed(0)
    x = torch.zeros(200, 50)
    x[:, :10] = 1.0
    out = input_dropout(x, 0.5, training=True)
    assert not out[:, 10:].any()
    assert set(out.unique().tolist()) == {0.0, 2.0}
    assert abs(float((out[:, :10] > 0).float().mean()) - 0.5) < 0.05
    assert input_dropout(x, 0.5, training=False) is x


def test_bad_requests_are_named(graph):
    with pytest.raises(ValueRangeError, match="model_name"):
        train_node_classifier("mlp", graph, seed=0)
    unmasked = Data(x=graph.x, edge_index=graph.edge_index, y=graph.y, train_mask=graph.train_mask)
    with pytest.raises(InputFormatError, match="val_mask"):
        train_node_classifier("gcn", unmasked, seed=0)


def test_gat_drops_neighbour_features_while_training_only():
    from torch_geometric.nn import GATConv

    from rnakit.graph.models import FeatureDropoutGATConv

    torch.manual_seed(0)
    x = torch.randn(5, 3)
    edge_index = torch.tensor([[0, 1, 1, 2, 3, 4, 4], [1, 0, 2, 1, 4, 3, 0]])
    ours, plain = FeatureDropoutGATConv(3, 2, heads=2, dropout=0.5), GATConv(3, 2, heads=2, dropout=0.5)
    plain.load_state_dict(ours.state_dict())
    ours.eval(), plain.eval()
    expected = plain(x, edge_index)
    assert torch.allclose(ours(x, edge_index), expected)
    ours.train()
    assert not torch.allclose(ours(x, edge_index), expected)  # dropout is on while training
    # The message drops the neighbour's features, kept entries scaled by 1/(1-p): expectation kept.
    messages = ours.message(torch.ones(10_000, 2, 2), torch.ones(10_000, 2))
    assert set(messages.unique().tolist()) == {0.0, 2.0}
    assert (messages == 0).float().mean().item() == pytest.approx(0.5, abs=0.02)
