"""RNA–RNA hybridisation from the web: pasted query and target, searched within the request.

The same checks and search as ``rnakit hybrid search`` (query ≤ 30 nt, RNAhybrid's options); the
server also bounds the work (queries × target nucleotides) so one request cannot hold it for long.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rnakit.errors import ValueRangeError
from rnakit.files import atomic_directory
from rnakit.hybrid.formats import write_hits
from rnakit.hybrid.inputs import read_records
from rnakit.hybrid.options import MAX_QUERY_LENGTH, MAX_TARGET_LENGTH, QUERY_LETTERS, TARGET_LETTERS
from rnakit.hybrid.request import HybridRequest, p_value_sets
from rnakit.serve.inputs import save_text, shown_as

QUERY, TARGET = "pasted query", "pasted target"
#: Output files: hits.tsv (a table), hits.txt (RNAhybrid's layout), hits.json (what the API returns).
HIT_FILES = {"tsv": "hits.tsv", "rnahybrid": "hits.txt", "json": "hits.json"}
#: The request fields the page and the API fill (the sequences are pasted; the server writes every format).
FIELDS = ("energy_cutoff", "helix", "hits", "max_internal", "max_bulge", "p_values", "evd", "p_cutoff")


def request_from(values: Mapping[str, Any]) -> HybridRequest:
    """The request from form or JSON values (absent or empty ones take the request's defaults)."""
    request = HybridRequest.from_dict({k: v for k, v in values.items() if k in FIELDS and v is not None and v != ""})
    if request.p_values == "calibrate":  # minutes of shuffled searches: not within a web request
        raise request.error("calibration runs on the command line only (rnakit hybrid search --p-values calibrate); "
                            f"here choose one of {', '.join(p_value_choices())}", "p_values")
    return request


def p_value_choices() -> list[str]:
    """What the page's p-value menu offers: none, or a shipped parameter set."""
    return ["none", *p_value_sets()]


def form_defaults() -> dict[str, Any]:
    """What the page's empty fields show, its p-value menu and the longest query."""
    return {**{name: HybridRequest.spelt_default(name) for name in FIELDS}, "p_value_choices": p_value_choices(),
            "max_query_nt": MAX_QUERY_LENGTH}


def _records(text: str, folder: Path, field: str, display: str, longest: int,
             letters: frozenset[str]) -> list[tuple[str, str]]:
    """Pasted FASTA (or one bare sequence) read with rnakit's FASTA reader, each record checked."""
    path = save_text(text, folder, f"{field}.fa", fasta_id=field)
    with shown_as(path, display):
        return read_records(path, field, longest=longest, letters=letters, file=display)


def hybridise(query: str, target: str, request: HybridRequest, *, folder: Path, max_nt: int, max_work: int) -> None:
    """Search every query against every target; write HIT_FILES into ``folder/output``."""
    scratch = folder / "input"
    queries = _records(query, scratch, "query", QUERY, MAX_QUERY_LENGTH, QUERY_LETTERS)
    targets = _records(target, scratch, "target", TARGET, min(max_nt, MAX_TARGET_LENGTH), TARGET_LETTERS)
    request.check_queries(queries, file=QUERY)
    work = len(queries) * sum(len(sequence) for _, sequence in targets)
    if work > max_work:
        raise ValueRangeError(f"{len(queries)} queries × {work // len(queries):,} target nt is more than this server "
                              f"hybridises within a request (limit {max_work:,}; use rnakit hybrid search)", file=TARGET)
    hits = list(request.run(queries, targets))
    with atomic_directory(folder / "output") as output:
        for fmt, name in HIT_FILES.items():
            with open(output / name, "w", encoding="utf-8") as handle:
                write_hits(hits, handle, fmt)


def cli_command(request: HybridRequest) -> str:
    """The command line doing the same (the pasted sequences as query.fa and target.fa)."""
    return request.cli_command(query="query.fa", target="target.fa")


def read_result(output: Path) -> dict[str, Any]:
    return {"hits": json.loads((output / HIT_FILES["json"]).read_text(encoding="utf-8")),
            "rnahybrid": (output / HIT_FILES["rnahybrid"]).read_text(encoding="utf-8")}
