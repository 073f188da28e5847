"""Planetoid loader: the shared Cora files, a tiny Python-2-style set, and refusal of unsafe pickles."""

from __future__ import annotations

import collections
import pickle
import struct
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
import torch

from rnakit.errors import DatasetNotFoundError, InputFormatError, MismatchError
from rnakit.graph.planetoid import load_planetoid, read_pickle
from tests.conftest import shared_data_or_skip


class Python2Pickler(pickle._Pickler):
    """Protocol 2 with bytes written as Python 2 ``str``, as the Python 2 that wrote Planetoid did.

    (Python 3's own protocol 2 wraps bytes in a ``_codecs.encode`` call, which the loader refuses.)
    """

    dispatch = pickle._Pickler.dispatch.copy()

    def save_python2_str(self, obj: bytes) -> None:
        if len(obj) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(obj)]) + obj)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(obj)) + obj)
        self.memoize(obj)

    dispatch[bytes] = save_python2_str


def dump(path: Path, obj: object) -> None:
    with path.open("wb") as handle:
        Python2Pickler(handle, protocol=2).dump(obj)


def one_hot(labels: list[int], classes: int = 2) -> np.ndarray:
    return np.eye(classes)[labels]


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A Citeseer-like set: 4 non-test nodes (2 labelled for training), test ids 4..8 unsorted, 6 absent."""
    allx = np.array([[1, 1, 0], [0, 2, 0], [0, 0, 3], [1, 0, 1]], dtype=np.float32)
    tx = np.array([[8, 0, 0], [4, 0, 0], [7, 0, 0], [5, 0, 0]], dtype=np.float32)  # row k = node test.index[k]
    parts = {
        "x": sp.csr_matrix(allx[:2]), "y": one_hot([0, 1]),
        "allx": sp.csr_matrix(allx), "ally": one_hot([0, 1, 1, 0]),
        "tx": sp.csr_matrix(tx), "ty": one_hot([1, 0, 1, 0]),
        # duplicates, a self-loop and a one-way entry, as in the real files
        "graph": collections.defaultdict(list, {0: [1, 1, 0], 1: [0, 8], 2: [3], 4: [5], 8: [1]}),
    }
    for part, value in parts.items():
        dump(tmp_path / f"ind.tiny.{part}", value)
    (tmp_path / "ind.tiny.test.index").write_text("8\n4\n7\n5\n")
    return tmp_path


def test_tiny_set_places_test_rows_pads_gaps_and_cleans_edges(tiny):
    data = load_planetoid(tiny, "tiny", normalise_features=False)
    assert data.num_nodes == 9
    for node in (4, 5, 7, 8):
        assert data.x[node].tolist() == [node, 0, 0]
    assert data.x[6].tolist() == [0, 0, 0]
    assert data.y.tolist() == [0, 1, 1, 0, 0, 0, -1, 1, 1]
    assert data.edge_index.tolist() == [[0, 1, 1, 2, 3, 4, 5, 8], [1, 0, 8, 3, 2, 5, 4, 1]]
    assert data.train_mask.nonzero().flatten().tolist() == [0, 1]
    assert data.val_mask.nonzero().flatten().tolist() == [2, 3]  # the rest of allx, never test nodes
    assert data.test_mask.nonzero().flatten().tolist() == [4, 5, 7, 8]


def test_features_are_row_normalised_by_default(tiny):
    x = load_planetoid(tiny, "tiny").x
    assert torch.allclose(x[[0, 1, 2, 3, 4]].sum(dim=1), torch.ones(5))
    assert x[1].tolist() == [0.0, 1.0, 0.0]
    assert x[6].tolist() == [0, 0, 0]  # an empty row stays empty rather than NaN


def test_refuses_a_pickle_that_calls_os_system(tiny):
    marker = tiny / "pwned"
    (tiny / "ind.tiny.x").write_bytes(f"cos\nsystem\n(S'touch {marker}'\ntR.".encode())
    with pytest.raises(InputFormatError, match=r"ind\.tiny\.x.*refused to load class 'os\.system'"):
        load_planetoid(tiny, "tiny")
    assert not marker.exists()


def test_refuses_what_pickle_dumps_writes_for_os_system(tmp_path):
    import os

    path = tmp_path / "evil"
    path.write_bytes(pickle.dumps(os.system, protocol=2))  # names the platform module, e.g. posix
    with pytest.raises(InputFormatError, match="refused to load class '(posix|nt).system'"):
        read_pickle(path)


def test_refuses_python3_protocol_2_bytes(tmp_path):
    path = tmp_path / "codecs"
    path.write_bytes(pickle.dumps(np.zeros(2), protocol=2))
    with pytest.raises(InputFormatError, match="_codecs.encode"):
        read_pickle(path)


def test_missing_folder_and_file_are_named(tiny):
    with pytest.raises(DatasetNotFoundError, match="nowhere"):
        load_planetoid(tiny / "nowhere", "tiny")
    (tiny / "ind.tiny.ty").unlink()
    with pytest.raises(DatasetNotFoundError, match=r"ind\.tiny\.ty: file not found"):
        load_planetoid(tiny, "tiny")


def test_truncated_pickle_is_a_format_error(tiny):
    path = tiny / "ind.tiny.allx"
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(InputFormatError, match=r"ind\.tiny\.allx: not a readable Planetoid pickle"):
        load_planetoid(tiny, "tiny")


def test_binary_test_index_is_a_format_error(tiny):
    path = tiny / "ind.tiny.test.index"
    path.write_bytes(b"8\n4\n\x80\x02]q\x00\n")
    with pytest.raises(InputFormatError, match=r"ind\.tiny\.test\.index: not a UTF-8 text file \(byte 0x80 at line 3\)"):
        load_planetoid(tiny, "tiny")


def test_test_index_must_match_tx_rows(tiny):
    (tiny / "ind.tiny.test.index").write_text("8\n4\n7\n")
    with pytest.raises(MismatchError, match=r"ind\.tiny\.tx has 4 rows .* ind\.tiny\.test\.index has 3"):
        load_planetoid(tiny, "tiny")


def test_shared_cora_matches_the_standard_split():
    data = load_planetoid(shared_data_or_skip() / "cora_planetoid", "cora")
    assert (data.num_nodes, data.num_features, int(data.y.max()) + 1) == (2708, 1433, 7)
    assert data.edge_index.size(1) == 10_556  # 5,278 undirected edges
    assert data.is_undirected() and not data.has_self_loops()
    assert torch.unique(data.edge_index, dim=1).size(1) == 10_556
    assert data.edge_index[1][data.edge_index[0] == 0].tolist() == [633, 1862, 2582]
    assert int(data.y[0]) == 3
    assert (data.train_mask.sum(), data.val_mask.sum(), data.test_mask.sum()) == (140, 500, 1000)
    assert data.train_mask[:140].all() and data.val_mask[140:640].all()
    assert data.test_mask[2692] and data.test_mask[1708:].all()
    assert not (data.train_mask & data.val_mask).any() and not (data.val_mask & data.test_mask).any()
    assert torch.allclose(data.x.sum(dim=1), torch.ones(2708))
    raw = load_planetoid(shared_data_or_skip() / "cora_planetoid", "cora", normalise_features=False)
    assert int((raw.x[0] > 0).sum()) == 9 and set(raw.x.unique().tolist()) == {0.0, 1.0}
