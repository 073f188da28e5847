import numpy as np
import pytest

from rnakit.errors import SequenceError, ValueRangeError
from rnakit.graph.kmer_graph import kmer_graph, to_pyg


def test_hand_counted_graph_of_acguacgu():
    # 2-mers: AC CG GU UA AC CG GU -> transitions AC>CG x2, CG>GU x2, GU>UA x1, UA>AC x1.
    graph = kmer_graph("ACGUACGU", 2)
    assert graph.nodes == ["AC", "CG", "GU", "UA"]
    np.testing.assert_array_equal(graph.node_counts, [2, 2, 2, 1])
    np.testing.assert_array_equal(graph.edge_index, [[0, 1, 2, 3], [1, 2, 3, 0]])
    np.testing.assert_array_equal(graph.edge_weight, [2, 2, 1, 1])
    assert graph.edge_index.dtype == np.int64 and graph.edge_index.shape == (2, 4)
    assert graph.edge_weight.dtype == np.float32


def test_dna_and_lower_case_are_normalised_and_self_loops_kept():
    graph = kmer_graph("aaat", 2)  # AA AA AU: AA>AA once, AA>AU once
    assert graph.nodes == ["AA", "AU"]
    np.testing.assert_array_equal(graph.edge_index, [[0, 0], [0, 1]])
    np.testing.assert_array_equal(graph.node_counts, [2, 1])


def test_whole_sequence_as_one_kmer_has_no_edges():
    graph = kmer_graph("ACGU", 4)
    assert graph.nodes == ["ACGU"] and graph.edge_index.shape == (2, 0) and graph.edge_weight.shape == (0,)


@pytest.mark.parametrize(
    ("sequence", "k", "error", "message"),
    [
        ("ACGU", 0, ValueRangeError, "k must be at least 1"),
        ("ACGU", 5, SequenceError, r"k = 5 is longer than the sequence \(4 nt\)"),
        ("ACGNU", 2, SequenceError, "letter 'N' at position 4"),
        ("", 1, SequenceError, "empty sequence"),
    ],
)
def test_bad_requests(sequence, k, error, message):
    with pytest.raises(error, match=message):
        kmer_graph(sequence, k)


def test_to_pyg_onehot_and_counts():
    graph = kmer_graph("ACGUACGU", 2)
    data = to_pyg(graph)
    assert tuple(data.x.shape) == (4, 8) and data.num_nodes == 4
    assert tuple(data.edge_index.shape) == (2, 4) and tuple(data.edge_weight.shape) == (4,)
    assert data.edge_index.dtype.is_floating_point is False
    # UA: U is letter 3 of ACGU in the first block, A letter 0 in the second.
    assert data.x[3].tolist() == [0, 0, 0, 1, 1, 0, 0, 0]
    counts = to_pyg(graph, features="counts")
    assert counts.x.squeeze(1).tolist() == [2, 2, 2, 1]
    with pytest.raises(ValueRangeError, match="unknown features"):
        to_pyg(graph, features="word2vec")  # type: ignore[arg-type]
