"""De Bruijn graphs: Eulerian paths, k-mer string reconstruction, contigs, De Bruijn sequences, GFA/TSV.

Nodes are (k−1)-mers; each distinct k-mer is one edge from its prefix to its suffix, weighted by how
often it was seen (its multiplicity). Letters are kept as given after upper-casing and dropping
whitespace: nothing is converted to RNA, so DNA reads, RNA and alphabets such as ``{0, 1}`` all work.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import TextIO

from rnakit.errors import InputFormatError, SequenceError, ValueRangeError
from rnakit.files import atomic_write
from rnakit.seq.alphabet import first_invalid_letter

_SHOWN_UNBALANCED = 5
_MAX_DE_BRUIJN_LENGTH = 10**8
_NUCLEOTIDES = frozenset("ACGTUN")
_UNAMBIGUOUS = re.compile("[ACGTU]+")
_DNA_COMPLEMENT = str.maketrans("ACGTN", "TGCAN")
_RNA_COMPLEMENT = str.maketrans("ACGUN", "UGCAN")


@dataclass(frozen=True)
class DeBruijnGraph:
    """A De Bruijn graph: ``edge_counts`` maps each k-mer (edge prefix → suffix) to its multiplicity.

    Edges keep first-seen order, so every traversal and output is deterministic for a given input.
    ``canonical`` records that both strands were merged (see :func:`de_bruijn_graph`).
    """

    k: int
    edge_counts: Mapping[str, int]
    canonical: bool = False

    def __post_init__(self) -> None:
        _check_k(self.k)
        for kmer, count in self.edge_counts.items():
            if len(kmer) != self.k:
                raise ValueRangeError(f"edge {kmer!r} has {len(kmer)} letters, expected k = {self.k}")
            if count < 1:
                raise ValueRangeError(f"edge {kmer!r} has count {count}, expected at least 1")
        object.__setattr__(self, "edge_counts", MappingProxyType(dict(self.edge_counts)))

    @cached_property
    def nodes(self) -> tuple[str, ...]:
        """The (k−1)-mers in first-seen order (each edge adds its source, then its target)."""
        seen: dict[str, None] = {}
        for kmer in self.edge_counts:
            seen.setdefault(kmer[:-1])
            seen.setdefault(kmer[1:])
        return tuple(seen)

    def edges(self) -> Iterator[tuple[str, str, str, int]]:
        """``(source, target, k-mer, count)`` for every edge, in first-seen order."""
        for kmer, count in self.edge_counts.items():
            yield kmer[:-1], kmer[1:], kmer, count

    def degrees(self, *, use_counts: bool = True) -> dict[str, tuple[int, int]]:
        """``{node: (in-degree, out-degree)}``; with ``use_counts`` an edge counts as often as it was seen."""
        indegree = dict.fromkeys(self.nodes, 0)
        outdegree = dict.fromkeys(self.nodes, 0)
        for source, target, _, count in self.edges():
            weight = count if use_counts else 1
            outdegree[source] += weight
            indegree[target] += weight
        return {node: (indegree[node], outdegree[node]) for node in self.nodes}

    def filtered(self, min_count: int) -> DeBruijnGraph:
        """The graph without the edges seen fewer than ``min_count`` times (sequencing errors)."""
        if min_count < 1:
            raise ValueRangeError(f"min_count must be at least 1, got {min_count}")
        kept = {kmer: count for kmer, count in self.edge_counts.items() if count >= min_count}
        return DeBruijnGraph(self.k, kept, self.canonical)


def de_bruijn_graph(
    sequences: Iterable[str], k: int, *, canonical: bool = False, skip_ambiguous: bool = False
) -> DeBruijnGraph:
    """Build the De Bruijn graph of the k-mers of ``sequences`` (upper-cased, letters otherwise as given).

    Sequences shorter than ``k`` add nothing. With ``skip_ambiguous=True`` (reads) a k-mer holding N or
    any letter other than A, C, G, T or U is skipped, as assemblers do: reads are split there, so an
    unknown base never becomes part of a node. With ``canonical=True`` (reads of unknown strand) each
    k-mer is merged with its reverse complement: both orientations are edges and both carry the
    summed count, so the graph is its own reverse complement and every contig appears on both
    strands (:func:`contigs` reports each pair once). A pairs with T if any sequence holds a T,
    otherwise with U; canonical mode accepts only A, C, G, T or U, and N.
    Raises ValueRangeError for k < 2, InputFormatError for no sequences, SequenceError when k is
    longer than every sequence or (canonical) a letter has no complement.
    """
    _check_k(k)
    counts: Counter[str] = Counter()
    letters: set[str] = set()
    number = longest = 0
    for number, raw in enumerate(sequences, start=1):
        sequence = _normalise(raw)
        longest = max(longest, len(sequence))
        for piece in _UNAMBIGUOUS.findall(sequence) if skip_ambiguous else (sequence,):
            if canonical:
                _check_nucleotides(piece, number)
                letters.update(piece)
            counts.update(piece[i : i + k] for i in range(len(piece) - k + 1))
    if number == 0:
        raise InputFormatError("no sequences given: a De Bruijn graph needs at least one")
    if longest < k:
        raise SequenceError(f"k = {k} is longer than every sequence (the longest has {longest} letters)")
    if canonical:
        return DeBruijnGraph(k, _merge_strands(counts, _complement_table(letters)), canonical=True)
    return DeBruijnGraph(k, counts)


def eulerian_path(graph: DeBruijnGraph, *, use_counts: bool = True) -> list[str]:
    """Walk every edge exactly once (Hierholzer, iterative so long graphs do not hit the recursion limit).

    With ``use_counts`` an edge is walked as many times as it was seen, as string reconstruction
    needs; otherwise once. Returns the visited nodes; when every node is balanced the walk is a cycle
    (first node == last), starting at the graph's first node. Raises ValueRangeError naming the
    unbalanced nodes, or saying the graph is not connected, when no Eulerian path exists.
    """
    if not graph.edge_counts:
        raise ValueRangeError("no Eulerian path: the graph has no edges")
    start = _path_start(graph, graph.degrees(use_counts=use_counts))
    walk = _hierholzer(graph, start, use_counts)
    total = sum(graph.edge_counts.values()) if use_counts else len(graph.edge_counts)
    if len(walk) - 1 < total:
        raise ValueRangeError(
            f"no Eulerian path: the graph is not connected ({_count_components(graph)} separate parts; "
            f"a walk from {start} uses {len(walk) - 1} of {total} edges)"
        )
    return walk


def spell(path: Sequence[str]) -> str:
    """The sequence a walk of overlapping (k−1)-mers spells: the first node, then each next node's last letter."""
    if not path:
        raise ValueRangeError("cannot spell an empty path")
    for index in range(1, len(path)):
        before, after = path[index - 1], path[index]
        if len(before) != len(after) or before[1:] != after[:-1]:
            raise ValueRangeError(
                f"path nodes {index} ({before!r}) and {index + 1} ({after!r}) do not overlap by "
                f"{len(before) - 1} letters"
            )
    return path[0] + "".join(node[-1] for node in path[1:])


