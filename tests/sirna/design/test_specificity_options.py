"""Issue 20: ambiguous bases in targets, the seed-Tm filter, allele frequencies, sites.bed."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from rnakit.errors import InputFormatError, SequenceError, ValueRangeError
from rnakit.sirna.design.candidates import drop_ambiguous, enumerate_candidates
from rnakit.sirna.design.design import DesignSettings, design_target
from rnakit.sirna.design.filters import FilterSettings, apply_filters, read_variant_positions, seed_duplex_tm
from rnakit.sirna.design.options import filter_settings
from rnakit.sirna.design.report import sites_bed
from rnakit.sirna.design.targets import make_target
from rnakit.thermo.nearest_neighbor import melting_temperature, salt_shift


def random_rna(n: int, seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice("ACGU") for _ in range(n))


def test_windows_touching_an_ambiguous_base_are_skipped_and_counted():
    # A GenBank-like record: an N run and an IUPAC R inside otherwise clean sequence.
    sequence = random_rna(60, 1) + "N" * 10 + random_rna(60, 2) + "R" + random_rna(40, 3)
    candidates = enumerate_candidates(sequence, [21], 2)
    kept, skipped = drop_ambiguous(candidates)
    # A 23-nt stretch touches position i when start−1 ≤ i < start+22: 10 N positions → 32 windows, the R → 23.
    assert skipped == 32 + 23 and len(kept) == len(candidates) - skipped
    assert not kept["site"].str.contains("[^ACGU]").any()


def test_a_design_goes_on_past_n_runs_and_the_funnel_says_how_many_were_skipped():
    sequence = random_rna(120, 4) + "N" * 30 + random_rna(120, 5)
    target = make_target("NX_1", "NX_1", sequence, file="x.fa")
    design = design_target(target, DesignSettings(top=3))
    assert design.funnel[0] == {"filter": "ambiguous", "rejects": 52, "rejects_first": 52,
                                "left": len(design.candidates)}
    assert len(design.candidates) == len(sequence) - 22 - 52
    assert design.candidates["predicted_remaining_pct"].notna().equals(design.candidates["passed"])


def test_a_target_with_no_clean_window_is_an_error_and_other_letters_still_are():
    with pytest.raises(SequenceError, match="no 23-nt window free of ambiguous bases"):
        drop_ambiguous(enumerate_candidates("ACGUACGUACGUNACGUACGUACGUACG", [21], 2))
    with pytest.raises(SequenceError, match="letter 'X' at position 3"):
        make_target("A", "A", "ACXGU" * 10, file="x.fa")


def test_seed_duplex_tm_is_the_nearest_neighbour_tm_of_guide_2_to_8_at_0_1_molar_sodium():
    guide = "UUCGAACAGGAGGAGCAGAGA"
    expected = melting_temperature(guide[1:8]) + salt_shift(0.1)
    assert seed_duplex_tm([guide])[0] == pytest.approx(expected)
    # GC-rich seeds pair more stably than AU-rich ones.
    assert seed_duplex_tm(["AGCGCGCAAAAAAAAAAAAAA"])[0] > seed_duplex_tm(["AAUAUAUAAAAAAAAAAAAAA"])[0]


def test_the_seed_tm_filter_is_off_by_default_and_rejects_at_or_above_its_bound():
    candidates = enumerate_candidates(random_rna(300, 6), [21], 2)
    tms = seed_duplex_tm(candidates["guide"])
    assert "pass_seed_tm" not in apply_filters(candidates, FilterSettings())
    bound = float(np.median(tms))
    result = apply_filters(candidates, filter_settings((0.3, 0.64), set(), max_seed_tm=bound))
    assert (result["pass_seed_tm"] == (tms < bound)).all()
    with pytest.raises(ValueRangeError, match="--max-seed-tm"):
        FilterSettings(seed_tm=True, seed_tm_max=float("nan"))


VCF = """##fileformat=VCFv4.2
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO
T1\t10\trs1\tA\tG\t.\tPASS\tAF=0.2
T1\t20\trs2\tC\tU\t.\tPASS\tAF=0.001,0.004
T1\t30\trs3\tG\tA\t.\tPASS\tCAF=0.9,0.1
T1\t40\trs4\tG\tA\t.\tPASS\tCAF=0.995,.,0.005
T1\t50\trs5\tU\tC\t.\tPASS\tDP=10
"""


def test_allele_frequencies_decide_which_variants_count(tmp_path):
    vcf = tmp_path / "v.vcf"
    vcf.write_text(VCF)
    assert read_variant_positions(vcf, "T1") == {10, 20, 30, 40, 50}
    # AF (largest alternative), CAF (reference first) and no frequency at all (counts).
    assert read_variant_positions(vcf, "T1", max_af=0.01) == {10, 30, 50}
    assert read_variant_positions(vcf, "T1", max_af=0.2) == {50}
    vcf.write_text(VCF.replace("AF=0.2", "AF=high"))
    with pytest.raises(InputFormatError, match="row 3.*INFO|INFO.*row 3|allele frequency"):
        read_variant_positions(vcf, "T1", max_af=0.01)
    with pytest.raises(ValueRangeError, match="--max-af"):
        filter_settings((0.3, 0.64), set(), max_af=1.5)


def test_sites_bed_lists_the_chosen_sites_in_transcript_order():
    target = make_target("NM_T", "NM_T", random_rna(400, 7), file="x.fa")
    design = design_target(target, DesignSettings(top=4))
    lines = [line.split("\t") for line in sites_bed(design).splitlines()]
    top = design.top
    assert len(lines) == len(top) == 4
    starts = [int(fields[1]) for fields in lines]
    assert starts == sorted(starts)
    by_name = top.set_index("candidate")
    for chrom, start, end, name, score, strand in lines:
        row = by_name.loc[name]
        assert (chrom, int(start), int(end), int(score), strand) == ("NM_T", row["start"] - 1, row["end"], row["rank"], "+")
        # The BED interval is the stretch the guide pairs with: its reverse complement is the guide.
        assert int(end) - int(start) == len(row["guide"])


def _pair(guide: str, passenger: str) -> pd.DataFrame:
    return pd.DataFrame({"guide": [guide], "passenger": [passenger], "site": ["A" * 23], "start": [100], "end": [120]})


def test_immune_motifs_in_either_strand_fail_only_when_asked():
    clean = "ACGACGACGACGACGACGACG"
    in_guide = _pair("ACGUGUGUACGACGACGACGA", clean)
    in_passenger = _pair(clean, "ACGAGUCCUUCAAACGACGAC")
    assert "pass_immune" not in apply_filters(in_guide, FilterSettings())
    on = FilterSettings(immune=True)
    assert not apply_filters(in_guide, on)["pass_immune"].iloc[0]
    assert apply_filters(in_passenger, on)["first_failure"].iloc[0] == "immune"
    assert apply_filters(_pair(clean, clean), on)["passed"].iloc[0]


def test_a_guide_with_a_known_mirna_seed_is_named_and_rejected(tmp_path):
    mature = tmp_path / "mature.fa"
    # let-7a's seed (2–8) is GAGGUAG; the guide below carries it at its positions 2–8.
    mature.write_text(">hsa-let-7a-5p MIMAT0000062\nTGAGGTAGTAGGTTGTATAGTT\n>hsa-miR-21-5p\nUAGCUUAUCAGACUGAUGUUGA\n")
    settings = filter_settings((0.0, 1.0), set(), mirna=mature)
    assert ("GAGGUAG", "hsa-let-7a-5p") in settings.mirna_seeds
    result = apply_filters(_pair("AGAGGUAGCACGACGACGACG", "ACGACGACGACGACGACGACG"), settings)
    assert result["first_failure"].iloc[0] == "mirna_seed" and result["mirna_seed_of"].iloc[0] == "hsa-let-7a-5p"
    result = apply_filters(_pair("AGAGGUACGACGACGACGACG", "ACGACGACGACGACGACGACG"), settings)
    assert result["passed"].iloc[0] and result["mirna_seed_of"].iloc[0] == ""
    mature.write_text(">short\nUGAGG\n")
    with pytest.raises(SequenceError, match="too short for a miRNA seed"):
        filter_settings((0.0, 1.0), set(), mirna=mature)


def test_isoform_coverage_counts_the_isoforms_holding_each_core_site(tmp_path):
    from rnakit.sirna.design.coverage import isoform_coverage

    transcript = random_rna(300, 8)
    isoforms = tmp_path / "iso.fa"
    isoforms.write_text(f">long\n{transcript}\n>head\n{transcript[:150]}\n>tail\n{transcript[140:]}\n")
    candidates = enumerate_candidates(transcript, [21], 2)
    coverage, count = isoform_coverage(candidates["guide"], isoforms)
    assert count == 3
    # Guide 1–19 faces target[p+2 : p+21] (0-based p = start−1): in 'head' when that ends by 150, in 'tail' from 140.
    core_start = candidates["start"] + 1  # 0-based start of the core site
    expected = 1 + (core_start + 19 <= 150).astype(int) + (core_start >= 140).astype(int)
    assert (coverage["isoform_coverage"] == expected).all()
    assert coverage.loc[0, "isoforms"] == "long,head"


def test_conservation_is_the_fewest_mismatches_of_the_core_site_in_each_species(tmp_path):
    from rnakit.sirna.design.coverage import conservation

    human = random_rna(200, 9)
    mouse = list(human)
    mouse[100] = "A" if mouse[100] != "A" else "C"  # one substitution
    (tmp_path / "mouse.fa").write_text(">m\n" + "".join(mouse) + "\n")
    (tmp_path / "rat.fa").write_text(">r\n" + random_rna(200, 10) + "\n")
    candidates = enumerate_candidates(human, [21], 2)
    result = conservation(candidates["guide"], [tmp_path / "mouse.fa", tmp_path / "rat.fa"])
    core_start = candidates["start"] + 1
    hit = (core_start <= 100) & (100 < core_start + 19)
    assert (result.loc[hit, "conserved_mouse"] == 1).all() and (result.loc[~hit, "conserved_mouse"] == 0).all()
    assert result["conserved_rat"].isna().mean() > 0.9  # an unrelated sequence rarely comes within 2 of 19 nt
    kept = apply_filters(pd.concat([candidates, result.drop(columns="conserved_rat")], axis=1),
                         FilterSettings(conserved_max_mismatches=0))
    assert (kept["pass_conserved"] == ~hit).all()


def test_coverage_options_must_come_with_their_files(tmp_path):
    from rnakit.requests import RequestError
    from rnakit.sirna.design.options import check_coverage_options
    from rnakit.sirna.design.request import DesignRequest

    with pytest.raises(RequestError, match="^field 'require_all_isoforms': needs isoforms"):
        DesignRequest(example=True, require_all_isoforms=True).check()
    with pytest.raises(RequestError, match="^field 'require_conserved': needs conserved_in"):
        DesignRequest(example=True, require_conserved=0).check()
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "mouse.fa").write_text(">m\nACGU\n")
    (tmp_path / "mouse.fa.gz").write_bytes(b"")
    with pytest.raises(ValueRangeError, match="one column name"):
        check_coverage_options(None, (tmp_path / "a" / "mouse.fa", tmp_path / "mouse.fa.gz"))
    with pytest.raises(ValueRangeError, match="counted up to 2"):
        FilterSettings(conserved_max_mismatches=3)
