"""Reader for the sirna-data-grabber supplements: Shabalina 2006, Martinelli 2023, Monopoli 2023.

Strand orientation was checked against each file's transcripts (``locate_site``), not taken from
the column names: Shabalina's and Monopoli's ``Sequence`` is found *in* the transcripts (it is the
target/sense strand, so the guide is its reverse complement), while Martinelli's
``Sequence_antisense`` pairs with its target as a guide should.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rnakit.seq.alphabet import normalise_rna, reverse_complement_rna
from rnakit.seq.fasta import read_fasta
from rnakit.sirna.datasets.registry import register_reader
from rnakit.sirna.schema import canonical_frame, numeric_labels, rna_strings, to_remaining_pct
from rnakit.tabular import read_delimited


def _transcripts(path: Path) -> dict[str, str]:
    """Transcripts by accession without version (the CSVs write ``NM_002037``, FASTA may add ``.N``)."""
    return {record.split(".")[0]: normalise_rna(seq) for record, seq in read_fasta(path).items()}


def _lookup(accessions: pd.Series, transcripts: dict[str, str]) -> list[str | None]:
    return [transcripts.get(str(a).strip().split(".")[0]) if pd.notna(a) else None for a in accessions]


def _mod_text(column: pd.Series) -> list[str | None]:
    # "0" marks an unmodified strand in this file.
    return [None if pd.isna(v) or str(v).strip() in ("", "0") else str(v).strip() for v in column]


def _shabalina(folder: Path) -> pd.DataFrame:
    path = folder / "shabalina_extra.csv"
    raw = read_delimited(path, required=["Sequence", "Gene", "Accession_number", "Activity_Remaining_Pct"])
    sense = rna_strings(raw["Sequence"])
    n = len(raw)
    return canonical_frame({
        "id": [f"shabalina:{i}" for i in range(1, n + 1)],
        "guide": [reverse_complement_rna(s) for s in sense],
        "passenger": sense,
        "transcript": _lookup(raw["Accession_number"], _transcripts(folder / "shabalina_transcripts.fasta")),
        "transcript_id": raw["Accession_number"].tolist(),
        "gene": raw["Gene"].astype(str).str.strip().tolist(),
        "publication": ["Shabalina 2006"] * n,
        "remaining_pct": numeric_labels(raw["Activity_Remaining_Pct"], file=str(path), column="Activity_Remaining_Pct"),
        "label_kind": ["remaining"] * n,
        "subset": ["shabalina"] * n,
    }, n)


def _martinelli(folder: Path) -> pd.DataFrame:
    path = folder / "martinelli_extra.csv"
    raw = read_delimited(path, required=["Experiment_ID", "PMID", "Gene", "Accession_number", "Sequence",
                                         "Modification_sense", "Sequence_antisense", "Modification_antisense", "PCT"])
    n = len(raw)
    return canonical_frame({
        "id": [f"martinelli:{i}" for i in range(1, n + 1)],
        "guide": rna_strings(raw["Sequence_antisense"]),
        "passenger": rna_strings(raw["Sequence"]),
        "transcript": _lookup(raw["Accession_number"], _transcripts(folder / "martinelli_transcripts.fasta")),
        "transcript_id": raw["Accession_number"].tolist(),
        "gene": raw["Gene"].astype(str).str.strip().tolist(),
        "duplex": raw["Experiment_ID"].astype(str).tolist(),
        "publication": [f"PMID {p}" for p in raw["PMID"]],
        "remaining_pct": to_remaining_pct(numeric_labels(raw["PCT"], file=str(path), column="PCT"), "inhibition"),
        "label_kind": ["inhibition"] * n,
        "subset": ["martinelli"] * n,
        "guide_mod_desc": _mod_text(raw["Modification_antisense"]),
        "passenger_mod_desc": _mod_text(raw["Modification_sense"]),
    }, n)


def _monopoli(folder: Path) -> pd.DataFrame:
    path = folder / "monopoli_extra.csv"
    raw = read_delimited(path, required=["Sequence", "Gene", "Accession_number", "Reporter_Remaining_Pct"])
    n = len(raw)
    # The 20-nt sequence is the target strand (found in the transcripts); the sdRNA's own short
    # passenger is not given, so passenger stays missing rather than invented.
    return canonical_frame({
        "id": [f"monopoli:{i}" for i in range(1, n + 1)],
        "guide": [reverse_complement_rna(s) for s in rna_strings(raw["Sequence"])],
        "transcript": _lookup(raw["Accession_number"], _transcripts(folder / "monopoli_transcripts.fasta")),
        "transcript_id": raw["Accession_number"].tolist(),
        "gene": raw["Gene"].astype(str).str.strip().tolist(),
        "publication": ["Monopoli 2023"] * n,
        "remaining_pct": numeric_labels(raw["Reporter_Remaining_Pct"], file=str(path), column="Reporter_Remaining_Pct"),
        "label_kind": ["remaining"] * n,
        "subset": ["monopoli"] * n,
    }, n)


@register_reader("sdg_supplements")
def read_sdg_supplements(folder: Path) -> pd.DataFrame:
    """Shabalina, Martinelli and Monopoli rows in one table (``subset`` says which)."""
    table = pd.concat([_shabalina(folder), _martinelli(folder), _monopoli(folder)], ignore_index=True)
    table["source"] = "sdg_supplements"
    return table
