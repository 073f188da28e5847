"""What the lincRNA filter takes and gives: its input files and its result.

A module of its own so that the pipeline (which writes the report) and the report (which reads the
result) both import it, and neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from rnakit.lncrna.gtf import Transcript
from rnakit.lncrna.settings import FilterSettings


@dataclass(frozen=True)
class FilterInputs:
    """The files of one run. Exactly one of ``genome`` and ``transcript_fasta`` gives the sequences."""

    transcripts: Path
    annotation: Path
    genome: Path | None = None
    transcript_fasta: Path | None = None
    known_lncrna: Path | None = None
    coding_ids: Path | None = None
    hmm: Path | None = None
    model: Path | None = None  # None: the shipped human coding-potential model


@dataclass
class FilterResult:
    """Every transcript with its filter values (``table``), the funnel, and the kept transcripts."""

    inputs: FilterInputs
    settings: FilterSettings
    table: pd.DataFrame
    funnel: list[dict] = field(default_factory=list)
    kept: list[Transcript] = field(default_factory=list)
    sequences: dict[str, str] = field(default_factory=dict)  # kept transcripts' RNA, on their strand
    notes: list[str] = field(default_factory=list)  # filters that could not apply, and why

    @property
    def kept_ids(self) -> list[str]:
        return [t.id for t in self.kept]
