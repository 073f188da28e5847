"""Coding potential from the web: pasted or uploaded FASTA scored by the shipped CPAT-style model,
with the same columns as ``rnakit lncrna coding-potential``."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pandas as pd

from rnakit.files import atomic_directory
from rnakit.lncrna.coding import CodingModel
from rnakit.serve.inputs import shown_as
from rnakit.seq.fasta import iter_fasta_records

PASTED = "pasted transcripts"
CODING_FILE = "coding.tsv"
#: The CLI's column names (rnakit lncrna coding-potential), CPAT's where it has one.
COLUMNS = {"mrna_size": "mRNA_size", "orf_size": "ORF_size", "fickett": "Fickett_score",
           "hexamer": "Hexamer_score", "coding_probability": "coding_prob"}


def coding_potential(path: Path, display: str, output: Path) -> None:
    """Score every record of ``path`` (errors name ``display``); write coding.tsv into ``output``."""
    model = CodingModel.load(None)
    with shown_as(path, display):
        scores = model.score(((record_id, seq) for record_id, _, seq in iter_fasta_records(path)), source=display)
    table = scores.rename(columns=COLUMNS)
    table["label"] = scores["coding"].map({True: "coding", False: "noncoding"})
    with atomic_directory(output) as scratch:
        table.drop(columns="coding").to_csv(scratch / CODING_FILE, sep="\t", index=False, float_format="%.6g")


def cli_command(display: str) -> str:
    return shlex.join(["rnakit", "lncrna", "coding-potential", display, "-o", CODING_FILE])


def read_result(output: Path) -> dict[str, Any]:
    frame = pd.read_csv(output / CODING_FILE, sep="\t", dtype={"id": str})
    return {"rows": frame.to_dict(orient="records")}
