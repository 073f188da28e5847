import pandas as pd
import pytest

from rnakit.sirna.features.sequence import composition, kmers, position
from rnakit.sirna.schema import canonical_frame


def table(guides, passengers):
    return canonical_frame({"id": [str(i) for i in range(len(guides))], "guide": guides, "passenger": passengers}, len(guides))


def test_composition_by_hand():
    frame = composition(table(["AAGGCCUUAAGGCCUUAAGGC"], [None]))
    row = frame.iloc[0]
    # 21 nt: A 6, C 5, G 6, U 4 → GC 11/21.
    assert row["guide_length"] == 21
    assert (row["guide_count_A"], row["guide_count_C"], row["guide_count_G"], row["guide_count_U"]) == (6, 5, 6, 4)
    assert row["guide_gc"] == pytest.approx(11 / 21)
    # Seed 2–8 = AGGCCUU → GC 4/7.
    assert row["guide_gc_seed_2_8"] == pytest.approx(4 / 7)
    assert pd.isna(row["passenger_length"])  # missing passenger: NaN, not zero


def test_kmer_spectrum_sums_to_windows():
    frame = kmers(table(["ACGUACGUACGUACGUACGUA"], ["A" * 21]))
    row = frame.iloc[0]
    assert sum(row[c] for c in frame.columns if len(c) == len("guide_A")) == 21
    assert sum(row[c] for c in frame.columns if len(c) == len("guide_AAA")) == 19
    assert row["guide_ACG"] == 5 and row["guide_AAA"] == 0


def test_position_one_hot_with_absent_positions_zero():
    frame = position(table(["ACGUACGUACGUACGUACG"], ["UUUUUUUUUUUUUUUUUUUUU"]))
    row = frame.iloc[0]
    assert row["guide_p1_A"] == 1 and row["guide_p2_C"] == 1 and row["guide_p1_C"] == 0
    assert all(row[f"guide_p20_{b}"] == 0 for b in "ACGU")  # a 19-mer has no position 20
    assert row["passenger_p21_U"] == 1
    assert frame.shape[1] == 2 * 21 * 4
