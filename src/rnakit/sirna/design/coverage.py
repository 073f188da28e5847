"""Where else each candidate's site occurs: the target's isoforms and other species' transcripts.

A candidate's *core site* is the 19-nt target stretch facing guide positions 1–19. Isoform coverage
counts the isoforms (records of a FASTA the user gives) holding it exactly, as sirnaforge reports;
conservation gives, per species FASTA, the fewest mismatches (0, 1 or 2; more is left empty) between
the core site and any stretch of that species' transcripts, found with the off-target index
(:mod:`rnakit.sirna.design.offtarget`, cached per file) as siDirect's and sirnaforge's
cross-species checks do.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from rnakit.seq.alphabet import IUPAC_RNA_LETTERS, reverse_complement_rna, validate_rna
from rnakit.seq.fasta import read_fasta_records
from rnakit.sirna.design.offtarget import count_off_targets, load_or_build_index

CORE = 19


def core_sites(guides: pd.Series) -> list[str]:
    """The 19-nt target stretch each guide's positions 1–19 pair with."""
    return [reverse_complement_rna(g[:CORE]) for g in guides]


def isoform_coverage(guides: pd.Series, isoforms: Path) -> tuple[pd.DataFrame, int]:
    """``isoform_coverage`` (how many records of ``isoforms`` hold the core site exactly) and
    ``isoforms`` (their ids, comma-separated) per guide; and the number of isoforms."""
    records = [(record, validate_rna(sequence, file=str(isoforms), row=record, column="sequence",
                                     letters=IUPAC_RNA_LETTERS))
               for record, _, sequence in read_fasta_records(isoforms)]
    hits = [[record for record, sequence in records if site in sequence] for site in core_sites(guides)]
    frame = pd.DataFrame({"isoform_coverage": [len(h) for h in hits], "isoforms": [",".join(h) for h in hits]},
                         index=guides.index)
    return frame, len(records)


def species_name(path: Path) -> str:
    """The column suffix of a species FASTA: its file name without FASTA and compression suffixes."""
    name = path.name
    for suffix in (".gz", ".fasta", ".fa", ".fna", ".txt"):
        name = name.removesuffix(suffix)
    return "".join(c if c.isalnum() else "_" for c in name)


def conservation(guides: pd.Series, species: list[Path]) -> pd.DataFrame:
    """``conserved_<species>``: the fewest mismatches (0–2; empty for more) of each guide's core
    site in that species' transcripts."""
    cores = [g[:CORE] for g in guides]  # a 19-mer "strand": the off-target search then reads its 1–19
    columns = {}
    for path in species:
        counts = count_off_targets(load_or_build_index(path, aligner="kmer"), cores)
        fewest = np.select([counts["mm0"] > 0, counts["mm1"] > 0, counts["mm2"] > 0], [0, 1, 2], default=-1)
        columns[f"conserved_{species_name(path)}"] = pd.Series(fewest, index=guides.index, dtype="Int64").mask(fewest < 0)
    return pd.DataFrame(columns, index=guides.index)
