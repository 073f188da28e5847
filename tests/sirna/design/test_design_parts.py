"""Design building blocks checked against values worked out by hand."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from rnakit.errors import InputFormatError, SequenceError, ValueRangeError
from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.seq.headers import parse_cds, parse_gene
from rnakit.sirna.design.candidates import enumerate_candidates
from rnakit.sirna.design.filters import FilterSettings, apply_filters, funnel, read_variant_positions
from rnakit.sirna.design.patterns import parse_pattern
from rnakit.sirna.design.ranking import choose_top, composite_score, rank_candidates
from rnakit.sirna.design.targets import read_targets


def random_rna(n: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice("ACGU") for _ in range(n))


def test_candidates_follow_the_sidirect_layout() -> None:
    target = random_rna(60)
    frame = enumerate_candidates(target, [21], 2)
    assert len(frame) == 60 - 23 + 1
    for row in frame.itertuples():
        p = row.start - 1
        assert row.guide == reverse_complement_rna(target[p : p + 21])
        assert row.passenger == target[p + 2 : p + 23]
        assert row.site == target[p : p + 23]
        # guide 1–19 pair with passenger 1–19: the 19-bp core of a 21/21 duplex with 2-nt overhangs
        assert reverse_complement_rna(row.guide[:19]) == row.passenger[:19]
    assert frame["candidate"].iloc[0] == "target:1:21"


def test_several_lengths_and_a_target_too_short() -> None:
    frame = enumerate_candidates(random_rna(30), [19, 23], 2)
    assert sorted(frame.groupby("length").size().to_dict().items()) == [(19, 30 - 21 + 1), (23, 30 - 25 + 1)]
    with pytest.raises(SequenceError, match="shorter than one duplex"):
        enumerate_candidates("ACGUACGUACGUACGUACGU", [21], 2)
    with pytest.raises(ValueRangeError, match="outside 19–23"):
        enumerate_candidates(random_rna(50), [25], 2)


def _one(guide: str, site: str, start: int = 100) -> pd.DataFrame:
    return pd.DataFrame({"guide": [guide], "site": [site], "start": [start], "end": [start + len(guide) - 1]})


def test_each_filter_by_hand() -> None:
    # 19-nt core ACGU×4 + ACG: 10 of 19 G/C = 52.6 % → passes 30–64 %.
    ok = "ACGUACGUACGUACGUACGUU"
    assert apply_filters(_one(ok, "AA" + ok), FilterSettings())["passed"].item()
    gc_rich = "GCGCGCAUGCGCGCAUGCGCA"  # 16 of 19 G/C in 1–19 = 84 %
    assert apply_filters(_one(gc_rich, "AU" * 11), FilterSettings())["first_failure"].item() == "gc"
    assert apply_filters(_one("ACGUUUUACGUACGUACGUAC", "AU" * 11), FilterSettings())["first_failure"].item() == "runs"
    stretch = "A" + "GC" * 5 + "A" * 12  # 10 G/C in a row in the covered stretch
    assert apply_filters(_one(ok, stretch), FilterSettings())["first_failure"].item() == "gc_stretch"
    # CDS starts at 0-based 200 (the A of AUG is nt 201): nt 201–250 are off limits.
    near = apply_filters(_one(ok, "AU" * 11, start=230), FilterSettings(cds=(200, 900)))
    assert near["first_failure"].item() == "start_codon"
    assert apply_filters(_one(ok, "AU" * 11, start=251), FilterSettings(cds=(200, 900)))["passed"].item()
    assert apply_filters(_one(ok, "AU" * 11, start=179), FilterSettings(cds=(200, 900)))["passed"].item()
    # A variant at 120 lies in a site spanning 100–120, not in one spanning 121–141.
    variants = FilterSettings(variant_positions=frozenset({120}))
    assert apply_filters(_one(ok, "AU" * 11, start=100), variants)["first_failure"].item() == "variants"
    assert apply_filters(_one(ok, "AU" * 11, start=121), variants)["passed"].item()
    assert "pass_gc" not in apply_filters(_one(gc_rich, "AU" * 11), FilterSettings(gc=False))


def test_funnel_counts_first_failures_and_every_rejection() -> None:
    guides = ["ACGUACGUACGUACGUACGUU", "GCGCGCAUGCGCGCAUGCGCA", "GGGGCGCAUGCGCGCAUGCGC"]
    frame = pd.DataFrame({"guide": guides, "site": ["AU" * 11] * 3, "start": [1, 30, 60], "end": [21, 50, 80]})
    result = apply_filters(frame, FilterSettings())
    rows = {r["filter"]: r for r in funnel(result)}
    assert rows["gc"]["rejects"] == 2 and rows["gc"]["rejects_first"] == 2
    assert rows["runs"]["rejects"] == 1 and rows["runs"]["rejects_first"] == 0  # GGGG also fails GC first
    assert list(rows) == ["gc", "runs", "gc_stretch"]  # no CDS, no variants: those filters do not run
    assert rows["gc_stretch"]["left"] == int(result["passed"].sum()) == 1


def test_variant_lists_and_vcf(tmp_path) -> None:
    vcf = tmp_path / "v.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\nNM_1.2\t15\t.\tA\tG\nNM_9\t30\t.\tC\tU\n")
    assert read_variant_positions(vcf, "NM_1.1") == {15}
    listing = tmp_path / "p.txt"
    listing.write_text("5\n17\n")
    assert read_variant_positions(listing, "any") == {5, 17}
    listing.write_text("5\nfive\n")
    with pytest.raises(InputFormatError, match="row 2"):
        read_variant_positions(listing, "any")


def test_patterns_spell_each_base() -> None:
    guide, passenger = parse_pattern("VP n s Nf dN N ; n n (Ngn) L96")
    assert guide.apply("ACGU") == ("VP", "a", "s", "Cf", "dG", "U")
    assert guide.apply("UUUA")[4] == "dT"
    assert passenger.apply("ACU") == ("a", "c", "(Tgn)", "L96")
    with pytest.raises(ValueRangeError, match="4 nucleotides but the strand has 3"):
        guide.apply("ACG")
    with pytest.raises(ValueRangeError, match="'X'"):
        parse_pattern("n X n")


def test_headers_give_gene_and_cds() -> None:
    assert parse_gene("NM_002046.7 Homo sapiens glyceraldehyde-3-phosphate dehydrogenase (GAPDH), mRNA") == "GAPDH"
    assert parse_gene("ENST01 cdna chromosome:GRCh38 gene:ENSG01 gene_symbol:TP53 description") == "TP53"
    assert parse_gene("plain header") is None
    assert parse_cds("NM_1 CDS:61-1242 more") == (61, 1242)


def test_targets_from_fasta(tmp_path) -> None:
    fasta = tmp_path / "t.fa"
    orf = "AUG" + "GCU" * 120 + "UAA"
    fasta.write_text(f">A gene=X\n{'CC' * 20}{orf}GG\n>B CDS:3-30\n{'ACGU' * 10}\n")
    with pytest.raises(InputFormatError, match="2 records: choose one"):
        read_targets(fasta)
    a = read_targets(fasta, record="A")[0]
    assert (a.gene, a.cds, a.cds_source) == ("X", (40, 40 + len(orf)), "longest ORF")
    b = read_targets(fasta, record="B")[0]
    assert (b.cds, b.cds_source) == ((2, 30), "header")
    assert len(read_targets(fasta, all_records=True)) == 2
    with pytest.raises(InputFormatError, match="no record 'C'"):
        read_targets(fasta, record="C")
    fasta.write_text(">A\nACGUXACGU\n")
    with pytest.raises(SequenceError, match=r"record A.*'X' at position 5"):
        read_targets(fasta)
    fasta.write_text("")
    with pytest.raises(InputFormatError, match="empty FASTA"):
        read_targets(fasta)


def test_composite_and_choice_by_hand() -> None:
    scored = pd.DataFrame({
        "predicted_remaining_pct_raw": [20.0, 10.0, 30.0, 15.0],
        "guide_mm0": [0, 1, 0, 0], "guide_mm1": [0, 0, 0, 0], "guide_mm2": [0, 0, 3, 0],
        "passenger_mm0": [0, 0, 0, 0], "passenger_mm1": [0, 0, 0, 1], "passenger_mm2": [0, 0, 0, 0],
        "guide_seed_matches": [0, 0, 0, 50], "passed": [True, True, True, True], "start": [1, 5, 40, 80],
    })
    composite = composite_score(scored, n_transcripts=100)
    # 90 − 15·log2(2); 70 − 5·log2(4); 85 − 0.5·15·log2(2) − 10·50/100
    assert composite.tolist() == pytest.approx([80.0, 75.0, 60.0, 72.5])
    assert composite_score(scored, None).tolist() == [80.0, 90.0, 70.0, 85.0]
    scored["composite"] = composite
    scored["rank"] = rank_candidates(scored)
    assert scored["rank"].tolist() == [1, 2, 4, 3]
    # Sites 1 and 5 are 4 nt apart: with spacing 21 the second is skipped.
    assert choose_top(scored, 3, 21).tolist() == [True, False, True, True]
    assert choose_top(scored, 2, 0).tolist() == [True, True, False, False]
    scored.loc[0, "passed"] = False
    assert pd.isna(rank_candidates(scored).iloc[0])


def test_record_folders_are_distinct() -> None:
    from rnakit.sirna.design.runner import _folder_names

    assert _folder_names(["NM_1.1", "a/b", "a_b", ".hidden"]) == ["NM_1.1", "a_b", "a_b_2", "hidden"]


@pytest.mark.parametrize("option", ["conc_nm", "hours"])
@pytest.mark.parametrize("value", [float("inf"), float("nan")])
def test_condition_options_must_be_finite(option, value) -> None:
    from rnakit.requests import RequestError
    from rnakit.sirna.design.request import DesignRequest

    with pytest.raises(RequestError, match=rf"^field '{option}': {value} is not a finite number$") as caught:
        DesignRequest(example=True, **{option: value}).check()
    flag = "--conc-nm" if option == "conc_nm" else "--hours"
    assert caught.value.for_cli() == f"option '{flag}': {value} is not a finite number"