def reconstruct(kmers: Iterable[str]) -> str:
    """A sequence whose k-mer multiset is exactly ``kmers`` (string reconstruction from k-mer composition).

    It is spelled by an Eulerian path of the k-mers' De Bruijn graph, each k-mer walked as often as
    given; when several sequences fit, the one found by :func:`eulerian_path` is returned.
    """
    counts: Counter[str] = Counter()
    k = 0
    for number, raw in enumerate(kmers, start=1):
        kmer = _normalise(raw)
        k = k or len(kmer)
        if len(kmer) != k:
            raise SequenceError(f"k-mer {number} ({kmer!r}) has {len(kmer)} letters, but the first has {k}")
        counts[kmer] += 1
    if not counts:
        raise InputFormatError("no k-mers given: nothing to reconstruct")
    return spell(eulerian_path(DeBruijnGraph(k, counts)))


def contigs(graph: DeBruijnGraph, *, min_count: int = 1) -> list[str]:
    """Sequences of the maximal non-branching paths (Compeau & Pevzner), longest first, then alphabetical.

    Edges seen fewer than ``min_count`` times are dropped first, so read errors do not break
    contigs. Branching is judged on distinct edges, not counts. An isolated cycle is reported once,
    spelled from its alphabetically first node back to it. In a canonical graph each contig and its
    reverse complement are one contig, reported as the alphabetically first of the two strands.
    """
    kept = graph.filtered(min_count)
    spelled = [spell(path) for path in _non_branching_paths(kept)]
    if kept.canonical:
        spelled = _one_per_strand_pair(spelled, kept)
    return sorted(spelled, key=lambda contig: (-len(contig), contig))


def assemble(reads: Iterable[str], k: int, *, min_count: int = 2, canonical: bool = False) -> list[str]:
    """Assemble reads into contigs: De Bruijn graph, drop k-mers seen < ``min_count`` times, contigs.

    k-mers with N or another ambiguous letter are skipped (reads are split there). Returns an empty
    list when no k-mer is seen ``min_count`` times. See :func:`de_bruijn_graph` for ``canonical`` and
    the errors.
    """
    return contigs(de_bruijn_graph(reads, k, canonical=canonical, skip_ambiguous=True), min_count=min_count)


