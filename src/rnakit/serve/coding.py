"""Coding potential from the web: pasted or uploaded FASTA scored as ``rnakit lncrna coding-potential``
scores it (one CodingRequest, the same columns)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from rnakit.files import atomic_directory
from rnakit.lncrna.request import CodingRequest
from rnakit.serve.inputs import shown_as
from rnakit.seq.fasta import iter_fasta_records

PASTED = "pasted transcripts"
CODING_FILE = "coding.tsv"


def coding_potential(path: Path, display: str, output: Path, request: CodingRequest = CodingRequest()) -> None:
    """Score every record of ``path`` (errors name ``display``); write coding.tsv into ``output``."""
    with shown_as(path, display):
        scores = request.run([(record_id, seq) for record_id, _, seq in iter_fasta_records(path)], source=display)
    with atomic_directory(output) as scratch, open(scratch / CODING_FILE, "w", encoding="utf-8") as handle:
        request.write(scores, handle)


def cli_command(display: str, request: CodingRequest = CodingRequest()) -> str:
    """The command line doing the same (the transcripts as ``display``)."""
    return request.cli_command(fasta=display, out=CODING_FILE)


def read_result(output: Path) -> dict[str, Any]:
    frame = pd.read_csv(output / CODING_FILE, sep="\t", dtype={"id": str})
    return {"rows": frame.to_dict(orient="records")}
