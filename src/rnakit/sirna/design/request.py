"""The request of ``rnakit sirna design``: every design option, its default and its checks, in one place.

The CLI's options, the web app's form and JSON API and ``rnakit.design`` only fill these fields; the
checks that need no file run in :meth:`DesignRequest.check`, the ones reading files (miRNA FASTA,
variants, isoforms, GTF) when the run starts (:mod:`rnakit.sirna.design.job`). Light: the CLI builds
its options from these defaults.

    >>> request = DesignRequest.from_dict({"example": "true", "length": "19..21", "gc": "35-60", "top": "5"})
    >>> request.length, request.gc
    ((19, 20, 21), (35.0, 60.0))
    >>> request.cli_command(out="OUT")
    'rnakit sirna design --example -o OUT --length 19,20,21 --top 5 --gc 35-60'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rnakit.requests import Request, parse_ints, parse_range, spell_range
from rnakit.sirna.design.patterns import NAMED_PATTERNS
from rnakit.sirna.requests import CELL_LINE, CONC_NM, HOURS, check_conditions

__all__ = ["ALIGNERS", "FILTERS", "PATTERN_NAMES", "DesignRequest"]

#: Filters on by default that --skip-filters may switch off.
FILTERS = ("gc", "runs", "gc_stretch", "start_codon", "variants")
#: Near-perfect off-target search engines (rnakit.sirna.design.offtarget.ALIGNERS; a test checks they agree).
ALIGNERS = ("auto", "bowtie", "kmer")
PATTERN_NAMES = tuple(NAMED_PATTERNS)


@dataclass(frozen=True)
class DesignRequest(Request):
    """What to design siRNAs for and how; see ``rnakit sirna design --help`` for each option.

    ``target`` is a FASTA file (or ``example`` the bundled GAPDH mRNA); the Python API also takes
    sequences and Biopython records, given beside the request. ``out`` is the folder the CLI's files go
    to (None: none are written). ``length`` and ``gc`` read ``"19..23"``/``"19,21"`` and ``"30-64"``
    (percent).
    """

    COMMAND = ("sirna", "design")
    POSITIONAL = ("target",)
    FLAGS = {
        "example": "--example", "out": "-o", "record": "--record", "all_records": "--all-records",
        "length": "--length", "overhang": "--overhang", "top": "--top", "spacing": "--spacing", "gc": "--gc",
        "skip_filters": "--skip-filters", "max_seed_tm": "--max-seed-tm", "immune_motifs": "--immune-motifs",
        "mirna": "--mirna", "pattern": "--modification-pattern", "conc_nm": "--conc-nm", "hours": "--hours",
        "cell_line": "--cell-line", "same_gene": "--same-gene", "transcriptome": "--transcriptome",
        "aligner": "--aligner", "variants": "--variants", "max_af": "--max-af", "isoforms": "--isoforms",
        "require_all_isoforms": "--require-all-isoforms", "conserved_in": "--conserved-in",
        "require_conserved": "--require-conserved", "gtf": "--gtf", "workers": "--workers", "threads": "--threads",
        "dask_scheduler": "--dask-scheduler", "score_rejected": "--score-rejected",
    }
    PARSERS = {"length": parse_ints, "gc": parse_range}
    HINTS = {"length": "a length, a range like 19..23 or a list like 19,21", "gc": "a range like 30-64"}
    SPELLERS = {"gc": spell_range}

    target: Path | None = None
    example: bool = False
    out: Path | None = None
    record: str | None = None
    all_records: bool = False
    length: tuple[int, ...] = (21,)
    overhang: int = 2
    top: int = 20
    spacing: int | None = None  # None: the guide length (no overlap)
    gc: tuple[float, float] = (30.0, 64.0)  # percent, of guide positions 1–19
    skip_filters: tuple[str, ...] = ()
    max_seed_tm: float | None = None
    immune_motifs: bool = False
    mirna: Path | None = None
    pattern: str | None = None
    conc_nm: float = CONC_NM
    hours: float = HOURS
    cell_line: str = CELL_LINE
    same_gene: str | None = None
    transcriptome: Path | None = None
    aligner: str = "auto"
    variants: Path | None = None
    max_af: float | None = None
    isoforms: Path | None = None
    require_all_isoforms: bool = False
    conserved_in: tuple[Path, ...] = ()
    require_conserved: int | None = None
    gtf: Path | None = None
    workers: int = 0  # processes for several records; 0: the cores available
    threads: int | None = None
    dask_scheduler: str | None = None
    score_rejected: bool = False  # predict the efficacy of filtered-out candidates too (else: passing ones only)

    def _check(self) -> None:
        from rnakit.sirna.design.candidates import check_lengths
        from rnakit.sirna.design.options import check_pattern_layout

        if self.example and self.target is not None:
            raise self.error("give a target FASTA or the bundled example, not both", "target")
        if not self.length:
            raise self.error("names no length", "length")
        with self.about("length"):
            check_lengths(list(self.length), self.overhang)
        if not 0 <= self.gc[0] <= self.gc[1] <= 100:
            raise self.error(f"{spell_range(self.gc)} must satisfy 0 ≤ min ≤ max ≤ 100 (percent)", "gc")
        unknown = sorted(set(self.skip_filters) - set(FILTERS))
        if unknown:
            raise self.error(f"unknown filter(s) {', '.join(unknown)} (known: {', '.join(FILTERS)})", "skip_filters")
        if self.pattern:
            with self.about("pattern"):
                check_pattern_layout(self.pattern, self.length, self.overhang)
        for name in ("spacing", "workers", "require_conserved"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise self.error(f"{value} must be ≥ 0", name)
        for name in ("top", "threads"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise self.error(f"{value} must be ≥ 1", name)
        check_conditions(self, self.conc_nm, self.hours)
        if self.same_gene:
            try:
                re.compile(self.same_gene)
            except re.error as error:
                raise self.error(f"{self.same_gene!r} is not a regular expression ({error})", "same_gene") from None
        if self.aligner not in ALIGNERS:
            raise self.error(f"unknown aligner {self.aligner!r} (known: {', '.join(ALIGNERS)})", "aligner")
        if self.require_all_isoforms and self.isoforms is None:
            raise self.error("needs isoforms (a FASTA of the target's isoforms)", "require_all_isoforms")
        if self.require_conserved is not None and not self.conserved_in:
            raise self.error("needs conserved_in (FASTA files of other species' transcripts)", "require_conserved")
