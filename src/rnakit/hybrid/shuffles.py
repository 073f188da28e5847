"""Random targets for calibrating hybridisation statistics: shuffles and dinucleotide Markov chains.

Calibration needs targets that look like real ones but hold no real sites. Two ways, as RNAhybrid's
tools do: a uniformly random permutation of a real target that keeps its exact dinucleotide counts
(Altschul & Erickson 1985, via an Euler path as Kandel et al. 1996), or first-order Markov sequences
from 16 dinucleotide frequencies (RNAcalibrate's ``-d`` files).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from rnakit.errors import InputFormatError, SequenceError, ValueRangeError
from rnakit.seq.alphabet import normalise_rna
from rnakit.seq.composition import kmer_counts

RNA = "ACGU"
#: the 16 dinucleotides, first letter major: the row-major order of a 4 × 4 frequency matrix
DINUCLEOTIDES: tuple[str, ...] = tuple(a + b for a in RNA for b in RNA)

#: ``{"AC": 0.05, ...}`` (T or U, any case) or a 4 × 4 array, rows = first letter in A, C, G, U order
DinucleotideFrequencies = Mapping[str, float] | np.ndarray | Sequence[Sequence[float]]


def _walk(first: int, successors: Sequence[Sequence[int] | None], length: int) -> str:
    """Follow per-letter successor lists from ``first``: each visit to a letter takes its next entry."""
    out = bytearray(length)
    out[0] = state = first
    used = [0] * len(successors)
    for i in range(1, length):
        nxt = successors[state][used[state]]  # type: ignore[index]
        used[state] += 1
        out[i] = state = nxt
    return out.decode("ascii")


def dinucleotide_shuffle(sequence: str, rng: np.random.Generator) -> str:
    """A uniformly random sequence with exactly the dinucleotide counts of ``sequence``.

    Random targets must keep the dinucleotide composition, since stacking energies are dinucleotide
    properties. Altschul & Erickson (1985) / Kandel et al. (1996): the sequence is an Euler path in
    the multigraph letter → next letter; pick each letter's last exit so that the last exits form a
    spanning arborescence towards the final letter (Wilson's loop-erased walk, each step drawn in
    proportion to the edge counts, gives every consistent path the same probability), shuffle each
    letter's other exits, then walk from the first letter. First and last letters are kept. No
    maintained package on this machine offers this with a numpy Generator (``ushuffle`` ships no
    wheels since 2020; ``dinuc-shuf`` is a single beta on one-hot arrays), hence this version.
    """
    if len(sequence) < 3:
        return sequence  # at most one edge: only one arrangement
    try:
        codes = np.frombuffer(sequence.encode("ascii"), dtype=np.uint8)
    except UnicodeEncodeError as error:
        raise SequenceError(f"cannot shuffle non-ASCII letter {sequence[error.start]!r}") from None
    source, target = codes[:-1], codes[1:]
    letters = [int(letter) for letter in np.unique(source)]
    exits = {u: target[source == u] for u in letters}
    root = int(codes[-1])
    last_exit: dict[int, int] = {}
    in_tree = {root}
    for start in letters:  # Wilson: random walk until the tree is hit; the last exit from each letter wins
        u = start
        while u not in in_tree:
            edges = exits[u]
            last_exit[u] = int(edges[rng.integers(len(edges))])
            u = last_exit[u]
        u = start
        while u not in in_tree:
            in_tree.add(u)
            u = last_exit[u]
    successors: list[list[int] | None] = [None] * 256
    for u, edges in exits.items():
        if u == root:
            successors[u] = rng.permutation(edges).tolist()
        else:
            keep = np.delete(edges, int(np.flatnonzero(edges == last_exit[u])[0]))
            successors[u] = rng.permutation(keep).tolist() + [last_exit[u]]
    return _walk(int(codes[0]), successors, len(sequence))


def _normalise_dinucleotide(key: str) -> str:
    return key.strip().upper().replace("T", "U")


def frequency_matrix(frequencies: DinucleotideFrequencies) -> np.ndarray:
    """A 4 × 4 matrix (A, C, G, U; rows = first letter) summing to 1; every reachable letter can go on."""
    if isinstance(frequencies, Mapping):
        values: dict[str, float] = {}
        for key, value in frequencies.items():
            name = _normalise_dinucleotide(str(key))
            if name not in DINUCLEOTIDES:
                raise ValueRangeError(f"unknown dinucleotide {key!r}; expected two of A, C, G, U/T")
            values[name] = float(value)
        missing = [name for name in DINUCLEOTIDES if name not in values]
        if missing:
            raise ValueRangeError(f"dinucleotide frequencies lack {', '.join(missing)}")
        matrix = np.array([values[name] for name in DINUCLEOTIDES], dtype=float).reshape(4, 4)
    else:
        matrix = np.array(frequencies, dtype=float)
        if matrix.shape != (4, 4):
            raise ValueRangeError(f"dinucleotide frequencies must be 4 × 4 (A, C, G, U), not {matrix.shape}")
    if not np.all(np.isfinite(matrix)) or np.any(matrix < 0) or matrix.sum() <= 0:
        raise ValueRangeError("dinucleotide frequencies must be finite, ≥ 0 and not all 0")
    matrix = matrix / matrix.sum()
    reachable = (matrix.sum(axis=0) + matrix.sum(axis=1)) > 0
    stuck = reachable & (matrix.sum(axis=1) == 0)
    if stuck.any():
        letters = ", ".join(RNA[i] for i in np.flatnonzero(stuck))
        raise ValueRangeError(f"letter(s) {letters} occur but no dinucleotide starts with them: "
                              "sequences could not go on")
    return matrix


def count_dinucleotide_frequencies(sequences: Iterable[str]) -> dict[str, float]:
    """Relative dinucleotide frequencies of ``sequences`` (as RNAcalibrate ``-s`` counts them); others are skipped."""
    counts = sum((kmer_counts(normalise_rna(sequence), 2) for sequence in sequences), np.zeros(16, dtype=np.int64))
    total = int(counts.sum())
    if total == 0:
        raise ValueRangeError("no dinucleotide of A, C, G, U in the sequences")
    return {pair: float(count) / total for pair, count in zip(DINUCLEOTIDES, counts)}


def read_frequency_file(path: str | os.PathLike[str]) -> dict[str, float]:
    """The 16 dinucleotide frequencies of an RNAcalibrate ``-d`` file, as RNA keys summing to 1.

    The format (RNAhybrid's ``examples/*.freq``): ``#`` comments, blank lines, and one ``XY: value``
    line per dinucleotide (T or U, any case; a space may replace the colon). Each of the 16 must
    appear exactly once; errors name the file and line, since these files are often hand-edited.
    """
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputFormatError(f"cannot read dinucleotide frequency file: {error}", file=name) from None
    values: dict[str, float] = {}
    lines: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"(\S+?)\s*[:\s]\s*(\S+)", line)
        if match is None:
            raise InputFormatError(f"line {number}: expected 'XY: frequency' (e.g. 'AC: 0.05'), got {raw.strip()!r}",
                                   file=name)
        pair = _normalise_dinucleotide(match.group(1))
        if pair not in DINUCLEOTIDES:
            raise InputFormatError(f"line {number}: {match.group(1)!r} is not a dinucleotide of A, C, G, U/T",
                                   file=name)
        if pair in values:
            raise InputFormatError(f"line {number}: {pair} given again (first on line {lines[pair]})", file=name)
        try:
            value = float(match.group(2))
        except ValueError:
            raise InputFormatError(f"line {number}: frequency {match.group(2)!r} of {pair} is not a number",
                                   file=name) from None
        if not math.isfinite(value) or value < 0:
            raise InputFormatError(f"line {number}: frequency {value} of {pair} must be finite and ≥ 0", file=name)
        values[pair], lines[pair] = value, number
    missing = [pair for pair in DINUCLEOTIDES if pair not in values]
    if missing:
        raise InputFormatError(f"missing dinucleotide(s) {', '.join(missing)}: all 16 are needed", file=name)
    total = sum(values.values())
    if total <= 0:
        raise InputFormatError("all dinucleotide frequencies are 0", file=name)
    return {pair: values[pair] / total for pair in DINUCLEOTIDES}


def random_targets_from_frequencies(
    dinucleotide_freqs: DinucleotideFrequencies, lengths: Iterable[int], rng: np.random.Generator,
) -> list[str]:
    """First-order Markov RNA sequences, one per length, with the given dinucleotide frequencies.

    As RNAcalibrate ``-d``: the first letter follows the single-letter frequencies (the mean of the
    matrix's row and column sums), each next letter ``b`` after ``a`` has probability
    ``f(ab) / Σ_c f(ac)``. Frequencies counted from real sequences are (nearly) balanced, so the
    chain's own dinucleotide frequencies are the given ones.
    """
    matrix = frequency_matrix(dinucleotide_freqs)
    start = (matrix.sum(axis=0) + matrix.sum(axis=1)) / 2
    rows = matrix.sum(axis=1)
    codes = np.frombuffer(RNA.encode("ascii"), dtype=np.uint8)
    sequences = []
    for length in lengths:
        length = int(length)
        if length < 0:
            raise ValueRangeError(f"sequence length {length} must be ≥ 0")
        if length == 0:
            sequences.append("")
            continue
        first = int(codes[rng.choice(4, p=start / start.sum())])
        successors: list[list[int] | None] = [None] * 256
        for a in range(4):  # a stream of independent next letters per letter: walking it is the Markov chain
            if rows[a] > 0:
                successors[codes[a]] = codes[rng.choice(4, size=length - 1, p=matrix[a] / rows[a])].tolist()
        sequences.append(_walk(first, successors, length))
    return sequences


def draw_lengths(mean: float, std: float, count: int, rng: np.random.Generator, max_length: int) -> np.ndarray:
    """Normal lengths truncated to integers, redrawn while outside [1, max_length] (as RNAcalibrate -l)."""
    if max_length < 1 or std < 0 or not (1 <= mean <= max_length or std > 0):
        raise ValueRangeError(f"length distribution N({mean}, {std}) truncated to [1, {max_length}] is empty")
    lengths = np.zeros(count, dtype=np.int64)
    todo = np.arange(count)
    for _ in range(1000):
        if todo.size == 0:
            return lengths
        draws = (rng.standard_normal(todo.size) * std + mean).astype(np.int64)
        ok = (draws >= 1) & (draws <= max_length)
        lengths[todo[ok]] = draws[ok]
        todo = todo[~ok]
    raise ValueRangeError(f"length distribution N({mean}, {std}) hardly ever falls in [1, {max_length}]")
