"""RNA–RNA hybridisation from the web: pasted query and target, searched within the request.

The same checks and search as ``rnakit hybrid search`` (query ≤ 30 nt, RNAhybrid's options); the
server also bounds the work (queries × target nucleotides) so one request cannot hold it for long.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rnakit.errors import ValueRangeError
from rnakit.files import atomic_directory
from rnakit.hybrid.formats import write_hits
from rnakit.hybrid.inputs import QUERY_LETTERS, TARGET_LETTERS, check_helix_fits, parse_helix, read_records
from rnakit.hybrid.search import MAX_QUERY_LENGTH, MAX_TARGET_LENGTH, SearchOptions, search
from rnakit.hybrid.significance import fixed_set_evd, shipped_sets, with_p_value
from rnakit.serve.inputs import save_text, shown_as

QUERY, TARGET = "pasted query", "pasted target"
#: Output files: hits.tsv (a table), hits.txt (RNAhybrid's layout), hits.json (what the API returns).
HIT_FILES = {"tsv": "hits.tsv", "rnahybrid": "hits.txt", "json": "hits.json"}


@dataclass(frozen=True)
class HybridOptions:
    """RNAhybrid's options offered on the page (``p_values``: none or a shipped set such as 3utr_human)."""

    energy_cutoff: float | None = None
    helix: str | None = None
    hits: int = 1
    max_internal: int = 15
    max_bulge: int = 15
    p_values: str = "none"

    def search_options(self) -> SearchOptions:
        options = SearchOptions(energy_cutoff=self.energy_cutoff, helix=parse_helix(self.helix), max_internal=self.max_internal,
                                max_bulge=self.max_bulge, hits=self.hits)
        options.check()
        if self.p_values != "none" and self.p_values not in shipped_sets():
            known = ", ".join(["none", *sorted(shipped_sets())])
            raise ValueRangeError(f"unknown p-value set {self.p_values!r} (known: {known})", column="--set")
        return options


def _records(text: str, folder: Path, field: str, display: str, longest: int,
             letters: frozenset[str]) -> list[tuple[str, str]]:
    """Pasted FASTA (or one bare sequence) read with rnakit's FASTA reader, each record checked."""
    path = save_text(text, folder, f"{field}.fa", fasta_id=field)
    with shown_as(path, display):
        return read_records(path, field, longest=longest, letters=letters, file=display)


def hybridise(query: str, target: str, options: HybridOptions, *, folder: Path, max_nt: int, max_work: int) -> None:
    """Search every query against every target; write HIT_FILES into ``folder/output``."""
    search_options = options.search_options()
    scratch = folder / "input"
    queries = _records(query, scratch, "query", QUERY, MAX_QUERY_LENGTH, QUERY_LETTERS)
    targets = _records(target, scratch, "target", TARGET, min(max_nt, MAX_TARGET_LENGTH), TARGET_LETTERS)
    check_helix_fits(search_options.helix, queries, file=QUERY)
    work = len(queries) * sum(len(sequence) for _, sequence in targets)
    if work > max_work:
        raise ValueRangeError(f"{len(queries)} queries × {work // len(queries):,} target nt is more than this server "
                              f"hybridises within a request (limit {max_work:,}; use rnakit hybrid search)", file=TARGET)
    laws = {q: fixed_set_evd(options.p_values, q) for q in {q for _, q in queries}} if options.p_values != "none" else {}
    hits = [with_p_value(hit, laws[hit.query]) if laws else hit for hit in search(queries, targets, search_options)]
    with atomic_directory(folder / "output") as output:
        for fmt, name in HIT_FILES.items():
            with open(output / name, "w", encoding="utf-8") as handle:
                write_hits(hits, handle, fmt)


def cli_command(options: HybridOptions) -> str:
    words = ["rnakit", "hybrid", "search", "-q", "query.fa", "-t", "target.fa"]
    if options.energy_cutoff is not None:
        words += ["-e", f"{options.energy_cutoff:g}"]
    if options.helix:
        words += ["-f", options.helix]
    for flag, value, default in (("-u", options.max_internal, 15), ("-v", options.max_bulge, 15), ("-b", options.hits, 1)):
        if value != default:
            words += [flag, str(value)]
    if options.p_values != "none":
        words += ["-s", options.p_values]
    return shlex.join(words)


def read_result(output: Path) -> dict[str, Any]:
    return {"hits": json.loads((output / HIT_FILES["json"]).read_text(encoding="utf-8")),
            "rnahybrid": (output / HIT_FILES["rnahybrid"]).read_text(encoding="utf-8")}


def options_from(values: Mapping[str, Any]) -> HybridOptions:
    """HybridOptions from already-typed values (absent keys keep their defaults)."""
    return HybridOptions(**{k: v for k, v in values.items() if k in HybridOptions.__dataclass_fields__ and v is not None})
