import io
import itertools
import random
from collections import Counter

import pytest

from rnakit.errors import InputFormatError, SequenceError, ValueRangeError
from rnakit.graph.debruijn import (
    DeBruijnGraph,
    assemble,
    contigs,
    de_bruijn_graph,
    de_bruijn_sequence,
    eulerian_path,
    reconstruct,
    spell,
    write_edges_tsv,
    write_gfa,
)

TEXTBOOK = "TAATGCCATGGGATGTT"  # Compeau & Pevzner, string reconstruction chapter
COMPLEMENT = str.maketrans("ACGT", "TGCA")


def kmers_of(sequence, k):
    return [sequence[i : i + k] for i in range(len(sequence) - k + 1)]


def reverse_complement(dna):
    return dna.translate(COMPLEMENT)[::-1]


def cyclic_windows(sequence, n):
    doubled = (sequence * n)[: len(sequence) + n - 1]
    return Counter(doubled[i : i + n] for i in range(len(sequence)))


def random_dna(rng, length):
    return "".join(rng.choice("ACGT") for _ in range(length))


# --- building the graph -----------------------------------------------------------------------


def test_worked_small_graph_nodes_edges_and_counts():
    # ACGT -> ACG, CGT; CGTA -> CGT, GTA: CGT is seen twice.
    graph = de_bruijn_graph(["ACGT", "CGTA"], 3)
    assert graph.nodes == ("AC", "CG", "GT", "TA")
    assert list(graph.edges()) == [("AC", "CG", "ACG", 1), ("CG", "GT", "CGT", 2), ("GT", "TA", "GTA", 1)]
    assert graph.degrees() == {"AC": (0, 1), "CG": (1, 2), "GT": (2, 1), "TA": (1, 0)}
    assert graph.degrees(use_counts=False)["CG"] == (1, 1)


def test_letters_are_kept_as_given_after_upper_casing():
    assert dict(de_bruijn_graph(["acg t"], 2).edge_counts) == {"AC": 1, "CG": 1, "GT": 1}
    assert dict(de_bruijn_graph(["0110"], 2).edge_counts) == {"01": 1, "11": 1, "10": 1}


def test_textbook_graph_has_atg_three_times():
    graph = de_bruijn_graph([TEXTBOOK], 3)
    assert graph.edge_counts["ATG"] == 3
    assert sum(graph.edge_counts.values()) == len(TEXTBOOK) - 2
    assert graph.degrees()["AT"] == (3, 3)


def test_short_sequences_are_skipped_and_graph_is_frozen():
    graph = de_bruijn_graph(["AC", "ACGT"], 3)
    assert dict(graph.edge_counts) == {"ACG": 1, "CGT": 1}
    with pytest.raises(TypeError):
        graph.edge_counts["ACG"] = 5  # type: ignore[index]


def test_k_below_two_is_rejected():
    with pytest.raises(ValueRangeError, match="k must be at least 2.*got 1"):
        de_bruijn_graph(["ACGT"], 1)


def test_k_longer_than_every_sequence_names_the_longest():
    with pytest.raises(SequenceError, match="k = 9 is longer than every sequence.*longest has 6 letters"):
        de_bruijn_graph(["ACG", "ACGUAC"], 9)


def test_empty_input_is_rejected():
    with pytest.raises(InputFormatError, match="no sequences"):
        de_bruijn_graph([], 3)


# --- canonical (both strands) ---------------------------------------------------------------------


def test_canonical_merges_a_kmer_with_its_reverse_complement():
    # ACG and CGT are each other's reverse complement: both edges carry the pair's count.
    assert dict(de_bruijn_graph(["ACGT"], 3, canonical=True).edge_counts) == {"ACG": 2, "CGT": 2}
    assert dict(de_bruijn_graph(["AAC", "GTT"], 3, canonical=True).edge_counts) == {"AAC": 2, "GTT": 2}
    # No T anywhere: A pairs with U.
    assert dict(de_bruijn_graph(["AAC"], 3, canonical=True).edge_counts) == {"AAC": 1, "GUU": 1}


