"""Grouped folds: no group straddles folds, deterministic with a seed, balanced."""

import numpy as np
import pandas as pd
import pytest

from rnakit.errors import ValueRangeError
from rnakit.sirna.schema import canonical_frame
from rnakit.sirna.splits import SplitStrategy, assign_folds, group_keys, iter_folds
from rnakit.sirna.tables import load_table
from tests.conftest import shared_data_or_skip


def table(rows: list[dict]) -> pd.DataFrame:
    columns = {key: [row.get(key) for row in rows] for key in {k for row in rows for k in row}}
    return canonical_frame(columns, len(rows))


def many_rows(n: int = 60) -> pd.DataFrame:
    genes = ["HAO1", "Hao1", "TTR", "F12", "C9", "ADRA2A", "SLC5A2", "TMPRSS2"]
    rows = []
    for i in range(n):
        rows.append({
            "id": str(i), "guide": f"G{i % 25}", "duplex": f"AD-{i % 20}.{i % 3}",
            "gene": genes[i % len(genes)], "publication": f"P{i % 7}", "source": "s",
        })
    return table(rows)


def straddlers(keys: pd.Series, folds: np.ndarray) -> list[str]:
    frame = pd.DataFrame({"key": keys.to_numpy(), "fold": folds})
    per_group = frame.groupby("key")["fold"].nunique()
    return per_group[per_group > 1].index.tolist()


@pytest.mark.parametrize("strategy", ["gene", "duplex", "publication"])
def test_no_group_straddles_folds(strategy):
    data = many_rows()
    folds = assign_folds(data, strategy, n_folds=4, seed=1)
    assert straddlers(group_keys(data, strategy), folds) == []
    assert sorted(set(folds)) == [0, 1, 2, 3]


def test_gene_groups_ignore_case_and_fall_back_to_transcript_then_publication():
    data = table([
        {"id": "1", "guide": "A", "gene": "HAO1"}, {"id": "2", "guide": "B", "gene": "Hao1 "},
        {"id": "3", "guide": "C", "transcript_id": "NM_1", "publication": "P"},
        {"id": "4", "guide": "D", "publication": "P"}, {"id": "5", "guide": "E"},
    ])
    keys = group_keys(data, "gene").tolist()
    assert keys == ["gene:HAO1", "gene:HAO1", "transcript:NM_1", "publication:P", "guide:E"]


def test_duplex_groups_join_versions_and_shared_guides():
    data = table([
        {"id": "1", "guide": "AAA", "duplex": "AD-1.1"},
        {"id": "2", "guide": "AAA", "duplex": "AD-1.2"},
        {"id": "3", "guide": "AAA", "duplex": "AD-9"},  # same guide under another id: together
        {"id": "4", "guide": "CCC", "duplex": "AD-9.3"},  # AD-9 again: joins through the duplex id
        {"id": "5", "guide": "GGG", "duplex": None},
        {"id": "6", "guide": "UUU", "duplex": "AD-2"},
    ])
    keys = group_keys(data, "duplex")
    assert keys.iloc[0] == keys.iloc[1] == keys.iloc[2] == keys.iloc[3]
    assert len({keys.iloc[0], keys.iloc[4], keys.iloc[5]}) == 3


def test_same_seed_same_folds_and_other_seeds_differ():
    data = many_rows()
    first = assign_folds(data, "duplex", 5, seed=3)
    assert np.array_equal(first, assign_folds(data, "duplex", 5, seed=3))
    assert any(not np.array_equal(first, assign_folds(data, "duplex", 5, seed=s)) for s in range(4, 10))


def test_every_row_is_tested_exactly_once_and_folds_are_balanced():
    data = many_rows(100)
    tested = np.concatenate([test for _, test in iter_folds(data, "random", 5, seed=0)])
    assert sorted(tested) == list(range(100))
    sizes = np.bincount(assign_folds(data, "random", 5, seed=0))
    assert sizes.tolist() == [20] * 5
    duplex_sizes = np.bincount(assign_folds(data, "duplex", 5, seed=0))
    assert duplex_sizes.max() - duplex_sizes.min() <= 10  # groups of ≤ 8 rows, dealt greedily


def test_train_and_test_are_disjoint():
    for train, test in iter_folds(many_rows(), "gene", 3, seed=0):
        assert not set(train) & set(test)


def test_user_group_column():
    data = table([{"id": str(i), "guide": "A", "group": f"exp{i % 3}"} for i in range(9)])
    folds = assign_folds(data, "group", 3, seed=0)
    assert straddlers(group_keys(data, "group"), folds) == []
    data.loc[0, "group"] = None
    with pytest.raises(ValueRangeError, match="1 row"):
        assign_folds(data, "group", 3)


@pytest.mark.parametrize(
    ("strategy", "folds", "message"),
    [("shuffle", 5, "unknown split strategy 'shuffle'"), ("gene", 1, "at least 2 folds"), ("publication", 10, "only 7 group")],
)
def test_errors(strategy, folds, message):
    with pytest.raises(ValueRangeError, match=message):
        assign_folds(many_rows(), strategy, folds)


def test_random_is_labelled_optimistic():
    assert "OPTIMISTIC" in SplitStrategy.random.description


def test_competition_genes_never_straddle_gene_folds():
    shared_data_or_skip()
    data = load_table("sais_sirna_2024")
    folds = assign_folds(data, "gene", 5, seed=0)
    assert straddlers(group_keys(data, "gene"), folds) == []
    genes = pd.DataFrame({"gene": data["gene"].str.upper(), "fold": folds}).dropna()
    assert genes.groupby("gene")["fold"].nunique().max() == 1
    # Human ATXN2 and mouse Atxn2 are both in the file and must share one fold.
    assert set(data["gene"].dropna()) >= {"ATXN2", "Atxn2"}
    assert genes.loc[genes["gene"] == "ATXN2", "fold"].nunique() == 1
