"""Readers for the Mysara 2012 workbook sheets: Huesken 2005 (A), the Ichihara 2007 compilation (B)
and Mysara's dataset C. One format: accession, 21-nt antisense (19 + 2-nt overhang in lower case),
19-nt sense, six published predictor scores and % inhibition.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rnakit.seq.fasta import read_fasta
from rnakit.sirna.datasets.registry import register_reader
from rnakit.sirna.schema import canonical_frame, numeric_labels, rna_strings, to_remaining_pct
from rnakit.tabular import read_delimited

ANTISENSE, SENSE, ACCESSION, INHIBITION = "Antisense, 21 mer", "Sense, 19 mer", "Accession number", "% Inhibition"
#: Published predictors' scores: baselines to compare with, never input features.
REFERENCE_SCORES = {
    "s-Biopredsi": "ref_s_biopredsi", "DSIR": "ref_dsir", "ThermoComposition21": "ref_thermocomposition21",
    "i-Score": "ref_i_score", "Scales": "ref_scales", "Whole DG": "ref_whole_dg",
}


#: Records of that FASTA that are not transcripts → the region the rows' assay expressed (0-based, end
#: exclusive). NZ_CP024869 is a 3.7 Mb bacterial genome carrying an EGFP cassette; its rows (Katoh & Suzuki
#: 2007) knock down EGFP expressed in HeLa cells, whose mRNA holds none of the bacterial flanks. Their
#: target is the EGFP ORF, stop codon included (720 nt, the sequence GNN4siRNA gives for the same rows),
#: so sites, their distance from the start codon and the transcript's composition describe that mRNA.
EXPRESSED_REGIONS = {"NZ_CP024869": (2_934_424, 2_935_144)}


def transcripts_by_accession(data_dir: Path) -> dict[str, str]:
    """RNA transcripts by accession from siRNAEfficacyDB's FASTA beside this folder (empty if absent).

    siRNAEfficacyDB re-tabulates these same sets and ships their NCBI transcripts; a record of
    EXPRESSED_REGIONS is cut to its expressed region.
    """
    fasta = data_dir / "sirnaefficacydb" / "mrna_transcripts.fasta"
    if not fasta.is_file():
        return {}
    transcripts = {accession: seq.upper().replace("T", "U") for accession, seq in read_fasta(fasta).items()}
    for accession, (start, end) in EXPRESSED_REGIONS.items():
        if accession in transcripts:
            transcripts[accession] = transcripts[accession][start:end]
    return transcripts


def read_mysara_sheet(path: Path, *, source: str, publication: str, cell_line: str | None = None) -> pd.DataFrame:
    """One sheet of the workbook, exported to CSV, as the canonical table."""
    file = str(path)
    raw = read_delimited(path, required=[ACCESSION, ANTISENSE, SENSE, INHIBITION, *REFERENCE_SCORES])
    n = len(raw)
    accession = raw[ACCESSION].astype(str).str.strip()
    accession = accession.where(accession != "-", None)  # "-" marks an unknown accession
    transcripts = transcripts_by_accession(path.parent.parent)
    columns: dict[str, object] = {
        "id": [f"{source}:{i}" for i in range(1, n + 1)],
        # The lower-case overhang is still part of the guide strand.
        "guide": rna_strings(raw[ANTISENSE]),
        "passenger": rna_strings(raw[SENSE]),
        "transcript_id": accession.tolist(),
        "transcript": [transcripts.get(a) if a else None for a in accession],
        "cell_line": [cell_line] * n,
        "publication": [publication] * n,
        "source": [source] * n,
        "remaining_pct": to_remaining_pct(numeric_labels(raw[INHIBITION], file=file, column=INHIBITION), "inhibition"),
        "label_kind": ["inhibition"] * n,
    }
    for published, ours in REFERENCE_SCORES.items():
        columns[ours] = pd.to_numeric(raw[published], errors="coerce").to_numpy()
    return canonical_frame(columns, n)


@register_reader("huesken2005")
def read_huesken(folder: Path) -> pd.DataFrame:
    """Huesken et al. 2005: 2,431 siRNAs, H1299 reporter assay."""
    return read_mysara_sheet(folder / "huesken2005_datasetA.csv", source="huesken2005",
                             publication="Huesken 2005", cell_line="H1299")


@register_reader("ichihara2007")
def read_ichihara(folder: Path) -> pd.DataFrame:
    """Ichihara et al. 2007 compilation of the classic small sets (Reynolds, Vickers, Harborth, …)."""
    return read_mysara_sheet(folder / "ichihara2007_datasetB.csv", source="ichihara2007",
                             publication="Ichihara 2007 compilation")


@register_reader("mysara2012_c")
def read_mysara_c(folder: Path) -> pd.DataFrame:
    """Mysara et al. 2012 dataset C: a small independent set."""
    return read_mysara_sheet(folder / "mysara2012_datasetC.csv", source="mysara2012_c",
                             publication="Mysara 2012 dataset C")
