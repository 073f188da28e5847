"""Every shared dataset through its reader, checked against the facts in its SOURCE.md.

Labels are compared after conversion to % mRNA remaining (inhibition x → 100 − x; fraction
x → 100·(1 − x)). Orientation thresholds sit just below what was measured when the readers were
written, so a reader that swaps strands fails loudly.
"""

from functools import cache

import pandas as pd
import pytest

from rnakit.seq.alphabet import RNA_LETTERS, reverse_complement_rna
from rnakit.sirna.datasets import get_info, load_dataset, registry
from rnakit.sirna.validate import validate_table
from tests.conftest import shared_data_or_skip


@cache
def table(name: str) -> pd.DataFrame:
    return load_dataset(name, shared_data_or_skip())


@cache
def report(name: str):
    return validate_table(table(name), file=name)


def found_share(name: str) -> float:
    """Share of rows with a transcript whose guide site is found (exact or ≤ 2 mismatches)."""
    counts = report(name).site_counts
    with_transcript = sum(v for k, v in counts.items() if k != "no transcript")
    return (counts.get("exact", 0) + counts.get("mismatch", 0)) / with_transcript


# name: (rows, min remaining, max remaining) from SOURCE.md, converted to % remaining.
FACTS = {
    "sais_sirna_2024": (23320, 0.1, 292.0),
    "sais_sirna_2024_test": (4874, None, None),
    "huesken2005": (2431, -34.1, 100.0),  # % inhibition 0 … 134.1
    "ichihara2007": (419, 1.1, 127.8),  # % inhibition −27.8 … 98.9
    "mysara2012_c": (38, 1.1, 110.0),  # % inhibition −10 … 98.9
    "sirnaefficacydb": (3532, -34.1, 127.8),  # % inhibition −27.8 … 134.1
    "ensirna": (2816 + 702 + 232, 0.0, 100.0),  # efficacy 0 … 1
    "ensirna_mod": (2528 + 632 + 352 + 15, 1.0, 100.0),  # PCT 0 … 99.0
    "sdg_supplements": (269 + 253 + 20, 0.0, 127.0),
    "cmsirnadb": (25863, 0.0, 100.0),  # efficacy clipped to 0 … 100
    "gnn4sirna": (3518, -34.1, 100.0),  # efficacy 0 … 1.341
}


@pytest.mark.parametrize("name", list(registry()))
def test_registry_rows_and_genes_match_the_table(name):
    info = get_info(name)
    data = table(name)
    assert len(data) == info.rows
    if info.genes is not None:
        genes = data["gene"].dropna().str.upper()
        counted = genes.nunique() if len(genes) else data["transcript_id"].dropna().nunique()
        assert counted == info.genes


def test_every_registered_dataset_has_facts_here():
    assert set(FACTS) == set(registry())


@pytest.mark.parametrize("name", list(FACTS))
def test_rows_and_label_range(name):
    rows, low, high = FACTS[name]
    data = table(name)
    assert len(data) == rows
    assert data["id"].is_unique
    labels = data["remaining_pct"]
    if low is None:
        assert labels.isna().all()  # test labels were never published
    else:
        assert labels.notna().all()
        assert labels.min() == pytest.approx(low) and labels.max() == pytest.approx(high)


@pytest.mark.parametrize("name", [n for n in FACTS if n != "ensirna_mod"])
def test_guides_are_rna_of_siRNA_length(name):
    guides = table(name)["guide"]
    assert guides.map(lambda g: set(g) <= RNA_LETTERS and 15 <= len(g) <= 30).all()
    assert report(name).ok


def test_ensirna_mod_keeps_its_one_malformed_passenger_visible():
    # One duplex (SM0747, 48 rows) has "GACGUAAACG+GCCACAAGUUC" as passenger: reported, not dropped.
    errors = report("ensirna_mod").errors
    assert len(errors) == 48
    assert {(p.column, p.message[:10]) for p in errors} == {("passenger", "letter '+'")}


@pytest.mark.parametrize(
    ("name", "threshold"),
    [("sais_sirna_2024", 0.995), ("huesken2005", 0.995), ("sirnaefficacydb", 0.99), ("ensirna", 1.0),
     ("sdg_supplements", 0.99), ("cmsirnadb", 0.95), ("gnn4sirna", 1.0)],
)
def test_guides_pair_with_their_transcripts(name, threshold):
    assert found_share(name) >= threshold


def test_competition_facts():
    data = table("sais_sirna_2024")
    assert int((data["remaining_pct"] < 30).sum()) == 7246  # 8,069 in the full file, minus withheld genes
    assert data["gene"].isna().sum() == 3049
    assert set(data["concentration_nm"].agg(["min", "max"])) == {0.0002, 250.0}
    assert set(data["hours"].dropna()) == {24.0, 48.0}
    withheld = {"F12", "ADRA2A", "TMPRSS2", "TTR", "HAO1", "C9", "SLC5A2"}
    assert not withheld & set(data["gene"].dropna().str.upper())


def test_test_file_shares_no_id_with_training():
    assert not set(table("sais_sirna_2024")["id"]) & set(table("sais_sirna_2024_test")["id"])


def test_efficacydb_gene_symbols_are_stripped():
    genes = set(table("sirnaefficacydb")["gene"])
    assert "EGFP" in genes and "EGFP " not in genes


def test_katoh_egfp_set_is_oriented_in_every_copy():
    # gnn4sirna writes the sense strand for the EGFP set; the reader turns it into the guide,
    # which must then equal ENsiRNA's guide for the same siRNA id.
    gnn = table("gnn4sirna").set_index("id")
    ens = table("ensirna").set_index("id")
    assert gnn.loc["T1", "guide"] == ens.loc["T1", "guide"] == "CCUCGCCCUUGCUCACCAU"


def test_subsets_are_labelled():
    assert table("ensirna")["subset"].value_counts().to_dict() == {"train": 2252, "valid": 564, "test": 702, "patent": 232}
    assert table("sdg_supplements")["subset"].value_counts().to_dict() == {"shabalina": 269, "martinelli": 253, "monopoli": 20}
    assert table("gnn4sirna")["subset"].value_counts().to_dict() == {"dataset_1": 2816, "dataset_2": 702}


def test_efficacydb_egfp_rows_target_the_egfp_orf_not_the_genome_record():
    # The shared FASTA gives EGFP a 3.7 Mb genome record (NZ_CP024869); the reader cuts it to the
    # EGFP ORF, which must equal GNN4siRNA's EGFP mRNA and hold every EGFP guide's site.
    egfp = table("sirnaefficacydb").query("gene == 'EGFP'")
    gnn_egfp = table("gnn4sirna").query("subset == 'dataset_2'")["transcript"].iloc[0]
    assert len(egfp) == 702
    assert set(egfp["transcript"]) == {gnn_egfp}
    assert len(gnn_egfp) == 720 and gnn_egfp.startswith("AUG") and gnn_egfp.endswith("UAA")
    assert all(reverse_complement_rna(guide[:19]) in gnn_egfp for guide in egfp["guide"])


def test_no_shared_set_joins_a_genome_sized_transcript():
    for name in ("sirnaefficacydb", "huesken2005", "ichihara2007", "sdg_supplements", "ensirna", "gnn4sirna"):
        assert table(name)["transcript"].dropna().str.len().max() < 50_000, name
