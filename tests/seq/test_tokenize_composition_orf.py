import math

import pytest

from rnakit.seq.composition import gc_fraction, shannon_entropy
from rnakit.seq.orf import longest_orf
from rnakit.seq.tokenize import NGramTokenizer, all_kmers


def test_tutorial_tokenizer_with_stride():
    assert NGramTokenizer(3, 3).tokenize("ACGUACGU") == ["ACG", "UAC"]
    assert NGramTokenizer(2, 1).tokenize("ACG") == ["AC", "CG"]
    assert NGramTokenizer(5, 1).tokenize("ACG") == []
    with pytest.raises(ValueError):
        NGramTokenizer(0, 1)


def test_kmer_counts_and_vocabulary():
    assert NGramTokenizer(2, 1).counts("AAAC") == {"AA": 2, "AC": 1}
    assert len(all_kmers(3)) == 64 and all_kmers(1) == ["A", "C", "G", "U"]


def test_entropy_in_bits():
    assert shannon_entropy("AAAA") == 0.0
    assert shannon_entropy("ACGU") == pytest.approx(2.0)  # four letters, p = 1/4 each
    # AAAC: p = 3/4, 1/4 → −(0.75·log2 0.75 + 0.25·log2 0.25) = 0.811278...
    assert shannon_entropy("AAAC") == pytest.approx(-(0.75 * math.log2(0.75) + 0.25 * math.log2(0.25)))
    assert math.isnan(shannon_entropy(""))


def test_gc_fraction():
    assert gc_fraction("GCAU") == 0.5 and math.isnan(gc_fraction(""))


def test_longest_orf():
    #          0123456789...
    sequence = "CCAUGAAAUAGCCAUGCCCGGGUUUUAAGG"
    # Frame 2: AUG at 2, stop UAG at 8 → (2, 11). Frame 1... AUG at 13, stop UAA at 25 → (13, 28).
    assert longest_orf(sequence) == (13, 28)
    assert longest_orf("AUGCCC") is None  # no stop codon


def test_kmer_counts_by_hand():
    from rnakit.seq.composition import kmer_counts

    assert kmer_counts("ACGUA", 1).tolist() == [2, 1, 1, 1]
    two = kmer_counts("ACGUA", 2)  # AC, CG, GU, UA at indices 1, 6, 11, 12 of all_kmers(2)
    assert two.sum() == 4 and two[[1, 6, 11, 12]].tolist() == [1, 1, 1, 1]
    gapped = kmer_counts("ACNGU", 2)  # windows touching N are skipped: AC and GU remain
    assert [i for i, count in enumerate(gapped) if count] == [1, 11] and gapped.sum() == 2
    assert kmer_counts("AC", 3).sum() == 0 and len(kmer_counts("AC", 3)) == 64


def test_open_ended_orf_runs_to_the_last_complete_codon():
    assert longest_orf("AUGCCC", open_end=True) == (0, 6)
    assert longest_orf("GAUGCCCAA", open_end=True) == (1, 7)  # AUG CCC, then 'AA' is no codon
    # A closed ORF still wins when it is longer than the open one.
    closed = "AUGAAAAAAAAAUAA"  # 15 nt with its stop
    assert longest_orf(closed + "CAUGCC", open_end=True) == (0, 15)
    assert longest_orf(closed + "CAUG" + "C" * 17, open_end=True) == (16, 34)  # 18 nt, no stop