def test_canonical_palindrome_is_counted_once():
    # ACGT is its own reverse complement.
    assert dict(de_bruijn_graph(["ACGT"], 4, canonical=True).edge_counts) == {"ACGT": 1}


def test_canonical_rejects_letters_without_complement_and_mixed_alphabets():
    with pytest.raises(SequenceError, match="sequence 2: letter 'X' at position 3"):
        de_bruijn_graph(["ACGT", "ACXG"], 2, canonical=True)
    with pytest.raises(SequenceError, match="mix T and U"):
        de_bruijn_graph(["ACGT", "ACGU"], 2, canonical=True)


# --- Eulerian paths, spelling, reconstruction ------------------------------------------------------


def test_textbook_reconstruction_has_the_same_kmer_composition():
    result = reconstruct(kmers_of(TEXTBOOK, 3))
    assert Counter(kmers_of(result, 3)) == Counter(kmers_of(TEXTBOOK, 3))
    assert result.startswith("TA") and result.endswith("TT")  # the only source and sink


def test_reconstruction_of_the_rosalind_sample():
    # Rosalind BA3H sample: the only sequence with this 4-mer composition.
    assert reconstruct(["CTTA", "ACCA", "TACC", "GGCT", "GCTT", "TTAC"]) == "GGCTTACCA"


def test_reconstruction_rejects_mixed_lengths_and_nothing():
    with pytest.raises(SequenceError, match="k-mer 2 .* has 2 letters, but the first has 3"):
        reconstruct(["ACG", "CG"])
    with pytest.raises(InputFormatError, match="no k-mers"):
        reconstruct([])


def test_balanced_graph_gives_a_cycle_through_every_edge():
    words = ["".join(word) for word in itertools.product("ACGU", repeat=3)]
    walk = eulerian_path(DeBruijnGraph(3, dict.fromkeys(words, 1)))
    assert walk[0] == walk[-1] and len(walk) == 65
    cyclic = "".join(node[0] for node in walk[:-1])
    assert cyclic_windows(cyclic, 3) == Counter(words)


def test_long_path_does_not_recurse():
    sequence = random_dna(random.Random(7), 5000)
    assert spell(eulerian_path(de_bruijn_graph([sequence], 21))) == sequence


def test_use_counts_false_walks_each_distinct_edge_once():
    graph = DeBruijnGraph(2, {"AB": 3, "BC": 3})
    assert eulerian_path(graph, use_counts=False) == ["A", "B", "C"]
    with pytest.raises(ValueRangeError, match=r"A \(in 0, out 3\), C \(in 3, out 0\)"):
        eulerian_path(graph)


def test_three_sources_name_the_unbalanced_nodes():
    # AACG, GACG, TACG: sources AA, GA, TA all feed AC -> CG.
    graph = de_bruijn_graph(["AACG", "GACG", "TACG"], 3)
    with pytest.raises(ValueRangeError) as caught:
        eulerian_path(graph)
    message = str(caught.value)
    assert "4 nodes are unbalanced" in message
    for node in ("AA (in 0, out 1)", "GA (in 0, out 1)", "TA (in 0, out 1)", "CG (in 3, out 0)"):
        assert node in message
    with pytest.raises(ValueRangeError, match=r"AC \(in 3, out 1\)"):
        eulerian_path(graph, use_counts=False)


def test_many_unbalanced_nodes_are_summarised():
    graph = de_bruijn_graph([f"{source}x" for source in "ABCDEFGH"], 2)  # 8 sources, 1 sink
    with pytest.raises(ValueRangeError, match="9 nodes are unbalanced.*… and 4 more"):
        eulerian_path(graph)


def test_disconnected_graph_is_reported():
    with pytest.raises(ValueRangeError, match="not connected.*2 separate parts"):
        eulerian_path(de_bruijn_graph(["ACGAC", "UUU"], 3))
    with pytest.raises(ValueRangeError, match="no edges"):
        eulerian_path(de_bruijn_graph(["ACG"], 3).filtered(2))