def de_bruijn_sequence(alphabet: str | Sequence[str], n: int) -> str:
    """The lexicographically least cyclic De Bruijn sequence B(alphabet, n), letters ordered as given.

    Every word of length n over the alphabet appears exactly once as a cyclic window of the
    |alphabet|^n letters returned. Built as the concatenation of the Lyndon words whose length
    divides n (Fredricksen–Kessler–Maiorana): it spells an Eulerian cycle of the graph of all
    n-words, and unlike a traversal-order-dependent Eulerian cycle it is one well-defined sequence,
    the same as other tools give: B("01", 2) == "0011", B("01", 3) == "00010111".
    """
    letters = _alphabet_letters(alphabet)
    if n < 1:
        raise ValueRangeError(f"n (word length) must be at least 1, got {n}")
    if len(letters) ** n > _MAX_DE_BRUIJN_LENGTH:
        raise ValueRangeError(
            f"B({len(letters)} letters, {n}) would have {len(letters)}^{n} letters, "
            f"more than the {_MAX_DE_BRUIJN_LENGTH} supported"
        )
    return "".join(letters[index] for index in _lyndon_concatenation(len(letters), n))


def write_gfa(graph: DeBruijnGraph, destination: str | os.PathLike[str] | TextIO) -> None:
    """Write the graph as GFA 1 (e.g. for Bandage): an S line per node, named 1, 2, … in node order,
    and an L line per edge with overlap (k−2)M and the edge's count as a ``KC:i:`` tag.

    ``destination`` is an open text handle or a path (written atomically).
    """
    names = {node: index for index, node in enumerate(graph.nodes, start=1)}
    with _open_output(destination) as handle:
        handle.write("H\tVN:Z:1.0\n")
        for node, name in names.items():
            handle.write(f"S\t{name}\t{node}\n")
        for source, target, _, count in graph.edges():
            handle.write(f"L\t{names[source]}\t+\t{names[target]}\t+\t{graph.k - 2}M\tKC:i:{count}\n")


def write_edges_tsv(graph: DeBruijnGraph, destination: str | os.PathLike[str] | TextIO) -> None:
    """Write one row per edge: ``source``, ``target``, ``kmer``, ``count`` (tab-separated, with header).

    ``destination`` is an open text handle or a path (written atomically).
    """
    with _open_output(destination) as handle:
        handle.write("source\ttarget\tkmer\tcount\n")
        for source, target, kmer, count in graph.edges():
            handle.write(f"{source}\t{target}\t{kmer}\t{count}\n")


def _check_k(k: int) -> None:
    if k < 2:
        raise ValueRangeError(f"k must be at least 2 (nodes are (k-1)-mers), got {k}")


def _normalise(sequence: str) -> str:
    return "".join(sequence.split()).upper()


def _check_nucleotides(sequence: str, number: int) -> None:
    bad = first_invalid_letter(sequence, _NUCLEOTIDES)
    if bad is not None:
        raise SequenceError(
            f"sequence {number}: letter {sequence[bad]!r} at position {bad + 1} has no complement "
            "(canonical mode needs A, C, G, T or U, and N)"
        )


def _complement_table(letters: set[str]) -> dict[int, int]:
    if "T" in letters and "U" in letters:
        raise SequenceError("sequences mix T and U: canonical mode needs either DNA or RNA letters")
    return _DNA_COMPLEMENT if "T" in letters else _RNA_COMPLEMENT


def _merge_strands(counts: Mapping[str, int], table: dict[int, int]) -> dict[str, int]:
    """Both orientations of every k-mer, each with the count of the pair (a palindrome counts once)."""
    merged: dict[str, int] = {}
    for kmer, count in counts.items():
        twin = kmer.translate(table)[::-1]
        total = count if twin == kmer else count + counts.get(twin, 0)
        merged.setdefault(kmer, total)
        merged.setdefault(twin, total)
    return merged


def _path_start(graph: DeBruijnGraph, degrees: Mapping[str, tuple[int, int]]) -> str:
    """The node an Eulerian path must start from, or ValueRangeError saying which nodes forbid one."""
    unbalanced = [node for node in graph.nodes if degrees[node][0] != degrees[node][1]]
    if not unbalanced:
        return graph.nodes[0]
    starts = [node for node in unbalanced if degrees[node][1] - degrees[node][0] == 1]
    ends = [node for node in unbalanced if degrees[node][0] - degrees[node][1] == 1]
    if len(unbalanced) == 2 and len(starts) == 1 and len(ends) == 1:
        return starts[0]
    shown = ", ".join(
        f"{node} (in {degrees[node][0]}, out {degrees[node][1]})" for node in unbalanced[:_SHOWN_UNBALANCED]
    )
    hidden = len(unbalanced) - _SHOWN_UNBALANCED
    more = f" … and {hidden} more" if hidden > 0 else ""
    raise ValueRangeError(
        f"no Eulerian path: {len(unbalanced)} nodes are unbalanced, but a path allows only one start "
        f"(out = in + 1) and one end (in = out + 1): {shown}{more}"
    )


