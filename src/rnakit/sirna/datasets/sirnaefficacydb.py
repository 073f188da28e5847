"""Reader for siRNAEfficacyDB (Zhang et al. 2024): classic unmodified sets with gene symbols.

Its metadata columns are kept as given but are not all trustworthy: the Huesken 2005 rows are
labelled "HeLa, 50 nM, 48 h" although that study used H1299 cells (see SOURCE.md).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from rnakit.sirna.conditions import concentrations_to_nm, hours_column
from rnakit.sirna.datasets.registry import register_reader
from rnakit.sirna.datasets.mysara import transcripts_by_accession
from rnakit.sirna.schema import canonical_frame, numeric_labels, rna_strings, to_remaining_pct
from rnakit.tabular import read_delimited

COLUMNS = ("Accession_number", "Gene", "Antisense_21mer", "Sense_19mer", "%Inhibition", "Technology",
           "Cell", "Concentration", "Hours")
# Mass concentrations (e.g. "0.25ug/Ml") cannot become nM without the duplex's molecular weight.
_MASS_UNIT = re.compile(r"g/m?l\s*$", re.IGNORECASE)


@register_reader("sirnaefficacydb")
def read_sirnaefficacydb(folder: Path) -> pd.DataFrame:
    """``sirna_efficacy.csv`` with transcripts from ``mrna_transcripts.fasta`` joined by accession."""
    path = folder / "sirna_efficacy.csv"
    file = str(path)
    raw = read_delimited(path, required=COLUMNS)
    n = len(raw)
    transcripts = transcripts_by_accession(folder.parent)
    accession = raw["Accession_number"].astype(str).str.strip()
    concentration = raw["Concentration"].astype("string").str.strip()
    molar = concentration.where(~concentration.str.contains(_MASS_UNIT, na=False), None)
    columns = {
        "id": [f"sirnaefficacydb:{i}" for i in range(1, n + 1)],
        "guide": rna_strings(raw["Antisense_21mer"]),
        "passenger": rna_strings(raw["Sense_19mer"]),
        "transcript_id": accession.tolist(),
        "transcript": [transcripts.get(a) for a in accession],
        "gene": raw["Gene"].astype(str).str.strip().tolist(),  # e.g. 'EGFP ' has a trailing space
        "cell_line": raw["Cell"].tolist(),
        "concentration_nm": concentrations_to_nm(molar.astype(object), None, file=file, column="Concentration"),
        "hours": hours_column(raw["Hours"], file=file, column="Hours"),
        "source": ["sirnaefficacydb"] * n,
        "remaining_pct": to_remaining_pct(numeric_labels(raw["%Inhibition"], file=file, column="%Inhibition"), "inhibition"),
        "label_kind": ["inhibition"] * n,
        "assay": raw["Technology"].tolist(),
    }
    return canonical_frame(columns, n)
