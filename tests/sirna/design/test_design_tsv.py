"""candidates.tsv is written column-wise: the bytes pandas' to_csv writes, on designs and on every kind
of cell (missing values, −0, infinities, tiny and huge floats, nullable integers, strings)."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from rnakit.sirna.design import tsv
from rnakit.sirna.design.design import DesignSettings, design_target


def _to_csv(frame: pd.DataFrame, path) -> bytes:
    frame.to_csv(path, sep="\t", index=False, float_format="%.4g")
    return path.read_bytes()


def _ours(frame: pd.DataFrame, path) -> bytes:
    tsv.write_tsv(frame, path, float_format="%.4g")
    return path.read_bytes()


def test_every_kind_of_cell_is_written_as_pandas_writes_it(tmp_path):
    rng = np.random.default_rng(0)
    floats = np.concatenate([rng.normal(scale=10.0 ** rng.integers(-8, 9, size=200)),
                             [np.nan, -0.0, 0.0, np.inf, -np.inf, 1e-300, 1e300, 0.5, 12345.5, 99995.0]])
    n = len(floats)
    frame = pd.DataFrame({
        "float": floats,
        "int": rng.integers(-10**12, 10**12, size=n),
        "bool": rng.random(n) < 0.5,
        "rank": pd.array([None if i % 3 else i for i in range(n)], dtype="Int64"),
        "str": pd.array([None if i % 5 == 0 else f"A{i}U" for i in range(n)], dtype="str"),
        "object": [None if i % 4 == 0 else ("gc" if i % 2 else float("nan")) for i in range(n)],
    })
    assert all(tsv._text(frame[c], "%.4g") is not None for c in frame.columns)  # none falls back
    assert _ours(frame, tmp_path / "a.tsv") == _to_csv(frame, tmp_path / "b.tsv")


@pytest.mark.parametrize("column", [
    pd.Series(["a\tb", "c"]),  # would be quoted
    pd.Series([1.5, None], dtype="Float64"),  # a kind not handled
    pd.Series([True, None], dtype=object),  # objects that are not text
])
def test_a_column_of_another_kind_leaves_the_table_to_pandas(tmp_path, column):
    frame = pd.DataFrame({"x": [1, 2], "y": column})
    assert _ours(frame, tmp_path / "a.tsv") == _to_csv(frame, tmp_path / "b.tsv")
    single = frame[["x"]]  # one column: the csv module's own rules for a lone empty field
    assert _ours(single, tmp_path / "c.tsv") == _to_csv(single, tmp_path / "d.tsv")


def test_a_designs_candidates_are_written_as_pandas_writes_them(tmp_path):
    rng = random.Random(2)
    target = "AUG" + "".join(rng.choice("ACGU") for _ in range(700)) + "UAA"
    design = design_target(target, DesignSettings())
    assert design.candidates["passed"].any() and not design.candidates["passed"].all()
    assert _ours(design.candidates, tmp_path / "a.tsv") == _to_csv(design.candidates, tmp_path / "b.tsv")
