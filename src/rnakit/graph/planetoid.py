"""Planetoid citation graphs (Cora, Citeseer) from their raw ``ind.<name>.*`` files.

The raw files are Python 2 pickles of scipy/numpy objects. A pickle can call any importable
function while it loads, so they are read with an unpickler that resolves only the handful of
classes these files contain and refuses everything else: a tampered file fails with an error
instead of running code.

The graph is built as in Kipf & Welling's ``gcn/utils.py::load_data`` (the standard public split):
features = allx stacked with tx, test rows placed at the nodes named in ``test.index``.
"""

from __future__ import annotations

import collections
import pickle
from pathlib import Path
from typing import BinaryIO

import numpy as np
import scipy.sparse as sp
import torch
from torch_geometric.data import Data
from torch_geometric.utils import coalesce, remove_self_loops, to_undirected

from rnakit.errors import DatasetNotFoundError, InputFormatError, MismatchError
from rnakit.tabular import open_text

try:
    from numpy._core import multiarray  # numpy ≥ 2
except ImportError:  # pragma: no cover - numpy 1.x
    from numpy.core import multiarray

PICKLED_PARTS = ("x", "y", "tx", "ty", "allx", "ally", "graph")
VALIDATION_SIZE = 500

# (module, name) exactly as written in the files, by Python 2 and by newer numpy/scipy, to the
# object it stands for: resolved here directly, never imported by name from the file.
_ALLOWED = {
    ("scipy.sparse.csr", "csr_matrix"): sp.csr_matrix,
    ("scipy.sparse._csr", "csr_matrix"): sp.csr_matrix,
    ("scipy.sparse", "csr_matrix"): sp.csr_matrix,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("numpy.core.multiarray", "_reconstruct"): multiarray._reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): multiarray._reconstruct,
    ("numpy.core.multiarray", "scalar"): multiarray.scalar,
    ("numpy._core.multiarray", "scalar"): multiarray.scalar,
    ("collections", "defaultdict"): collections.defaultdict,
    ("__builtin__", "list"): list,
    ("builtins", "list"): list,
    ("__builtin__", "dict"): dict,
    ("builtins", "dict"): dict,
    ("__builtin__", "int"): int,
    ("builtins", "int"): int,
}


class _PlanetoidUnpickler(pickle.Unpickler):
    """An unpickler that builds only the allowed scipy/numpy/collections objects."""

    def __init__(self, handle: BinaryIO, path: Path) -> None:
        super().__init__(handle, encoding="latin1")  # Python 2 str holds numpy's raw bytes
        self.path = path

    def find_class(self, module: str, name: str) -> object:
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise InputFormatError(f"refused to load class '{module}.{name}': a Planetoid file holds only "
                                   "scipy csr_matrix, numpy arrays and a defaultdict of lists",
                                   file=str(self.path)) from None

    def persistent_load(self, pid: object) -> object:
        raise InputFormatError("refused a persistent reference: not part of a Planetoid file", file=str(self.path))


def read_pickle(path: Path) -> object:
    """One raw Planetoid pickle, loaded with only the allowed classes (see the module docstring)."""
    try:
        with path.open("rb") as handle:
            return _PlanetoidUnpickler(handle, path).load()
    except InputFormatError:
        raise
    except FileNotFoundError:
        raise DatasetNotFoundError("file not found", file=str(path)) from None
    except Exception as error:  # a truncated or corrupt pickle raises many kinds of error
        raise InputFormatError(f"not a readable Planetoid pickle ({type(error).__name__}: {error})",
                               file=str(path)) from None


