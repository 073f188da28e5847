"""Hybridisation search: the best binding sites of short queries on long targets (RNAhybrid's job)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import islice

import numpy as np

from rnakit.errors import SequenceError, ValueRangeError
from rnakit.hybrid.duplex import best_duplex, best_energies
from rnakit.hybrid.energy import MAXLOOP, encode, encode_joined, turner2004
from rnakit.hybrid.hit import Hit
from rnakit.hybrid.options import MAX_QUERY_LENGTH, MAX_TARGET_LENGTH, QUERY_LETTERS, TARGET_LETTERS, SearchOptions
from rnakit.seq.alphabet import validate_rna

#: ViennaRNA's ``duplexfold`` limits (any loop up to 30 nt in total, any query length), for exact
#: agreement with it.
DUPLEXFOLD_OPTIONS = SearchOptions(max_internal=MAXLOOP, max_bulge=MAXLOOP, max_query_length=1000)


def check_sequence(sequence: str, field: str, record: str | None, *, longest: int, letters: frozenset[str]) -> str:
    """RNA (ACGU; targets may hold N) of a sane length, or SequenceError naming record and field."""
    rna = validate_rna(sequence, row=record, column=field, letters=letters)
    if len(rna) > longest:
        raise SequenceError(f"{len(rna)} nt is longer than the {longest:,} nt allowed", row=record, column=field)
    return rna


def hybridise(
    query: str, target: str, options: SearchOptions = SearchOptions(), *,
    query_id: str = "query", target_id: str = "target",
) -> list[Hit]:
    """The best hits of ``query`` on ``target``, best first (at most ``options.hits``).

    An empty list means nothing binds within the options (or below the energy cutoff).
    """
    options.check()
    query = check_sequence(query, "query", query_id, longest=options.max_query_length, letters=QUERY_LETTERS)
    target = check_sequence(target, "target", target_id, longest=MAX_TARGET_LENGTH, letters=TARGET_LETTERS)
    if options.helix is not None and options.helix[1] > len(query):
        raise ValueRangeError(f"helix ends at {options.helix[1]} but the query is {len(query)} nt",
                              row=query_id, column="helix")
    tables = turner2004()
    target_codes, query_codes = encode(target), encode(query)
    allowed = np.ones(len(target_codes), dtype=bool)
    hits: list[Hit] = []
    for _ in range(options.hits):
        energy, pairs = best_duplex(target_codes, query_codes, allowed, tables, max_internal=options.max_internal,
                                    max_bulge=options.max_bulge, helix=options.helix)
        if not pairs or (options.energy_cutoff is not None and energy > options.energy_cutoff):
            break
        hit = Hit(target_id, query_id, target, query, energy, tuple((int(t), int(q)) for t, q in pairs))
        hits.append(hit)
        allowed[hit.target_first + 1 : hit.target_last + 2] = False  # codes are 1-based
    return hits


def _checked_codes(sequences: Sequence[str], field: str, *, longest: int,
                   letters: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`encode_joined` of the sequences as :func:`check_sequence` returns them. Sequences already in
    ``letters`` (uppercase, no T) are returned unchanged by it, so those are checked at once, as one set of
    letters; otherwise each is checked in turn, for the one-line error naming it."""
    sequences = list(sequences)
    if not (all(0 < len(s) <= longest for s in sequences) and set("".join(sequences)) <= letters):
        sequences = [check_sequence(s, field, field, longest=longest, letters=letters) for s in sequences]
    return encode_joined(sequences)


def duplex_energies(queries: Sequence[str], targets: Sequence[str]) -> np.ndarray:
    """MFE (kcal/mol) of intermolecular pairs only of each (query, target) pair, exactly as
    ``RNA.duplexfold`` computes it (0.0 when nothing pairs), all pairs in one compiled loop.

    The one guide–target hybridisation energy in rnakit: siRNA features call this too.
    """
    options = DUPLEXFOLD_OPTIONS
    query_codes = _checked_codes(queries, "query", longest=options.max_query_length, letters=QUERY_LETTERS)
    target_codes = _checked_codes(targets, "target", longest=MAX_TARGET_LENGTH, letters=TARGET_LETTERS)
    energies = best_energies(target_codes, query_codes, turner2004(), max_internal=options.max_internal,
                             max_bulge=options.max_bulge)
    return np.where(np.isinf(energies), 0.0, energies)


def duplex_energy(query: str, target: str) -> float:
    """:func:`duplex_energies` of one pair."""
    return float(duplex_energies([query], [target])[0])


def search(
    queries: Iterable[tuple[str, str]], targets: Iterable[tuple[str, str]], options: SearchOptions = SearchOptions(),
    *, threads: int = 1, done: Callable[[], None] | None = None,
) -> Iterator[Hit]:
    """Every (target, query) combination, targets outer (as RNAhybrid orders its output).

    With ``threads`` > 1 that many targets are searched at once in threads (the compiled table fill
    releases the GIL), the output in the same order; ``done()`` is called as each target's hits are out.
    """
    query_list = list(queries)

    def one(item: tuple[str, str]) -> list[Hit]:
        target_id, target = item
        return [hit for query_id, query in query_list
                for hit in hybridise(query, target, options, query_id=query_id, target_id=target_id)]

    pending = iter(targets)
    with ThreadPoolExecutor(max(1, threads)) as pool:
        # a few batches ahead at most, so a huge target file is not held as hits all at once
        while batch := list(islice(pending, max(1, threads) * 4)):
            for hits in (pool.map(one, batch) if threads > 1 else map(one, batch)):
                yield from hits
                if done is not None:
                    done()
