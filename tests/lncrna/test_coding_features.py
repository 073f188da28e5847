"""The coding-potential features: Fickett TESTCODE, hexamer score, the sens = spec cutoff, gene groups."""

from __future__ import annotations

import random

import numpy as np
import pytest

from rnakit.errors import InputFormatError, ValueRangeError
from rnakit.lncrna.coding import classification_metrics, equal_error_threshold
from rnakit.lncrna.fickett import fickett_score, fickett_scores
from rnakit.lncrna.gene_groups import gene_groups, gene_keys
from rnakit.lncrna.hexamer import HEXAMERS, HexamerTable, PackedRna, count_hexamers


def test_fickett_by_hand_on_five_codons():
    # GCU GCA GCC GAA GAU (15 nt). Counts in codon positions 1/2/3:
    #   A 0/2/2 → position 2/(0+1) = 2.0 → range ≥ 1.9 → 0.94;  content 4/15 = 0.267 → ≥ 0.25 → 0.62
    #   C 0/3/1 → 3.0 → ≥ 1.9 → 0.80;                          content 4/15 → ≥ 0.25 → 0.59
    #   G 5/0/0 → 5.0 → ≥ 1.9 → 0.90;                          content 5/15 = 0.333 → ≥ 0.33 → 0.40
    #   U 0/0/2 → 2.0 → ≥ 1.9 → 0.97;                          content 2/15 = 0.133 → < 0.17 → 0.58
    # weights: position A .26 C .18 G .31 U .33, content A .11 C .12 G .15 U .14
    expected = (0.94 * 0.26 + 0.80 * 0.18 + 0.90 * 0.31 + 0.97 * 0.33
                + 0.62 * 0.11 + 0.59 * 0.12 + 0.40 * 0.15 + 0.58 * 0.14)
    assert expected == pytest.approx(1.2677)
    assert fickett_score("GCUGCAGCCGAAGAU") == pytest.approx(expected)
    assert fickett_score("gctgcagccgaagat") == pytest.approx(expected)  # DNA, lower case


def test_fickett_by_hand_without_codon_bias():
    # (AUGC)×3: every base once in each codon position → position 1/(1+1) = 0.5 → lowest range
    # (A .22 C .23 G .08 U .09); content 3/12 = 0.25 exactly → range ≥ 0.25 (A .62 C .59 G .64 U .55).
    expected = (0.22 * 0.26 + 0.23 * 0.18 + 0.08 * 0.31 + 0.09 * 0.33
                + 0.62 * 0.11 + 0.59 * 0.12 + 0.64 * 0.15 + 0.55 * 0.14)
    assert fickett_score("AUGCAUGCAUGC") == pytest.approx(expected) == pytest.approx(0.4651)


def test_fickett_many_at_once_match_one_by_one():
    rng = random.Random(3)
    sequences = ["".join(rng.choice("ACGU") for _ in range(rng.randint(0, 90))) for _ in range(40)]
    many = fickett_scores(PackedRna.from_sequences(sequences))
    assert many.tolist() == pytest.approx([fickett_score(s) for s in sequences])
    assert fickett_score("") == 0.0


def tiny_table() -> HexamerTable:
    """Coding CDSs full of GCU GCC codons; non-coding transcripts full of UA repeats."""
    return HexamerTable.from_sequences(cds=["GCUGCC" * 10, "GCCGCU" * 10], noncoding=["UAUAUAUAUAUAUAUAUAUA" * 3])


def test_hexamer_counts_in_frame_for_cds_and_every_position_for_noncoding():
    table = tiny_table()
    index = {h: i for i, h in enumerate(HEXAMERS)}
    # "GCUGCC"×10 (60 nt): in-frame hexamers at 0, 3, …, 54 → 19, alternating GCUGCC (10) / GCCGCU (9).
    assert table.coding[index["GCUGCC"]] == 10 + 9 and table.coding[index["GCCGCU"]] == 9 + 10
    assert table.coding.sum() == 38
    # (UA)×30: 55 hexamers at every position, alternating UAUAUA (28) / AUAUAU (27).
    assert table.noncoding[index["UAUAUA"]] == 28 and table.noncoding[index["AUAUAU"]] == 27
    assert table.noncoding.sum() == 55


def test_hexamer_score_sign_follows_the_table():
    table = tiny_table()
    orfs = PackedRna.from_sequences(["GCUGCCGCUGCCGCU", "UAUAUAUAUAUAUAU", "AUG", "AGCUGCCGCUGCCGC"])
    coding_like, noncoding_like, too_short, out_of_frame = table.score(orfs)
    assert coding_like > 0
    assert noncoding_like < 0
    assert too_short == 0.0
    assert out_of_frame < coding_like  # the same codons read one letter off are not coding-like
    # Exact value: the mean of the log ratios of its in-frame hexamers (GCUGCC, GCCGCU, GCUGCC).
    lr = dict(zip(HEXAMERS, table.log_ratio))
    assert coding_like == pytest.approx((2 * lr["GCUGCC"] + lr["GCCGCU"]) / 3)
    # log ratio of GCUGCC, pseudocount 1: coding (19+1)/(38+4096), non-coding (0+1)/(55+4096).
    assert lr["GCUGCC"] == pytest.approx(np.log(20 / 4134) - np.log(1 / 4151))


