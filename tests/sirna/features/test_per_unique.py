"""per_unique spreads one value per distinct input over the rows, without copying long inputs per row."""

import tracemalloc

import numpy as np
import pandas as pd
import pytest

from rnakit.sirna.features.registry import per_unique


def test_values_follow_their_input_and_missing_gives_nan():
    values = pd.Series(["ACGU", None, "GGGG", "ACGU"], index=[10, 11, 12, 13])
    result = per_unique(values, lambda s: {"g": s.count("G"), "n": len(s)}, ["g", "n"])
    assert list(result.index) == [10, 11, 12, 13]
    assert list(result.columns) == ["g", "n"]
    assert result.loc[10].tolist() == [1.0, 4.0] and result.loc[13].tolist() == [1.0, 4.0]
    assert result.loc[12].tolist() == [4.0, 4.0]
    assert np.isnan(result.loc[11]).all()


@pytest.mark.parametrize("dtype", [None, object])  # pandas' own choice of string dtype, and a design table's
def test_rows_sharing_one_long_transcript_need_no_copy_per_row(dtype):
    # A design's rows all hold the same long transcript; mapping rows through the strings themselves
    # once allocated a fixed-width copy per row (2,000 rows x 20 kb x 4 bytes = 160 MB here).
    transcript = "ACGU" * 5000
    values = pd.Series([transcript] * 2000, dtype=dtype)
    tracemalloc.start()
    try:
        result = per_unique(values, lambda s: {"gc": 0.5}, ["gc"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (result["gc"] == 0.5).all()
    assert peak < 20e6, f"{peak / 1e6:.0f} MB"