def load_planetoid(folder: str | Path, name: str = "cora", *, normalise_features: bool = True) -> Data:
    """The public Planetoid split of ``name`` as a PyG ``Data``: x, y, edge_index and three masks.

    * ``x``: N × F float32 bag-of-words; rows scaled to sum 1 when ``normalise_features`` (as Kipf &
      Welling did), so long and short documents weigh alike.
    * ``y``: class per node; −1 where the files give no label (Citeseer's isolated test-range nodes,
      which are absent from ``tx``: their rows are zero-padded, as in the GCN loader).
    * ``edge_index``: every undirected edge in both directions, without self-loops or duplicates.
    * masks: train = the first ``len(x)`` nodes, val = the next 500 (within ``allx``), test = the
      nodes in ``test.index``; unlabelled nodes are in none of them.

    Cora: 2,708 nodes, 1,433 features, 7 classes, 10,556 directed edges, 140 / 500 / 1,000 nodes.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DatasetNotFoundError(f"Planetoid folder not found (expected ind.{name}.* files)", file=str(folder))
    paths = {part: folder / f"ind.{name}.{part}" for part in (*PICKLED_PARTS, "test.index")}
    for path in paths.values():
        if not path.is_file():
            raise DatasetNotFoundError("file not found (a Planetoid set needs "
                                       f"ind.{name}.{{x,y,tx,ty,allx,ally,graph,test.index}})", file=str(path))
    parts = {part: read_pickle(paths[part]) for part in PICKLED_PARTS}
    for part in ("x", "tx", "allx"):
        _expect(parts[part], sp.spmatrix, "a scipy sparse matrix", paths[part])
    for part in ("y", "ty", "ally"):
        _expect(parts[part], np.ndarray, "a numpy array of one-hot labels", paths[part])
        if parts[part].ndim != 2:
            raise InputFormatError(f"expected a 2-d one-hot label array, got shape {parts[part].shape}",
                                   file=str(paths[part]))
    _expect(parts["graph"], dict, "a dict of node → neighbour list", paths["graph"])
    test_index = _read_test_index(paths["test.index"])

    allx, ally, tx, ty = parts["allx"], parts["ally"], parts["tx"], parts["ty"]
    train_count = parts["y"].shape[0]
    _same(allx.shape[0], ally.shape[0], "rows", paths["allx"], paths["ally"])
    _same(tx.shape[0], ty.shape[0], "rows", paths["tx"], paths["ty"])
    _same(tx.shape[0], len(test_index), "rows (one test node id per tx row)", paths["tx"], paths["test.index"])
    _same(allx.shape[1], tx.shape[1], "feature columns", paths["allx"], paths["tx"])
    _same(ally.shape[1], ty.shape[1], "label columns", paths["ally"], paths["ty"])
    if train_count > allx.shape[0]:
        raise MismatchError(f"{paths['y'].name} has {train_count} rows, more than the {allx.shape[0]} of "
                            f"{paths['allx'].name}", file=str(folder))
    if len(set(test_index.tolist())) != len(test_index) or test_index.min() < allx.shape[0]:
        raise InputFormatError(f"test node ids must be distinct and ≥ {allx.shape[0]} (the allx rows)",
                               file=str(paths["test.index"]))

    # Node test_index[k] is tx row k; ids the test index skips (Citeseer) keep zero rows and no label.
    num_nodes = int(max(allx.shape[0], test_index.max() + 1))
    features = np.zeros((num_nodes, allx.shape[1]), dtype=np.float32)
    features[: allx.shape[0]] = allx.toarray()
    features[test_index] = tx.toarray()
    one_hot = np.zeros((num_nodes, ally.shape[1]), dtype=np.float32)
    one_hot[: ally.shape[0]] = ally
    one_hot[test_index] = ty
    labels = torch.from_numpy(np.where(one_hot.any(axis=1), one_hot.argmax(axis=1), -1)).long()
    if normalise_features:
        totals = features.sum(axis=1, keepdims=True)
        features = np.divide(features, totals, out=np.zeros_like(features), where=totals != 0)

    labelled = labels >= 0
    train, val, test = (torch.zeros(num_nodes, dtype=torch.bool) for _ in range(3))
    train[:train_count] = True
    val[train_count: min(train_count + VALIDATION_SIZE, allx.shape[0])] = True  # never a test node
    test[torch.from_numpy(test_index)] = True
    return Data(x=torch.from_numpy(features), y=labels, edge_index=_edge_index(parts["graph"], num_nodes, paths["graph"]),
                train_mask=train & labelled, val_mask=val & labelled, test_mask=test & labelled)


def _read_test_index(path: Path) -> np.ndarray:
    values = []
    with open_text(path) as handle:
        lines = handle.read().splitlines()
    for line_number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            values.append(int(line))
        except ValueError:
            raise InputFormatError(f"expected a node id (an integer), got {line.strip()!r}",
                                   file=str(path), row=line_number) from None
    if not values:
        raise InputFormatError("no test node ids", file=str(path))
    return np.array(values, dtype=np.int64)


def _edge_index(graph: dict, num_nodes: int, path: Path) -> torch.Tensor:
    """Adjacency lists → sorted 2 × E edge_index, both directions, no self-loops or duplicates."""
    sources, targets = [], []
    for node, neighbours in graph.items():
        for neighbour in neighbours:
            for value in (node, neighbour):
                if not isinstance(value, (int, np.integer)) or not 0 <= value < num_nodes:
                    raise InputFormatError(f"node ids must be integers in 0..{num_nodes - 1}, got {value!r}",
                                           file=str(path), row=f"node {node!r}")
            sources.append(int(node))
            targets.append(int(neighbour))
    edge_index = torch.tensor([sources, targets], dtype=torch.long).reshape(2, -1)
    edge_index, _ = remove_self_loops(edge_index)
    return coalesce(to_undirected(edge_index, num_nodes=num_nodes), num_nodes=num_nodes)


def _expect(value: object, kind: type, description: str, path: Path) -> None:
    if not isinstance(value, kind):
        raise InputFormatError(f"expected {description}, got {type(value).__name__}", file=str(path))


def _same(left: int, right: int, what: str, left_path: Path, right_path: Path) -> None:
    if left != right:
        raise MismatchError(f"{left_path.name} has {left} {what} but {right_path.name} has {right}",
                            file=str(left_path.parent))