def test_spell_checks_overlaps():
    assert spell(["AC", "CG", "GT"]) == "ACGT"
    with pytest.raises(ValueRangeError, match="do not overlap"):
        spell(["AC", "GT"])


# --- contigs and assembly ------------------------------------------------------------------------


def test_contigs_of_a_graph_with_one_branch():
    # TACGT + CGAA (k=3): TA->AC->CG, then CG branches to GT and to GA->AA.
    graph = de_bruijn_graph(["TACGT", "CGAA"], 3)
    assert contigs(graph) == ["CGAA", "TACG", "CGT"]


def test_isolated_cycle_is_reported_once():
    # ACG, CGA, GAC close the cycle AC -> CG -> GA -> AC, spelled from AC; TTGGT shares no node with it.
    assert contigs(de_bruijn_graph(["ACGAC"], 3)) == ["ACGAC"]
    assert contigs(de_bruijn_graph(["CGACG", "TTGGT"], 3)) == ["ACGAC", "TTGGT"]


def test_self_loop_on_a_branching_node():
    # TTTG: TT has the self-loop TTT and the edge TTG, so TT branches (in 1, out 2).
    assert contigs(de_bruijn_graph(["TTTG"], 3)) == ["TTG", "TTT"]


def test_min_count_drops_rare_edges_before_walking():
    graph = de_bruijn_graph(["TACGT", "TACGT", "CGAA"], 3)
    assert contigs(graph, min_count=2) == ["TACGT"]
    assert contigs(graph, min_count=3) == []
    with pytest.raises(ValueRangeError, match="min_count"):
        contigs(graph, min_count=0)


def test_error_free_reads_assemble_to_the_sequence():
    sequence = random_dna(random.Random(1), 1000)
    reads = [sequence[start : start + 50] for start in range(0, 951, 5)]
    assert assemble(reads, 25, min_count=1) == [sequence]


def test_noisy_reads_assemble_to_most_of_the_sequence():
    rng = random.Random(0)
    sequence = random_dna(rng, 1000)
    reads = []
    for index in range(400):  # 400 x 50 nt = 20x coverage, starts spread evenly
        start = round(index * 950 / 399)
        read = [
            letter if rng.random() >= 0.01 else rng.choice([other for other in "ACGT" if other != letter])
            for letter in sequence[start : start + 50]
        ]
        reads.append("".join(read))
    longest = assemble(reads, 25, min_count=3)[0]
    assert len(longest) >= 950
    assert longest in sequence


def test_reads_from_both_strands_assemble_in_canonical_mode():
    sequence = random_dna(random.Random(2), 1000)
    reads = [sequence[start : start + 50] for start in range(0, 951, 5)]
    reads = [read if index % 2 else reverse_complement(read) for index, read in enumerate(reads)]
    assembled = assemble(reads, 25, min_count=1, canonical=True)
    assert len(assembled) == 1
    assert assembled[0] in (sequence, reverse_complement(sequence))
    assert len(assemble(reads, 25, min_count=1)) == 2  # without merging, each strand is its own contig


def test_reads_are_split_at_ambiguous_bases():
    # AACCG|N|TTGCA: no k-mer holds the N (or R, or a lower-case n), so neither contig does.
    assert assemble(["AACCGNTTGCA", "aaccgnttgca", "AACCGRTTGCA"], 3, min_count=1) == ["AACCG", "TTGCA"]
    graph = de_bruijn_graph(["ACGTNACG"], 3, skip_ambiguous=True)
    assert dict(graph.edge_counts) == {"ACG": 2, "CGT": 1}
    assert dict(de_bruijn_graph(["ACGTNACG"], 3, skip_ambiguous=True, canonical=True).edge_counts) == {
        "ACG": 3, "CGT": 3}  # ACG twice and CGT (its reverse complement) once
    assert "GTN" in de_bruijn_graph(["ACGTNACG"], 3).edge_counts  # other alphabets keep every letter


