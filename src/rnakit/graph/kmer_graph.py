"""The k-mer graph of one RNA, as GraphLncLoc-style models featurise a transcript for a GNN.

Nodes are the distinct k-mers of the sequence; a directed edge joins each k-mer to the next one
along the sequence, weighted by how often that transition occurs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from rnakit.errors import SequenceError, ValueRangeError
from rnakit.extras import require
from rnakit.seq.alphabet import validate_rna

if TYPE_CHECKING:
    from torch_geometric.data import Data

_LETTERS = "ACGU"


@dataclass(frozen=True)
class KmerGraph:
    """A k-mer graph with N nodes and E edges.

    ``nodes``: the k-mers in first-seen order; ``edge_index``: int64 (2, E), row 0 the source node
    index, row 1 the target, edges in first-seen order; ``edge_weight``: float32 (E,), transition
    counts; ``node_counts``: int64 (N,), occurrences of each k-mer.
    """

    k: int
    nodes: list[str]
    edge_index: np.ndarray
    edge_weight: np.ndarray
    node_counts: np.ndarray


def kmer_graph(sequence: str, k: int) -> KmerGraph:
    """Build the k-mer graph of one RNA (normalised: upper case, T → U).

    Raises ValueRangeError for k < 1, SequenceError for k longer than the sequence or a letter
    outside A, C, G, U (naming its position).
    """
    if k < 1:
        raise ValueRangeError(f"k must be at least 1, got {k}")
    rna = validate_rna(sequence)
    if k > len(rna):
        raise SequenceError(f"k = {k} is longer than the sequence ({len(rna)} nt)")
    kmers = [rna[i : i + k] for i in range(len(rna) - k + 1)]
    counts = Counter(kmers)  # first-seen order, as is the transitions' Counter
    index = {kmer: position for position, kmer in enumerate(counts)}
    transitions = Counter((index[before], index[after]) for before, after in zip(kmers, kmers[1:]))
    return KmerGraph(
        k=k,
        nodes=list(counts),
        edge_index=np.array(list(transitions), dtype=np.int64).reshape(-1, 2).T.copy(),
        edge_weight=np.array(list(transitions.values()), dtype=np.float32),
        node_counts=np.array(list(counts.values()), dtype=np.int64),
    )


def to_pyg(graph: KmerGraph, features: Literal["onehot", "counts"] = "onehot") -> Data:
    """The graph as a ``torch_geometric.data.Data`` with ``x``, ``edge_index`` and ``edge_weight``.

    ``features="onehot"``: x is (N, 4k), each k-mer as k one-hot letters in A, C, G, U order, a
    width fixed by k (not 4^k) so graphs of any RNA batch together. ``"counts"``: x is (N, 1), the
    k-mer's occurrences. torch and torch_geometric (the [nn] extra) are imported here so this module
    imports fast and without them.
    """
    require("nn", "kmer_graph.to_pyg")
    import torch
    from torch_geometric.data import Data

    if features == "onehot":
        x = torch.from_numpy(_onehot(graph.nodes, graph.k))
    elif features == "counts":
        x = torch.from_numpy(graph.node_counts.astype(np.float32)).reshape(-1, 1)
    else:
        raise ValueRangeError(f"unknown features {features!r}: expected 'onehot' or 'counts'")
    return Data(
        x=x,
        edge_index=torch.from_numpy(graph.edge_index),
        edge_weight=torch.from_numpy(graph.edge_weight),
        num_nodes=len(graph.nodes),
    )


def _onehot(kmers: list[str], k: int) -> np.ndarray:
    codes = np.array([[_LETTERS.index(letter) for letter in kmer] for kmer in kmers], dtype=np.int64)
    encoded = np.zeros((len(kmers), k, len(_LETTERS)), dtype=np.float32)
    np.put_along_axis(encoded, codes[:, :, None], 1.0, axis=2)
    return encoded.reshape(len(kmers), k * len(_LETTERS))
