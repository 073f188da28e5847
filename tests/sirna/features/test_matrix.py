import pandas as pd
import pytest

from rnakit.errors import RnakitError, ValueRangeError
from rnakit.sirna.features import compute_features, groups
from rnakit.sirna.features.matrix import cache_key
from rnakit.sirna.tables import load_table
from tests.conftest import DAMAGE, EXAMPLES, damage


def example():
    return load_table(EXAMPLES / "tiny_sirna.csv")


def test_matrix_has_id_then_prefixed_groups_in_row_order(tmp_path):
    table = example()
    matrix = compute_features(table, ["composition", "rules"], cache_dir=tmp_path)
    assert list(matrix["id"]) == list(table["id"])
    assert matrix.columns[0] == "id"
    assert {c.split("__")[0] for c in matrix.columns[1:]} == {"composition", "rules"}


def test_every_group_is_deterministic_and_cached(tmp_path):
    table = example()
    first = compute_features(table, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("*.parquet"))) == len(groups())
    second = compute_features(table, cache_dir=tmp_path)
    uncached = compute_features(table, cache_dir=None)
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(first, uncached)


@pytest.mark.parametrize("how", DAMAGE)
def test_damaged_cache_entry_is_recomputed_and_rewritten(tmp_path, how):
    table = example()
    first = compute_features(table, ["composition"], cache_dir=tmp_path)
    (entry,) = tmp_path.glob("*.parquet")
    damage(entry, how)
    pd.testing.assert_frame_equal(compute_features(table, ["composition"], cache_dir=tmp_path), first)
    assert len(pd.read_parquet(entry)) == len(table)  # rewritten whole


def test_cache_key_follows_the_inputs_only():
    table = example()
    composition = groups()["composition"]
    changed = table.copy()
    changed.loc[0, "remaining_pct"] = 99.0  # not an input of composition
    assert cache_key(composition, table) == cache_key(composition, changed)
    guide = changed.loc[0, "guide"]
    changed.loc[0, "guide"] = ("G" if guide[0] != "G" else "C") + guide[1:]
    assert cache_key(composition, table) != cache_key(composition, changed)


def test_bad_strand_and_unknown_group_are_errors():
    table = example()
    table.loc[2, "guide"] = "ACGUXACGUACGUACGUACGU"
    with pytest.raises(RnakitError, match=r"x.csv: row 3: column 'siRNA_antisense_seq' \(guide\)"):
        compute_features(table, ["composition"], file="x.csv")
    with pytest.raises(ValueRangeError, match="unknown feature group 'nope'"):
        compute_features(example(), ["nope"])
