"""encode: the model matrix of a frame with every kind of column, cell by cell."""

import numpy as np
import pandas as pd

from rnakit.sirna.models.encoding import encode


def test_each_kind_of_column_is_encoded_in_the_asked_order():
    frame = pd.DataFrame({
        "f": [0.5, np.nan, -2.25],
        "i": np.array([1, 2, 3], dtype=np.int64),
        "b": [True, False, True],
        "text_numbers": pd.Series(["1.5", "x", None], dtype=object),
        "cell": ["HeLa", None, "unseen"],
        "g": [np.inf, 1e-300, 7.0],
        "unused": ["a", "b", "c"],
    })
    matrix = encode(frame, ["g", "cell", "f", "text_numbers", "b", "i"], {"cell": ["A549", "HeLa"]})
    expected = np.array([[np.inf, 1.0, 0.5, 1.5, 1.0, 1.0],
                         [1e-300, np.nan, np.nan, np.nan, 0.0, 2.0],
                         [7.0, np.nan, -2.25, np.nan, 1.0, 3.0]])
    assert matrix.dtype == np.float64 and matrix.flags["C_CONTIGUOUS"]
    np.testing.assert_array_equal(matrix, expected)
    assert encode(frame, [], {}).shape == (3, 0)
