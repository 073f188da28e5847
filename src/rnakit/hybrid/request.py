"""The hybridisation job as one request: ``rnakit hybrid search``, the Hybridise page, its JSON API and
``rnakit.hybridise`` all fill a :class:`HybridRequest` and call :meth:`HybridRequest.run`.

Light at import (no numpy, numba or ViennaRNA): the command line builds its options from it.

    >>> request = HybridRequest.from_dict({"helix": "2,8", "hits": "2", "p_values": "3utr_human"})
    >>> request.helix, request.hits, request.max_internal
    ((2, 8), 2, 15)
    >>> request.cli_command(query="mirnas.fa", target="utrs.fa")
    'rnakit hybrid search --query mirnas.fa --target utrs.fa --helix 2,8 --hits 2 --p-values 3utr_human'
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rnakit.errors import SequenceError, ValueRangeError
from rnakit.hybrid.formats import FORMATS
from rnakit.hybrid.options import MAX_QUERY_LENGTH, MAX_TARGET_LENGTH, QUERY_LETTERS, TARGET_LETTERS, SearchOptions
from rnakit.requests import Request, RequestError, flag_of

if TYPE_CHECKING:
    import pandas as pd

    from rnakit.hybrid.hit import Hit
    from rnakit.hybrid.stats import Evd

#: ``p_values`` besides a shipped parameter set's name: none, or calibrate on shuffled targets
P_VALUE_MODES = ("none", "calibrate")


def _two(kind: type) -> Any:
    """Parser of ``'A,B'`` into two values of ``kind`` (ValueError otherwise: the request names the field)."""
    def parse(text: str) -> tuple | None:
        if not text:  # an empty form field: not given
            return None
        parts = text.split(",")
        if len(parts) != 2:
            raise ValueError(text)
        return tuple(kind(part) for part in parts)
    return parse


@dataclass(frozen=True)
class HybridRequest(Request):
    """Where short RNAs (miRNAs, siRNA guides) bind targets, as RNAhybrid searches (same options).

    ``query``/``target``: FASTA files (the command line's inputs; the other doors pass sequences to
    :meth:`hits`). ``energy_cutoff``, ``helix``, ``max_internal``, ``max_bulge``, ``hits``: RNAhybrid's
    -e, -f, -u, -v, -b. ``p_values``: ``none``, ``calibrate`` (fit the extreme-value law per query on
    dinucleotide shuffles of the targets) or a shipped parameter set (``3utr_human``, RNAhybrid's -s);
    ``evd``: (location, scale) of the law instead (-d). ``p_cutoff``: keep hits with p-value ≤ it.
    ``format`` and ``out``: how and where the command line writes the hits.
    The search's own defaults are :class:`~rnakit.hybrid.options.SearchOptions`'s.
    """

    COMMAND = ("hybrid", "search")
    PARSERS = {"helix": _two(int), "evd": _two(float)}
    HINTS = {"helix": "FROM,TO (two whole numbers)", "evd": "LOCATION,SCALE (two numbers)"}

    query: Path | None = None
    target: Path | None = None
    energy_cutoff: float | None = SearchOptions.energy_cutoff
    helix: tuple[int, int] | None = SearchOptions.helix
    max_internal: int = SearchOptions.max_internal
    max_bulge: int = SearchOptions.max_bulge
    hits: int = SearchOptions.hits
    p_values: str = "none"
    evd: tuple[float, float] | None = None
    p_cutoff: float | None = None
    format: str = "rnahybrid"
    out: Path | None = None

    # --- checks --------------------------------------------------------------------------------

    def _check(self) -> None:
        try:
            self.search_options().check()
        except ValueRangeError as error:  # SearchOptions names its fields as this request does
            raise self.error(error.detail, error.column or "helix") from None
        known = (*P_VALUE_MODES, *sorted(p_value_sets()))
        if self.p_values not in known:
            raise self.error(f"unknown mode or parameter set {self.p_values!r} (known: {', '.join(known)})", "p_values")
        if self.evd is not None:
            if len(self.evd) != 2:
                raise self.error(f"{self.evd} is not {self.HINTS['evd']}", "evd")
            if self.evd[1] <= 0:
                raise self.error(f"scale {self.evd[1]:g} must be > 0", "evd")
            if self.p_values != "none":
                raise self.error(f"give one of {self.FLAGS['p_values']} and {self.FLAGS['evd']}, not both", "evd")
        if self.p_cutoff is not None and self.evd is None and self.p_values == "none":
            raise self.error(f"a p-value cut-off needs p-values ({self.FLAGS['p_values']} or {self.FLAGS['evd']})",
                             "p_cutoff")
        if self.format not in FORMATS:
            raise self.error(f"unknown format {self.format!r} (known: {', '.join(FORMATS)})", "format")

    def search_options(self) -> SearchOptions:
        """The search's own options (RNAhybrid's -e, -f, -u, -v, -b)."""
        return SearchOptions(energy_cutoff=self.energy_cutoff, helix=self.helix, max_internal=self.max_internal,
                             max_bulge=self.max_bulge, hits=self.hits)

    @property
    def wants_p_values(self) -> bool:
        return self.evd is not None or self.p_values != "none"

    def check_queries(self, queries: Sequence[tuple[str | int, str]], *, file: str | None = None) -> None:
        """The helix must end within every query (RequestError naming the file, record and field)."""
        for query_id, sequence in queries:
            if self.helix is not None and self.helix[1] > len(sequence):
                raise self.error(f"ends at {self.helix[1]} but the query is {len(sequence)} nt", "helix",
                                 file=file, row=query_id)

    # --- running -------------------------------------------------------------------------------

    def laws(self, queries: Sequence[str], targets: Sequence[str]) -> dict[str, Evd]:
        """The extreme-value law of each distinct query sequence ({} when no p-values are asked for)."""
        from rnakit.hybrid.significance import calibrated_evd, fixed_set_evd
        from rnakit.hybrid.stats import Evd

        distinct = sorted(set(queries))
        if self.evd is not None:
            return dict.fromkeys(distinct, Evd(*self.evd))
        if self.p_values == "calibrate":
            return {q: calibrated_evd(q, targets, self.search_options()) for q in distinct}
        if self.p_values != "none":
            return {q: fixed_set_evd(self.p_values, q) for q in distinct}
        return {}

    def run(self, queries: Sequence[tuple[str, str]], targets: Sequence[tuple[str, str]], *, threads: int = 1,
            done: Callable[[], None] | None = None) -> Iterator[Hit]:
        """Every hit of each ``(id, RNA)`` query on each target (targets outer, as RNAhybrid orders
        them), with its p-value when asked for and within ``p_cutoff``. Sequences must be checked
        (see :func:`records`). ``threads`` targets are searched at once; ``done()`` is called as each
        target is finished (for a progress bar)."""
        from rnakit.hybrid.search import search
        from rnakit.hybrid.significance import with_p_value

        self.check()
        self.check_queries(queries)
        laws = self.laws([q for _, q in queries], [t for _, t in targets])
        for hit in search(queries, targets, self.search_options(), threads=threads, done=done):
            law = laws.get(hit.query)
            hit = with_p_value(hit, law) if law is not None else hit
            if self.p_cutoff is None or (hit.p_value is not None and hit.p_value <= self.p_cutoff):
                yield hit


def p_value_sets() -> tuple[str, ...]:
    """Names of the shipped parameter sets ``p_values`` may name."""
    from rnakit.hybrid.stats import shipped_sets  # numpy only: checking a request loads no search

    return tuple(sorted(shipped_sets()))


HybridRequest.FLAGS = {f.name: flag_of(f.name) for f in fields(HybridRequest)}


def records(data: Any, field: str, *, longest: int | None = None) -> list[tuple[str, str]]:
    """``(id, RNA)`` of queries (``field='query'``) or targets (``'target'``) given as a FASTA path,
    FASTA text, a sequence, a SeqRecord or a list of them, each checked (errors name the file, the
    record and ``field``)."""
    from rnakit.hybrid.inputs import read_records
    from rnakit.hybrid.search import check_sequence
    from rnakit.seq.records import sequence_records

    letters = QUERY_LETTERS if field == "query" else TARGET_LETTERS
    longest = longest or (MAX_QUERY_LENGTH if field == "query" else MAX_TARGET_LENGTH)
    if isinstance(data, os.PathLike) or (isinstance(data, str) and os.path.isfile(data)):
        found = read_records(data, field, longest=longest, letters=letters)
    else:
        found = [(record_id, check_sequence(sequence, field, record_id, longest=longest, letters=letters))
                 for record_id, sequence in sequence_records(data, name=field)]
    if not found:
        raise SequenceError("no sequences given", column=field)
    return found


def hybridise(queries: Any, targets: Any, **options: Any) -> pd.DataFrame:
    """Every hit of each query on each target as the table ``rnakit hybrid search --format tsv``
    writes (same columns; a missing p-value is NaN). ``queries``/``targets``: FASTA paths, sequences,
    SeqRecords or lists of them; ``options``: :class:`HybridRequest` fields (``helix=(2, 8)`` or
    ``"2,8"``, ``hits``, ``p_values="3utr_human"``, …).

    >>> let7a = "UGAGGUAGUAGGUUGUAUAGUU"
    >>> table = hybridise(let7a, "CUAUGCAACCUACUACCUCAGGA", helix=(2, 8), p_values="3utr_human")
    >>> print(table[["query_id", "energy", "target_first", "target_last", "n_pairs"]].to_string(index=False))
    query_id  energy  target_first  target_last  n_pairs
       query   -34.4             1           20       20
    """
    import pandas as pd

    from rnakit.hybrid.formats import TSV_COLUMNS, hit_record

    for name in ("query", "target", "format", "out"):
        if name in options:
            raise RequestError("not an option of rnakit.hybridise (the sequences are its first two arguments, "
                               "the table its answer)", name=name)
    request = HybridRequest.from_dict(options)
    found = request.run(records(queries, "query"), records(targets, "target"))
    return pd.DataFrame([hit_record(hit) for hit in found], columns=list(TSV_COLUMNS)).astype({"p_value": float})