def _hierholzer(graph: DeBruijnGraph, start: str, use_counts: bool) -> list[str]:
    remaining: dict[str, list[list]] = {node: [] for node in graph.nodes}
    for source, target, _, count in graph.edges():
        remaining[source].append([target, count if use_counts else 1])
    position = dict.fromkeys(graph.nodes, 0)
    stack, walk = [start], []
    while stack:
        node = stack[-1]
        out, index = remaining[node], position[node]
        while index < len(out) and out[index][1] == 0:
            index += 1
        position[node] = index
        if index < len(out):
            out[index][1] -= 1
            stack.append(out[index][0])
        else:
            walk.append(stack.pop())
    walk.reverse()
    return walk


def _count_components(graph: DeBruijnGraph) -> int:
    """Weakly connected components (union-find), to say how split a graph without an Eulerian path is."""
    parent = {node: node for node in graph.nodes}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for source, target, _, _ in graph.edges():
        parent[root(source)] = root(target)
    return len({root(node) for node in graph.nodes})


def _non_branching_paths(graph: DeBruijnGraph) -> list[list[str]]:
    """Maximal non-branching paths, then the isolated cycles (each from its alphabetically first node)."""
    successors: dict[str, list[str]] = {node: [] for node in graph.nodes}
    for source, target, _, _ in graph.edges():
        successors[source].append(target)
    degrees = graph.degrees(use_counts=False)

    def one_in_one_out(node: str) -> bool:
        return degrees[node] == (1, 1)

    paths, visited = [], set()
    for node in graph.nodes:
        if one_in_one_out(node):
            continue
        for following in successors[node]:
            path = [node, following]
            while one_in_one_out(path[-1]):
                path.append(successors[path[-1]][0])
            paths.append(path)
            visited.update(path)
    for node in sorted(graph.nodes):
        if node not in visited:  # every unvisited node is 1-in-1-out on an isolated cycle
            cycle = [node]
            while len(cycle) == 1 or cycle[-1] != node:
                cycle.append(successors[cycle[-1]][0])
            paths.append(cycle)
            visited.update(cycle)
    return paths


def _one_per_strand_pair(spelled: list[str], graph: DeBruijnGraph) -> list[str]:
    """Keep one contig of each reverse-complement pair (its k-mer sets are each other's twins)."""
    table = _complement_table(set("".join(graph.edge_counts)))
    chosen: dict[frozenset[str], str] = {}
    for contig in spelled:
        kmers = (contig[i : i + graph.k] for i in range(len(contig) - graph.k + 1))
        key = frozenset(min(kmer, kmer.translate(table)[::-1]) for kmer in kmers)
        chosen[key] = min(contig, chosen.get(key, contig))
    return list(chosen.values())


def _alphabet_letters(alphabet: str | Sequence[str]) -> list[str]:
    letters = list(alphabet)
    if not letters:
        raise ValueRangeError("the alphabet is empty")
    if any(not isinstance(letter, str) or len(letter) != 1 for letter in letters):
        raise ValueRangeError(f"alphabet symbols must be single characters, got {letters!r}")
    if len(set(letters)) != len(letters):
        raise ValueRangeError(f"alphabet has repeated letters: {''.join(letters)!r}")
    return letters


def _lyndon_concatenation(size: int, n: int) -> list[int]:
    """Letter indices of the Lyndon words of length dividing n, in lexicographic order (Duval's generator)."""
    sequence: list[int] = []
    word = [-1]
    while word:
        word[-1] += 1
        if n % len(word) == 0:
            sequence.extend(word)
        period = len(word)
        while len(word) < n:
            word.append(word[len(word) - period])
        while word and word[-1] == size - 1:
            word.pop()
    return sequence


@contextlib.contextmanager
def _open_output(destination: str | os.PathLike[str] | TextIO) -> Iterator[TextIO]:
    if hasattr(destination, "write"):
        yield destination  # type: ignore[misc]
    else:
        with atomic_write(destination, "w", encoding="utf-8", newline="\n") as handle:  # type: ignore[arg-type]
            yield handle