def test_assemble_errors():
    with pytest.raises(ValueRangeError, match="k must be at least 2"):
        assemble(["ACGT"], 1)
    with pytest.raises(SequenceError, match="longest has 4 letters"):
        assemble(["ACGT", "ACG"], 25)
    with pytest.raises(InputFormatError, match="no sequences"):
        assemble([], 25)


# --- De Bruijn sequences ---------------------------------------------------------------------------


def test_rotating_disc_example():
    assert de_bruijn_sequence("01", 2) == "0011"


@pytest.mark.parametrize(("alphabet", "n"), [("ACGU", 3), ("01", 4), (["x", "y", "z"], 2), ("0", 3)])
def test_every_word_appears_once_cyclically(alphabet, n):
    sequence = de_bruijn_sequence(alphabet, n)
    assert len(sequence) == len(alphabet) ** n
    words = Counter("".join(word) for word in itertools.product(alphabet, repeat=n))
    assert cyclic_windows(sequence, n) == words


@pytest.mark.parametrize(("alphabet", "n"), [("01", 3), ("012", 2), ("ba", 2)])
def test_result_is_the_lexicographically_least_de_bruijn_sequence(alphabet, n):
    size = len(alphabet) ** n
    words = Counter("".join(word) for word in itertools.product(alphabet, repeat=n))
    order = {letter: index for index, letter in enumerate(alphabet)}
    candidates = (
        "".join(letters)
        for letters in itertools.product(alphabet, repeat=size)
        if cyclic_windows("".join(letters), n) == words
    )
    least = min(candidates, key=lambda text: [order[letter] for letter in text])
    assert de_bruijn_sequence(alphabet, n) == least


def test_bad_de_bruijn_requests():
    for alphabet, message in [("", "empty"), ("0011", "repeated"), (["ab", "c"], "single characters")]:
        with pytest.raises(ValueRangeError, match=message):
            de_bruijn_sequence(alphabet, 2)
    with pytest.raises(ValueRangeError, match="at least 1"):
        de_bruijn_sequence("01", 0)
    with pytest.raises(ValueRangeError, match="more than"):
        de_bruijn_sequence("ACGU", 20)


# --- writers ---------------------------------------------------------------------------------------

EXPECTED_GFA = (
    "H\tVN:Z:1.0\n"
    "S\t1\tAC\n"
    "S\t2\tCG\n"
    "S\t3\tGT\n"
    "S\t4\tTA\n"
    "L\t1\t+\t2\t+\t1M\tKC:i:1\n"
    "L\t2\t+\t3\t+\t1M\tKC:i:2\n"
    "L\t3\t+\t4\t+\t1M\tKC:i:1\n"
)
EXPECTED_TSV = "source\ttarget\tkmer\tcount\nAC\tCG\tACG\t1\nCG\tGT\tCGT\t2\nGT\tTA\tGTA\t1\n"


def test_gfa_of_a_tiny_graph():
    handle = io.StringIO()
    write_gfa(de_bruijn_graph(["ACGT", "CGTA"], 3), handle)
    assert handle.getvalue() == EXPECTED_GFA


def test_edges_tsv_of_a_tiny_graph():
    handle = io.StringIO()
    write_edges_tsv(de_bruijn_graph(["ACGT", "CGTA"], 3), handle)
    assert handle.getvalue() == EXPECTED_TSV


def test_writers_accept_paths_and_leave_no_temporary_files(tmp_path):
    graph = de_bruijn_graph(["ACGT", "CGTA"], 3)
    write_gfa(graph, tmp_path / "out" / "graph.gfa")
    write_edges_tsv(graph, tmp_path / "out" / "edges.tsv")
    assert (tmp_path / "out" / "graph.gfa").read_text() == EXPECTED_GFA
    assert (tmp_path / "out" / "edges.tsv").read_text() == EXPECTED_TSV
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["edges.tsv", "graph.gfa"]
