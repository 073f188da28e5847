"""Location classes, the protein-coding reference, merging, and housekeeping ncRNA overlaps."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from rnakit.errors import InputFormatError
from rnakit.lncrna.gtf import Transcript, read_gtf
from rnakit.lncrna.housekeeping import housekeeping_overlaps, housekeeping_transcripts
from rnakit.lncrna.location import classify_locations, protein_coding_transcripts, read_id_list
from rnakit.lncrna.merge import merge_transcripts
from tests.conftest import shared_data_or_skip

# A coding gene on chr1 '+': exons 1000-1100, 2000-2100, 3000-3100 (introns 1101-1999, 2101-2999).
CODING = Transcript("C1", "chr1", "+", ((1000, 1100), (2000, 2100), (3000, 3100)), gene_id="G1", has_cds=True)


def one(tid, strand, *exons, chrom="chr1"):
    return Transcript(tid, chrom, strand, tuple(exons))


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        (one("a", "+", (1050, 1060)), ("o", "G1", 0)),           # inside an exon, same strand
        (one("b", "-", (1050, 1060)), ("x", "G1", 0)),           # same place, opposite strand
        (one("c", "+", (1200, 1300)), ("i", "G1", 0)),           # inside intron 1
        (one("d", "-", (1200, 1300)), ("i", "G1", 0)),           # inside intron 1, antisense: still intronic
        (one("e", "+", (500, 600), (3200, 3300)), ("y", "G1", 0)),  # the gene sits in e's intron
        (one("k", "+", (1500, 2500)), ("o", "G1", 0)),           # spans exon 2 (a pre-mRNA-like fragment)
        (one("f", "+", (3200, 3300)), ("p", "G1", 99)),          # 3101..3199 lie between: 99 nt
        (one("g", "-", (3101 + 999, 4500)), ("u", "G1", 999)),   # 999 nt between: not fewer than the flank (999)
        (one("n", ".", (1050, 1060)), ("o", "G1", 0)),           # unstranded counts as same strand
        (one("h", "+", (1, 100), chrom="chr9"), ("u", "", pd.NA)),  # no coding gene on the contig
    ],
)
def test_location_class(candidate, expected):
    table = classify_locations([candidate], [CODING], flank=999)
    row = table.loc[candidate.id]
    got = (row["class"], row["nearest_coding_gene"], row["coding_distance"])
    assert got[:2] == expected[:2]
    assert (pd.isna(got[2]) and pd.isna(expected[2])) or got[2] == expected[2]


@pytest.mark.parametrize(("gap", "flank", "expected"), [(0, 1, "p"), (499, 500, "p"), (500, 500, "u"), (10, 0, "u")])
def test_flank_is_the_largest_gap_kept_as_p_exclusive(gap, flank, expected):
    """``p`` when fewer than ``flank`` nucleotides separate the transcript from a coding one."""
    upstream = one("up", "-", (1000 - gap - 50, 1000 - gap - 1))
    assert classify_locations([upstream], [CODING], flank=flank).loc["up", "class"] == expected


def test_precedence_same_strand_exon_beats_antisense_exon():
    antisense = Transcript("C2", "chr1", "-", ((1055, 1200),), gene_id="G2", has_cds=True)
    table = classify_locations([one("a", "+", (1050, 1060))], [antisense, CODING])
    assert tuple(table.loc["a", ["class", "nearest_coding_gene"]]) == ("o", "G1")


def test_protein_coding_by_biotype_cds_or_id_list(tmp_path):
    annotation = {
        "bt": Transcript("bt", "c", "+", ((1, 9),), biotype="protein_coding"),
        "cds": Transcript("cds", "c", "+", ((1, 9),), has_cds=True),
        "listed": Transcript("listed", "c", "+", ((1, 9),)),
        "lnc": Transcript("lnc", "c", "+", ((1, 9),), biotype="lncRNA"),
    }
    assert {t.id for t in protein_coding_transcripts(annotation)} == {"bt", "cds"}
    assert {t.id for t in protein_coding_transcripts(annotation, {"listed"})} == {"bt", "cds", "listed"}
    bare = {"listed": annotation["listed"]}
    with pytest.raises(InputFormatError, match="no protein-coding information.*--coding-ids"):
        protein_coding_transcripts(bare, file="ref.gtf")
    with pytest.raises(InputFormatError, match="none of the 1 coding ids"):
        protein_coding_transcripts(bare, {"other"})


def test_read_id_list_from_fasta_or_text(tmp_path):
    fasta = tmp_path / "ids.fa"
    fasta.write_text(">T1 type=mRNA\nACGT\n>T2\nAC\n")
    text = tmp_path / "ids.txt"
    text.write_text("# coding transcripts\nT1\tmore\n\nT3\n")
    assert read_id_list(fasta) == {"T1", "T2"}
    assert read_id_list(text) == {"T1", "T3"}
    (tmp_path / "empty.txt").write_text("\n")
    with pytest.raises(InputFormatError, match="empty file"):
        read_id_list(tmp_path / "empty.txt")


def test_read_id_list_drops_a_leading_byte_order_mark(tmp_path):
    fasta = tmp_path / "ids.fa"
    fasta.write_bytes("\ufeff>T1 type=mRNA\nACGT\n".encode())
    text = tmp_path / "ids.txt"
    text.write_bytes("\ufeffT1\nT3\n".encode())
    assert read_id_list(fasta) == {"T1"}
    assert read_id_list(text) == {"T1", "T3"}


# ------------------------------------------------------------------------------------ merge
def test_merge_keeps_known_id_for_an_identical_intron_chain():
    assembled = {
        "A1": one("A1", "+", (90, 200), (300, 400), (500, 620)),   # same introns as K1, other ends
        "A2": one("A2", "+", (100, 200), (300, 400)),              # a sub-chain: a different transcript
        "A3": one("A3", "-", (100, 200), (300, 400), (500, 600)),  # other strand
        "A4": one("A4", "+", (5000, 5300)),
        "A5": one("A5", "+", (5000, 5300)),                        # same single-exon span as A4
        "A6": one("A6", "+", (5000, 5301)),
    }
    known = {"K1": one("K1", "+", (100, 200), (300, 400), (500, 600))}
    merged = {c.transcript.id: c for c in merge_transcripts(assembled, known)}
    assert set(merged) == {"K1", "A2", "A3", "A4", "A6"}
    assert (merged["K1"].source, merged["K1"].merged_ids) == ("known", ("A1",))
    assert (merged["A4"].source, merged["A4"].merged_ids) == ("assembled", ("A5",))
    assert merged["A2"].merged_ids == () and merged["K1"].transcript.exons[0] == (100, 200)


def test_merge_rejects_one_id_for_two_structures():
    with pytest.raises(InputFormatError, match="T1 names different transcripts"):
        merge_transcripts({"T1": one("T1", "+", (1, 300))}, {"T1": one("T1", "+", (1, 301))}, files=("a.gtf", "k.gtf"))
    same = merge_transcripts({"T1": one("T1", "+", (1, 300))}, {"T1": one("T1", "+", (1, 300))})
    assert [(c.transcript.id, c.source, c.merged_ids) for c in same] == [("T1", "known", ())]


# ------------------------------------------------------------------------------------ housekeeping
def test_housekeeping_overlap_is_exonic_and_same_strand(caplog):
    annotation = {
        "sno": Transcript("sno", "chr1", "+", ((500, 580),), biotype="snoRNA"),
        "mir": Transcript("mir", "chr1", "-", ((900, 960),), biotype="miRNA"),
        "lnc": Transcript("lnc", "chr1", "+", ((500, 580),), biotype="lncRNA"),
    }
    small = housekeeping_transcripts(annotation, ["snoRNA", "miRNA"])
    assert {t.id for t in small} == {"sno", "mir"}
    candidates = [
        one("host", "+", (400, 520), (700, 950)),  # exon over the snoRNA; the miRNA is on the other strand
        one("anti", "-", (540, 560)),              # antisense to the snoRNA
        one("intron", "+", (300, 450), (600, 700)),  # the snoRNA sits in its intron
        one("both", ".", (550, 920)),              # unstranded: both count
    ]
    overlaps = housekeeping_overlaps(candidates, small)
    assert overlaps.to_dict() == {"host": "sno(snoRNA)", "anti": "", "intron": "", "both": "mir(miRNA),sno(snoRNA)"}
    with caplog.at_level(logging.WARNING):
        assert housekeeping_transcripts({"lnc": one("lnc", "+", (1, 9))}, ["snoRNA"]) is None
    assert "cannot apply" in caplog.text


# ------------------------------------------------------------------------------------ FEELnc oracle
def test_feelnc_dog_intergenic_and_genic_calls_agree_with_feelnc_classifier():
    """FEELnc_classifier's best partner per lncRNA (isBest = 1, 289 lncRNAs): its ``intergenic`` must be
    our ``u``/``p`` and its ``genic`` our ``o``/``x``/``i``/``y``. FEELnc takes every transcript of the
    annotation as a partner (miRNA, snRNA, pseudogene … too), so the same set is the reference here."""
    folder = shared_data_or_skip() / "lincrna_toy" / "feelnc_dog_chr38"
    candidates = read_gtf(folder / "candidate_lncRNA.gtf")
    annotation = read_gtf(folder / "annotation_chr38.gtf")
    expected = pd.read_csv(folder / "expected_classifier_candidate_lncRNA_classes.txt", sep="\t")
    best = expected[expected["isBest"] == 1].set_index("lncRNA_transcript")
    assert len(best) == 289 and best.index.is_unique
    reference = protein_coding_transcripts(annotation, set(annotation))
    table = classify_locations([candidates[tid] for tid in best.index], reference, flank=1000)
    ours = table["class"].map(lambda code: "intergenic" if code in ("u", "p") else "genic")
    assert (ours == best["type"]).all()  # 289 of 289 (219 intergenic, 70 genic)
    intergenic = best["type"] == "intergenic"
    assert (table.loc[intergenic, "nearest_coding_gene"] == best.loc[intergenic, "partnerRNA_gene"]).all()
    # FEELnc counts distance as the coordinate difference, one more than the nucleotides in between.
    assert (table.loc[intergenic, "coding_distance"] + 1 == best.loc[intergenic, "distance"]).all()


def test_feelnc_dog_against_protein_coding_only():
    """With the default reference (protein_coding biotype), only candidates whose FEELnc partner is a
    non-coding RNA change from genic to intergenic; no intergenic call becomes genic."""
    folder = shared_data_or_skip() / "lincrna_toy" / "feelnc_dog_chr38"
    candidates = read_gtf(folder / "candidate_lncRNA.gtf")
    annotation = read_gtf(folder / "annotation_chr38.gtf")
    expected = pd.read_csv(folder / "expected_classifier_candidate_lncRNA_classes.txt", sep="\t")
    best = expected[expected["isBest"] == 1].set_index("lncRNA_transcript")
    table = classify_locations([candidates[tid] for tid in best.index], protein_coding_transcripts(annotation))
    ours = table["class"].map(lambda code: "intergenic" if code in ("u", "p") else "genic")
    changed = best[ours != best["type"]]
    assert (changed["type"] == "genic").all()
    partner_biotypes = {annotation[tid].biotype for tid in changed["partnerRNA_transcript"]}
    assert "protein_coding" not in partner_biotypes and len(changed) == 10
