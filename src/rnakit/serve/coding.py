"""Coding potential from the web: pasted or uploaded FASTA scored by the shipped CPAT-style model,
with the same columns as ``rnakit lncrna coding-potential``."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pandas as pd

from rnakit.files import atomic_directory
from rnakit.lncrna.coding import CodingModel, write_scores
from rnakit.serve.inputs import shown_as
from rnakit.seq.fasta import iter_fasta_records

PASTED = "pasted transcripts"
CODING_FILE = "coding.tsv"


def coding_potential(path: Path, display: str, output: Path) -> None:
    """Score every record of ``path`` (errors name ``display``); write coding.tsv into ``output``."""
    model = CodingModel.load(None)
    with shown_as(path, display):
        scores = model.score([(record_id, seq) for record_id, _, seq in iter_fasta_records(path)], source=display)
    with atomic_directory(output) as scratch, open(scratch / CODING_FILE, "w", encoding="utf-8") as handle:
        write_scores(scores, handle)


def cli_command(display: str) -> str:
    return shlex.join(["rnakit", "lncrna", "coding-potential", display, "-o", CODING_FILE])


def read_result(output: Path) -> dict[str, Any]:
    frame = pd.read_csv(output / CODING_FILE, sep="\t", dtype={"id": str})
    return {"rows": frame.to_dict(orient="records")}
