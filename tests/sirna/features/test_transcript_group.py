"""The optional ``transcript`` group: one GC value per transcript, computed only when named."""

import numpy as np
import pandas as pd
import pytest

from rnakit.sirna.features import compute_features, groups, resolve_groups
from rnakit.sirna.schema import canonical_frame


def test_transcript_gc_is_the_whole_transcripts_gc_and_nan_without_one():
    table = canonical_frame({"id": ["a", "b", "c"], "guide": ["UUCGAAGUAUUCCGCGUACGU"] * 3,
                             "transcript": ["GGGCAUAU", "AAAAUUUUGC", None]}, 3)
    gc = compute_features(table, ["transcript"])["transcript__gc"]
    assert gc.iloc[0] == pytest.approx(4 / 8) and gc.iloc[1] == pytest.approx(2 / 10)
    assert np.isnan(gc.iloc[2])


def test_the_transcript_group_is_opt_in():
    assert "transcript" not in groups() and "transcript" in groups(optional=True)
    assert "transcript" not in [g.name for g in resolve_groups(None)]
    assert [g.name for g in resolve_groups(["transcript"])] == ["transcript"]
    assert isinstance(groups(optional=True)["transcript"].compute(pd.DataFrame({"transcript": ["GC"]})), pd.DataFrame)
