import pandas as pd

from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.sirna.datasets import load_dataset
from rnakit.sirna.datasets.pooled import (
    guide_core,
    pool_tables,
    pooled_unmodified,
)
from rnakit.sirna.schema import canonical_frame
from tests.conftest import shared_data_or_skip

CORE_A = "UUAGCGAUCGAUCGGAUCC"
CORE_B = "GCAUGCAUCGUAGCUAGCA"
CORE_C = "AAUCGGCUAGCUAGGCUAA"


def made(name: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    """A canonical table of ``rows`` (each: guide, label and optionally gene/transcript_id/publication)."""
    columns: dict[str, object] = {
        "id": [f"{name}:{i}" for i in range(1, len(rows) + 1)],
        "source": [name] * len(rows),
    }
    for key in ("guide", "gene", "transcript_id", "transcript", "publication", "remaining_pct", "assay"):
        columns[key] = [row.get(key) for row in rows]
    return canonical_frame(columns, len(rows))


def test_a_huesken_row_copied_into_two_sets_is_kept_once_with_its_copies():
    pooled = pool_tables({
        "huesken2005": made("huesken2005", [{"guide": CORE_A + "au", "transcript_id": "BD1", "remaining_pct": 40.0,
                                             "publication": "Huesken 2005"}]),
        # The copy with a gene symbol and another 3' overhang, and the one in DNA letters without it.
        "sirnaefficacydb": made("sirnaefficacydb", [{"guide": CORE_A + "GG", "gene": "tc10 ", "remaining_pct": 40.0,
                                                     "assay": "luciferase"}]),
        "ensirna": made("ensirna", [{"guide": CORE_A.replace("U", "T"), "remaining_pct": 70.0}]),
    })
    assert pooled.table["id"].tolist() == ["huesken2005:1"]
    kept = pooled.table.iloc[0]
    assert kept.gene_key == "TC10"  # learnt from its copy, so gene-held-out folds can see it
    copies = pooled.copies.set_index("dropped_id")
    assert sorted(copies.index) == ["ensirna:1", "sirnaefficacydb:1"]
    assert set(copies["kept_id"]) == {"huesken2005:1"} and set(copies["kept_dataset"]) == {"huesken2005"}
    assert set(copies["copy_group"]) == {kept.copy_group}
    assert copies.loc["ensirna:1", "dropped_remaining_pct"] == 70.0
    summary = pooled.summary.set_index("dataset")
    assert summary.loc["sirnaefficacydb", ["rows_read", "rows_kept", "copies_dropped"]].tolist() == [1, 0, 1]


def test_copies_name_the_kept_set_when_ids_repeat_across_sets():
    gnn, ens = made("gnn4sirna", [{"guide": CORE_C, "remaining_pct": 5.0}]), made("ensirna", [{"guide": CORE_C, "remaining_pct": 9.0}])
    gnn["id"] = ens["id"] = "A1"
    copies = pool_tables({"ensirna": ens, "gnn4sirna": gnn}).copies
    assert copies[["kept_dataset", "dropped_dataset", "kept_remaining_pct"]].values.tolist() == [["gnn4sirna", "ensirna", 5.0]]


def test_same_core_against_another_gene_is_not_a_copy():
    pooled = pool_tables({
        "sdg_supplements": made("sdg_supplements", [{"guide": CORE_B, "gene": "FYN", "remaining_pct": 10.0,
                                                     "publication": "Shabalina 2006"}]),
        "sirnaefficacydb": made("sirnaefficacydb", [{"guide": CORE_B + "UU", "gene": "IGF1R", "remaining_pct": 10.0}]),
    })
    assert len(pooled.table) == 2 and pooled.copies.empty
    assert pooled.table["copy_group"].nunique() == 2


def test_rank_label_is_within_study_and_gene_and_averages_ties():
    rows = [{"guide": core, "gene": "G1", "remaining_pct": pct, "publication": "P1"}
            for core, pct in [(CORE_A, 40.0), (CORE_B, 20.0), (CORE_C, 20.0), ("CCCCGGGGAAAAUUUUCCC", 10.0)]]
    rows += [{"guide": CORE_A, "gene": "G2", "remaining_pct": 5.0, "publication": "P1"},
             {"guide": CORE_B, "gene": "G2", "remaining_pct": 90.0, "publication": "P1"}]
    rows += [{"guide": core, "gene": "G1", "remaining_pct": pct, "publication": "P2"}
             for core, pct in [(CORE_A, 1.0), (CORE_B, 2.0), (CORE_C, 3.0)]]
    table = pool_tables({"sdg_supplements": made("sdg_supplements", rows)}).table
    assert table["rank_label"].iloc[:4].tolist() == [1.0, 0.5, 0.5, 0.0]  # 0 = most potent
    assert table["rank_label"].iloc[4:6].isna().all()  # a group of two is too small to rank
    assert table["rank_label"].iloc[6:].tolist() == [0.0, 0.5, 1.0]  # P2 ranks apart from P1
    assert table["group"].nunique() == 3


def test_a_core_repeated_within_one_study_is_kept_once():
    pooled = pool_tables({"ichihara2007": made("ichihara2007", [
        {"guide": CORE_A + "UU", "remaining_pct": 17.0, "publication": "P"},
        {"guide": CORE_A + "UU", "remaining_pct": 17.0, "publication": "P"}])})
    assert pooled.table["id"].tolist() == ["ichihara2007:1"]
    assert pooled.copies["reason"].tolist() == ["repeat within study"]


def test_a_row_without_transcript_borrows_its_copys_when_that_holds_the_site():
    site = reverse_complement_rna(CORE_A)
    pooled = pool_tables({
        "huesken2005": made("huesken2005", [
            {"guide": CORE_A + "UU", "transcript_id": "BD1", "remaining_pct": 40.0, "publication": "H"},
            {"guide": CORE_B + "UU", "transcript_id": "BD2", "remaining_pct": 30.0, "publication": "H"}]),
        "ensirna": made("ensirna", [
            {"guide": CORE_A, "transcript": "GGGG" + site + "CCCC", "remaining_pct": 60.0},
            # A "copy" whose transcript does not hold the site lends nothing.
            {"guide": CORE_B, "transcript": "GGGGAAAACCCC", "remaining_pct": 50.0}]),
    })
    table = pooled.table.set_index("id")
    assert table.loc["huesken2005:1", "transcript"] == "GGGG" + site + "CCCC"
    assert table.loc["huesken2005:1", "transcript_source"] == "ensirna"
    assert table.loc["huesken2005:1", "transcript_id"] == "BD1"  # its own accession stays
    assert pd.isna(table.loc["huesken2005:2", "transcript"]) and pd.isna(table.loc["huesken2005:2", "transcript_source"])
    assert pooled.summary.set_index("dataset").loc["huesken2005", "transcript_from_copy"] == 1


def test_modified_rows_are_left_out():
    table = made("sdg_supplements", [{"guide": CORE_A, "remaining_pct": 1.0}, {"guide": CORE_B, "remaining_pct": 2.0}])
    table["guide_mod_desc"] = [None, "2-O-Methyl@2"]
    assert pool_tables({"sdg_supplements": table}).table["guide"].tolist() == [CORE_A]


def test_pooled_shared_sets_hold_each_duplex_once_per_study():
    data_dir = shared_data_or_skip()
    pooled = pooled_unmodified(data_dir)
    table, copies = pooled.table, pooled.copies
    assert not table.duplicated(["core", "study"]).any()
    # Every Huesken duplex that siRNAEfficacyDB lists is kept from huesken2005 and recorded as copied.
    huesken = set(table.loc[table["dataset"] == "huesken2005", "core"])
    shared = huesken & set(guide_core(load_dataset("sirnaefficacydb", data_dir)["guide"]))
    assert len(shared) == 2431
    from_huesken = copies[(copies["dropped_dataset"] == "sirnaefficacydb") & (copies["kept_dataset"] == "huesken2005")]
    assert set(table.set_index("id").loc[from_huesken["kept_id"], "core"]) == shared
    assert not set(table.loc[table["dataset"] != "huesken2005", "core"]) & shared
    ranks = table["rank_label"].dropna()
    assert ranks.between(0, 1).all()
    summary = pooled.summary.set_index("dataset")
    assert summary.loc["huesken2005", "rows_kept"] == 2431
    assert (summary["rows_kept"] + summary["copies_dropped"] == summary["unmodified_labelled"]).all()
    # Huesken's rows without a transcript of their own take their ENsiRNA copy's (issue 17, part 2).
    assert summary.loc["huesken2005", "with_transcript"] == 2431
