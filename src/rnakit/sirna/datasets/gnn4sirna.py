"""Reader for the GNN4siRNA data (La Rosa et al. 2022): dataset 3, the union of datasets 1 and 2.

Dataset 1 (ids ``A…``) writes the guide, 21 nt with a lower-case overhang. Dataset 2 (ids ``T…``,
the Katoh & Suzuki EGFP set) writes the 19-nt *target/sense* strand: its sequences are found in
the EGFP transcript, so the guide is their reverse complement. ``efficacy`` is % inhibition / 100.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rnakit.errors import InputFormatError
from rnakit.seq.alphabet import normalise_rna, reverse_complement_rna
from rnakit.seq.fasta import read_fasta
from rnakit.sirna.datasets.registry import register_reader
from rnakit.sirna.schema import canonical_frame, numeric_labels, to_remaining_pct
from rnakit.tabular import read_delimited


@register_reader("gnn4sirna")
def read_gnn4sirna(folder: Path) -> pd.DataFrame:
    """``raw/dataset_3``: pairs joined to their siRNA and mRNA FASTA records (``subset`` column)."""
    base = folder / "raw" / "dataset_3"
    path = base / "sirna_mrna_efficacy.csv"
    raw = read_delimited(path, required=["siRNA", "mRNA", "efficacy"])
    sirnas = read_fasta(base / "siRNA_3.fas")
    mrnas = {acc: normalise_rna(seq) for acc, seq in read_fasta(base / "mRNA_3.fas").items()}
    ids = raw["siRNA"].astype(str).str.strip()
    accessions = raw["mRNA"].astype(str).str.strip()
    for row, (sirna, mrna) in enumerate(zip(ids, accessions), start=1):
        if sirna not in sirnas:
            raise InputFormatError(f"siRNA {sirna!r} has no record in siRNA_3.fas", file=str(path), row=row, column="siRNA")
        if mrna not in mrnas:
            raise InputFormatError(f"mRNA {mrna!r} has no record in mRNA_3.fas", file=str(path), row=row, column="mRNA")
    sense_written = ids.str.startswith("T")  # dataset 2
    written = [normalise_rna(sirnas[i]) for i in ids]
    n = len(raw)
    columns = {
        "id": ids.tolist(),
        "guide": [reverse_complement_rna(s) if flip else s for s, flip in zip(written, sense_written)],
        "passenger": [s if flip else None for s, flip in zip(written, sense_written)],
        "transcript": [mrnas[a] for a in accessions],
        "transcript_id": accessions.tolist(),
        "source": ["gnn4sirna"] * n,
        "remaining_pct": to_remaining_pct(numeric_labels(raw["efficacy"], file=str(path), column="efficacy"), "fraction"),
        "label_kind": ["fraction"] * n,
        "subset": ["dataset_2" if flip else "dataset_1" for flip in sense_written],
    }
    return canonical_frame(columns, n)
