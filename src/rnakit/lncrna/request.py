"""The coding-potential and lincRNA-filter jobs as request objects: the command line, the web app and
the Python API fill one and call the same library function.

Light at import (no pandas, scikit-learn or pyranges): the command line builds its options from it.

    >>> CodingRequest(fasta=Path("transcripts.fa"), out=Path("coding.tsv")).cli_command()
    'rnakit lncrna coding-potential transcripts.fa --out coding.tsv'
    >>> request = LncrnaFilterRequest.from_dict({"transcripts": "merged.gtf", "annotation": "genes.gtf",
    ...     "genome": "genome.fa", "out": "lincrna", "min_length": "300", "keep_classes": "u,p"})
    >>> request.min_length, request.keep_classes, request.flank
    (300, ('u', 'p'), 1000)
    >>> request.cli_command()
    'rnakit lncrna filter --keep-classes u,p --min-length 300 --transcripts merged.gtf --annotation genes.gtf --out lincrna --genome genome.fa'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from rnakit.errors import ValueRangeError
from rnakit.lncrna.settings import FilterSettings
from rnakit.requests import Request, RequestError, flag_of

if TYPE_CHECKING:
    import pandas as pd

    from rnakit.lncrna.coding import CodingModel
    from rnakit.lncrna.result import FilterInputs, FilterResult


@dataclass(frozen=True)
class CodingRequest(Request):
    """Coding potential of transcripts (``rnakit lncrna coding-potential``): ``fasta`` in, a TSV
    ``out`` (the CLI's), scored by ``model`` (a folder from ``rnakit lncrna train-coding``; None:
    the shipped human model)."""

    COMMAND = ("lncrna", "coding-potential")
    POSITIONAL = ("fasta",)
    FLAGS = {"out": "--out", "model": "--model"}

    fasta: Path | None = None
    out: Path | None = None
    model: Path | None = None

    def load_model(self) -> CodingModel:
        """The model this request names (errors name its folder)."""
        from rnakit.lncrna.coding import CodingModel

        return CodingModel.load(self.model)

    def run(self, sequences: Any, *, source: str | None = None) -> pd.DataFrame:
        """The CLI's table (id, mRNA_size, ORF_size, Fickett_score, Hexamer_score, coding_prob, label)
        for ``sequences``: ``(id, sequence)`` pairs, sequence strings, SeqRecords or a FASTA path;
        errors name ``source`` and the record."""
        return self.check().load_model().score(sequences, source=source)

    @staticmethod
    def write(table: pd.DataFrame, handle: TextIO) -> None:
        """The table as the CLI and the web app write it."""
        from rnakit.lncrna.coding import write_scores

        write_scores(table, handle)


def coding_potential(sequences: Any, model: str | Path | None = None) -> pd.DataFrame:
    """Coding potential of each transcript, as ``rnakit lncrna coding-potential`` writes it (same
    columns). ``sequences``: a FASTA path, FASTA text, a sequence, a SeqRecord or a list of them.

    >>> coding_potential(["AUG" + "GCC" * 200 + "UAA", "ACGUUAGC" * 60])[["id", "ORF_size", "label"]]
              id  ORF_size      label
    0  sequence1       606     coding
    1  sequence2         0  noncoding
    """
    from rnakit.seq.records import sequence_records

    records = sequence_records(sequences)
    if not records:
        raise RequestError("no sequences given", name="sequences")
    return CodingRequest(model=Path(model) if model is not None else None).run(records)


@dataclass(frozen=True)
class LncrnaFilterRequest(FilterSettings, Request):
    """The lincRNA filter (``rnakit lncrna filter``): its thresholds are :class:`FilterSettings`' fields
    (their defaults written there, once), its inputs and output folder are the fields below
    (:class:`~rnakit.lncrna.result.FilterInputs`': exactly one of ``genome`` and ``transcript_fasta``
    gives the transcripts' sequences)."""

    COMMAND = ("lncrna", "filter")

    transcripts: Path | None = None
    annotation: Path | None = None
    out: Path | None = None
    genome: Path | None = None
    transcript_fasta: Path | None = None
    known_lncrna: Path | None = None
    coding_ids: Path | None = None
    hmm: Path | None = None
    model: Path | None = None
    force: bool = False

    def _check(self) -> None:
        for name in ("transcripts", "annotation", "out"):
            if getattr(self, name) is None:
                raise self.error("required", name)
        try:
            self.settings().validate()
        except ValueRangeError as error:  # the settings name their fields as this request does
            raise self.error(error.detail, error.column or "flank") from None

    def settings(self) -> FilterSettings:
        """The filter's thresholds alone."""
        return FilterSettings(**{f.name: getattr(self, f.name) for f in dataclasses.fields(FilterSettings)})

    def inputs(self) -> FilterInputs:
        """The filter's input files."""
        from rnakit.lncrna.result import FilterInputs

        return FilterInputs(**{f.name: getattr(self, f.name) for f in dataclasses.fields(FilterInputs)})

    def run(self, *, step: Callable[[str], None] | None = None) -> FilterResult:
        """Filter and write lincrna.gtf, lincrna.fa, transcripts.tsv and report.html into ``out``,
        all or nothing; ``step`` hears each stage's name."""
        from rnakit.lncrna.pipeline import run_filter

        self.check()
        return run_filter(self.inputs(), self.settings(), self.out, force=self.force, step=step)  # type: ignore[arg-type]


LncrnaFilterRequest.FLAGS = {f.name: flag_of(f.name) for f in dataclasses.fields(LncrnaFilterRequest)}
