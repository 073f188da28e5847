"""Ego-network plot: the neighbourhood by hand, statuses, and a PNG on disk."""

from __future__ import annotations

import numpy as np
import pytest

from rnakit.errors import ValueRangeError
from rnakit.graph.plot import ego_nodes, node_status, plot_ego_network

# a path 0–1–2–3–4 plus 1–5, both directions as in PyG
EDGES = [(0, 1), (1, 2), (2, 3), (3, 4), (1, 5)]
EDGE_INDEX = np.array([[a for a, b in EDGES] + [b for a, b in EDGES], [b for a, b in EDGES] + [a for a, b in EDGES]])


def test_ego_nodes_by_hand():
    assert ego_nodes(EDGE_INDEX, 0, 1, 6).tolist() == [0, 1]
    assert ego_nodes(EDGE_INDEX, 0, 2, 6).tolist() == [0, 1, 2, 5]
    assert ego_nodes(EDGE_INDEX, 2, 2, 6).tolist() == [0, 1, 2, 3, 4, 5]
    with pytest.raises(ValueRangeError, match="node 6 is outside 0–5"):
        ego_nodes(EDGE_INDEX, 6, 1, 6)
    with pytest.raises(ValueRangeError, match="hops 0"):
        ego_nodes(EDGE_INDEX, 0, 0, 6)


def test_status_and_png(tmp_path):
    labels = np.array([0, 1, 1, 0, 0, 1])
    predicted = np.array([0, 0, 1, 0, 1, 1])
    test_mask = np.array([True, True, True, False, False, False])
    status = node_status(predicted, labels, test_mask)
    assert status.tolist() == ["correct", "wrong", "correct", "not test", "not test", "not test"]
    path = tmp_path / "ego.png"
    counts = plot_ego_network(EDGE_INDEX, status, 0, 2, path)
    assert counts == {"correct": 2, "wrong": 1, "not test": 1}  # nodes 0, 1, 2, 5
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