def test_hexamer_table_tsv_round_trip_and_bad_tables():
    table = tiny_table()
    again = HexamerTable.from_tsv(table.to_tsv())
    assert (again.coding == table.coding).all() and (again.noncoding == table.noncoding).all()
    with pytest.raises(InputFormatError, match="hexamer"):
        HexamerTable.from_tsv("hexamer\tcoding\tnoncoding\nAAAAAA\t1\t1\n", source="t.tsv")
    with pytest.raises(InputFormatError, match="column 'coding'"):
        HexamerTable.from_tsv(table.to_tsv().replace("AAAAAA\t0", "AAAAAA\t-3"), source="t.tsv")


def test_count_hexamers_skips_n_and_sequence_ends():
    packed = PackedRna.from_sequences(["ACGUACNACGUAC", "ACGUA"])
    # First sequence: of the 8 windows (starts 0–7) only those at 0 and 7 avoid the N at 6;
    # the second sequence is shorter than a hexamer.
    assert count_hexamers(packed, in_frame=False).sum() == 2
    assert count_hexamers(packed, in_frame=True).sum() == 1  # only offset 0 is in frame and clean


def test_threshold_where_sensitivity_equals_specificity():
    # positives 0.9 0.8 0.6 0.3, negatives 0.7 0.2 0.1 0.05: a cutoff between 0.3 and 0.6 calls
    # 3/4 positives coding and 3/4 negatives non-coding; every other cutoff is unequal.
    labels = [1, 1, 1, 1, 0, 0, 0, 0]
    scores = [0.9, 0.8, 0.6, 0.3, 0.7, 0.2, 0.1, 0.05]
    threshold = equal_error_threshold(labels, scores)
    assert threshold == pytest.approx(0.45)
    metrics = classification_metrics(labels, scores, threshold)
    assert metrics["sensitivity"] == metrics["specificity"] == 0.75
    assert metrics["accuracy"] == 0.75
    assert metrics["auc"] == pytest.approx(14 / 16)  # 14 of the 16 positive–negative pairs ranked right


def test_threshold_on_overlapping_score_distributions():
    rng = np.random.default_rng(0)
    labels = np.r_[np.ones(300, bool), np.zeros(900, bool)]
    scores = np.r_[rng.normal(1, 1, 300), rng.normal(-1, 1, 900)]
    metrics = classification_metrics(labels, scores, equal_error_threshold(labels, scores))
    assert abs(metrics["sensitivity"] - metrics["specificity"]) <= 1 / 300
    with pytest.raises(ValueRangeError):
        equal_error_threshold([1, 1], [0.2, 0.3])


def random_rna(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("ACGU") for _ in range(n))


def test_gene_keys_from_headers():
    assert gene_keys("ENST1.1 ncrna gene:ENSG00000262477.1 gene_symbol:ac021224.1") == [
        "ensembl:ENSG00000262477", "symbol:AC021224.1"]
    assert gene_keys("gi|1|ref|NM_006202.2| Homo sapiens phosphodiesterase 4A (PDE4A), transcript variant 4, mRNA") == [
        "symbol:PDE4A"]
    assert gene_keys("ENST00000533669.5") == []


def test_gene_groups_join_shared_genes_and_shared_exons_only():
    rng = random.Random(7)
    exon = random_rna(rng, 150)
    records = [
        ("a gene:ENSG00000000001.1", random_rna(rng, 300)),
        ("b gene:ENSG00000000001.4", random_rna(rng, 300)),  # same gene, other version: joined by header
        ("c", random_rna(rng, 100) + exon + random_rna(rng, 100)),
        ("d", random_rna(rng, 50) + exon.lower().replace("u", "t")),  # shares the exon, as DNA: joined
        ("e", random_rna(rng, 350)),  # unrelated: alone
    ]
    labels = gene_groups(records)
    assert labels.tolist() == [0, 0, 1, 1, 2]


def test_gene_groups_ignore_repeats_and_small_overlaps():
    rng = random.Random(11)
    repeat = random_rna(rng, 60)
    # 60 unrelated transcripts share one 60-nt repeat: it is in too many records to count.
    many = [(f"r{i}", random_rna(rng, 400) + repeat + random_rna(rng, 400)) for i in range(60)]
    assert len(set(gene_groups(many).tolist())) == 60
    # Two long transcripts sharing 40 nt: far below 20 % of either, so not joined.
    shared = random_rna(rng, 40)
    pair = [("x", random_rna(rng, 1500) + shared), ("y", shared + random_rna(rng, 1500))]
    assert gene_groups(pair).tolist() == [0, 1]
