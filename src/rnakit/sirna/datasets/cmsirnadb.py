"""Reader for the processed third-party copy of CMsiRNAdb (chemically modified, patent-derived).

Licence CC BY-NC-ND 4.0: internal, non-commercial research only (see SOURCE.md). Its FASTA names
transcripts by accession only, so each row's transcript is chosen by matching its guide's site
(see :func:`transcript_per_row`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rnakit.seq.alphabet import normalise_rna, reverse_complement_rna
from rnakit.seq.fasta import read_fasta
from rnakit.sirna.datasets.registry import register_reader
from rnakit.sirna.schema import canonical_frame, numeric_labels, rna_strings, to_remaining_pct
from rnakit.sirna.strands import SITE_END, SITE_START
from rnakit.tabular import read_delimited

COLUMNS = ("sense", "antisense", "base_sense", "base_antisense", "efficacy", "concentration_nM", "time_h",
           "target_gene", "cell_type", "patent_id")


def transcript_per_row(genes: pd.Series, guides: pd.Series, transcripts: dict[str, str]) -> list[str | None]:
    """Accession of each row's target transcript, found by matching its guide's site.

    A gene's candidates are the transcripts holding any of its guides' exact sites (patents target
    human, monkey and mouse isoforms), most hits first. A row takes the first candidate holding its
    own site, else the gene's top candidate; None when the gene has no candidate.
    """
    sites = guides.map(lambda g: reverse_complement_rna(g[SITE_START:SITE_END]))
    candidates: dict[str, list[str]] = {}
    for gene, gene_sites in sites.groupby(genes):
        distinct = gene_sites.unique()
        hits = {acc: sum(site in seq for site in distinct) for acc, seq in transcripts.items()}
        candidates[str(gene)] = [acc for acc, count in sorted(hits.items(), key=lambda i: -i[1]) if count]
    chosen: dict[tuple[str, str], str | None] = {}
    out = []
    for gene, site in zip(genes, sites):
        key = (gene, site)
        if key not in chosen:
            options = candidates.get(gene, [])
            chosen[key] = next((acc for acc in options if site in transcripts[acc]), options[0] if options else None)
        out.append(chosen[key])
    return out


@register_reader("cmsirnadb")
def read_cmsirnadb(folder: Path) -> pd.DataFrame:
    """``cmsirnadb_full.csv``; per-position modification strings kept as ``*_mod_string`` columns."""
    path = folder / "cmsirnadb_full.csv"
    file = str(path)
    raw = read_delimited(path, required=COLUMNS)
    n = len(raw)
    guides = pd.Series(rna_strings(raw["base_antisense"]), index=raw.index)
    genes = raw["target_gene"].astype(str).str.strip()
    transcripts = {acc: normalise_rna(seq) for acc, seq in read_fasta(folder / "cmsirnadb_full_transcripts.fasta").items()}
    accession = transcript_per_row(genes, guides, transcripts)
    columns = {
        "id": [f"cmsirnadb:{i}" for i in range(1, n + 1)],
        "guide": guides.tolist(),
        "passenger": rna_strings(raw["base_sense"]),
        "transcript_id": accession,
        "transcript": [transcripts[a] if a else None for a in accession],
        "gene": genes.tolist(),
        "concentration_nm": pd.to_numeric(raw["concentration_nM"], errors="coerce").to_numpy(),
        "hours": pd.to_numeric(raw["time_h"], errors="coerce").to_numpy(),
        "cell_line": raw["cell_type"].tolist(),
        "publication": raw["patent_id"].tolist(),
        "source": ["cmsirnadb"] * n,
        "remaining_pct": to_remaining_pct(numeric_labels(raw["efficacy"], file=file, column="efficacy"), "inhibition"),
        "label_kind": ["inhibition"] * n,
        "guide_mod_string": raw["antisense"].tolist(),
        "passenger_mod_string": raw["sense"].tolist(),
    }
    return canonical_frame(columns, n)
