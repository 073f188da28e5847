"""The k-hop ego network around a node, coloured by whether a classifier got each node right.

The classic figure of node-classification papers: which neighbours of a node were test nodes, and
were they classified correctly? Drawn with networkx's spring layout (networkx comes with torch).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rnakit.errors import ValueRangeError
from rnakit.files import atomic_write

STATUS_COLOURS = {"correct": "#2ca02c", "wrong": "#d62728", "not test": "#c7c7c7"}


def ego_nodes(edge_index: np.ndarray, center: int, hops: int, n_nodes: int) -> np.ndarray:
    """Nodes within ``hops`` edges of ``center`` (breadth-first over an undirected edge list), sorted."""
    if not 0 <= center < n_nodes:
        raise ValueRangeError(f"node {center} is outside 0–{n_nodes - 1}", column="node")
    if hops < 1:
        raise ValueRangeError(f"hops {hops} must be ≥ 1", column="hops")
    source, target = np.asarray(edge_index)
    reached = np.zeros(n_nodes, dtype=bool)
    reached[center] = True
    frontier = reached.copy()
    for _ in range(hops):
        step = np.zeros(n_nodes, dtype=bool)
        step[target[frontier[source]]] = True
        step[source[frontier[target]]] = True
        frontier = step & ~reached
        reached |= step
    return np.flatnonzero(reached)


def node_status(predicted: np.ndarray, labels: np.ndarray, test_mask: np.ndarray) -> np.ndarray:
    """Per node: ``correct`` / ``wrong`` on test nodes, ``not test`` elsewhere."""
    status = np.full(len(labels), "not test", dtype=object)
    status[test_mask & (predicted == labels)] = "correct"
    status[test_mask & (predicted != labels)] = "wrong"
    return status


def plot_ego_network(edge_index: np.ndarray, status: np.ndarray, center: int, hops: int, path: Path, *,
                     title: str = "", seed: int = 0) -> dict[str, int]:
    """Draw the ego network of ``center`` to ``path`` (PNG, written atomically); return status counts."""
    import networkx as nx

    from rnakit.report.plots import plt

    nodes = ego_nodes(edge_index, center, hops, len(status))
    inside = np.zeros(len(status), dtype=bool)
    inside[nodes] = True
    source, target = np.asarray(edge_index)
    keep = inside[source] & inside[target] & (source < target)
    graph = nx.Graph()
    graph.add_nodes_from(nodes.tolist())
    graph.add_edges_from(zip(source[keep].tolist(), target[keep].tolist()))
    layout = nx.spring_layout(graph, seed=seed)
    figure, axes = plt.subplots(figsize=(7, 7))
    nx.draw_networkx_edges(graph, layout, ax=axes, alpha=0.3)
    for label, colour in STATUS_COLOURS.items():
        members = [n for n in nodes.tolist() if status[n] == label]
        nx.draw_networkx_nodes(graph, layout, nodelist=members, node_color=colour, node_size=60, ax=axes,
                               label=f"{label} ({len(members)})")
    nx.draw_networkx_nodes(graph, layout, nodelist=[center], node_color="none", edgecolors="black",
                           linewidths=2, node_size=160, ax=axes)
    axes.set_title(title or f"{hops}-hop neighbourhood of node {center} ({len(nodes)} nodes)")
    axes.legend(loc="best", frameon=False)
    axes.set_axis_off()
    with atomic_write(path, "wb") as handle:
        figure.savefig(handle, format="png", dpi=120, bbox_inches="tight")
    plt.close(figure)
    return {label: int(np.sum(status[nodes] == label)) for label in STATUS_COLOURS}
