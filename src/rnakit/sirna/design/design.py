"""Designing siRNAs for one target: enumerate, filter, score, screen off-targets, rank."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from rnakit.errors import InputFormatError, MismatchError

from rnakit.sirna.design.chunks import feature_workers
from rnakit.sirna.design.candidates import DEFAULT_LENGTH, DEFAULT_OVERHANG, drop_ambiguous, enumerate_candidates
from rnakit.sirna.design.coverage import conservation, isoform_coverage
from rnakit.sirna.design.efficacy import Conditions, candidate_table, score_candidates
from rnakit.sirna.design.filters import SEED_TM_MAX, FilterSettings, apply_filters, funnel, read_variant_positions, seed_duplex_tm
from rnakit.lncrna.gtf import Transcript
from rnakit.sirna.design.genome import transcript_exons
from rnakit.sirna.design.offtarget import Aligner, TranscriptomeIndex, count_off_targets, exclusion_set
from rnakit.sirna.design.patterns import parse_pattern
from rnakit.sirna.design.ranking import choose_top, composite_score, rank_candidates
from rnakit.sirna.design.targets import GIVEN, Target, targets_from

Step = Callable[[str], None]


@dataclass(frozen=True)
class DesignSettings:
    """Everything a design run is asked for, except the target and the transcriptome."""

    lengths: tuple[int, ...] = (DEFAULT_LENGTH,)
    overhang: int = DEFAULT_OVERHANG
    top: int = 20
    spacing: int | None = None  # minimum distance between chosen sites; None = the longest guide (no overlap)
    filters: FilterSettings = field(default_factory=FilterSettings)
    pattern: str | None = None  # modification pattern, a name in patterns.NAMED_PATTERNS or 'GUIDE ; PASSENGER'
    conditions: Conditions = field(default_factory=Conditions)
    same_gene: str | None = None  # regex: transcriptome headers matching it are the target's isoforms
    variants_file: Path | None = None  # VCF (CHROM = record id) or position list, read per target
    aligner: Aligner = "auto"  # near-perfect off-target engine: bowtie when installed, else rnakit's index
    threads: int | None = None  # CPU threads of the efficacy model; None: the cores available (rnakit.cpu)
    isoforms_file: Path | None = None  # FASTA of the target's isoforms: isoform_coverage per candidate
    conserved_files: tuple[Path, ...] = ()  # one FASTA per species: conserved_<species> per candidate
    gtf_file: Path | None = None  # GTF with the target's exons: sites.bed in genome coordinates
    score_rejected: bool = False  # efficacy of every candidate; else only of those passing the filters (ranked)

    @property
    def model(self) -> str:
        """The shipped model that scores the candidates."""
        return "default" if self.pattern else "unmodified"


@dataclass
class Design:
    """The result for one target: every candidate with its columns, the funnel, and the settings."""

    target: Target
    settings: DesignSettings
    candidates: pd.DataFrame
    funnel: list[dict]
    transcriptome: dict | None = None
    exons: Transcript | None = None  # the target's transcript in the GTF, when one was given and holds it

    @property
    def top(self) -> pd.DataFrame:
        """The chosen candidates, best first (at most ``settings.top``, sites apart by the spacing)."""
        return self.candidates[self.candidates["chosen"]].sort_values("rank")


def design_target(target: Target | str | Any, settings: DesignSettings | None = None,
                  index: TranscriptomeIndex | None = None, step: Step | None = None, workers: int = 1,
                  meanwhile: Callable[[], object] | None = None) -> Design:
    """Design siRNAs for ``target``: a Target, or one sequence, FASTA text or Biopython SeqRecord (read by
    :func:`~rnakit.sirna.design.targets.targets_from`), with ``settings`` (None: the defaults);
    ``step(name)`` is called as each stage starts (for progress). A long target's candidates are scored
    in ``workers`` processes (the same values as one); ``meanwhile()`` runs in this process while they
    compute (once, in any case)."""
    if not isinstance(target, Target):
        found = targets_from(target)
        if len(found) != 1:
            raise InputFormatError(f"{len(found)} records: design_target designs one (rnakit.design designs several)",
                                   file=GIVEN)
        target = found[0]
    settings = settings or DesignSettings()
    announce = step or (lambda name: None)
    # The feature processes fork now and load their code while this process filters the candidates.
    with feature_workers(workers, len(target.sequence) * len(settings.lengths)) as pool:
        announce("candidates")
        candidates = enumerate_candidates(target.sequence, list(settings.lengths), settings.overhang,
                                          record=target.record)
        candidates, ambiguous = drop_ambiguous(candidates, record=target.record)
        guide_pattern, passenger_pattern = parse_pattern(settings.pattern) if settings.pattern else (None, None)
        if passenger_pattern is not None and passenger_pattern.nucleotides < guide_pattern.nucleotides:
            # An asymmetric pattern (23/21 ESC): the passenger ends blunt at the guide's 5' end, so it drops
            # its 3' overhang; the filters and the off-target screen then see the strand as ordered.
            candidates["passenger"] = candidates["passenger"].str[: passenger_pattern.nucleotides]
        announce("filters")
        filters = replace(settings.filters, cds=target.cds if settings.filters.cds is None else settings.filters.cds)
        if settings.isoforms_file is not None:
            coverage, count = isoform_coverage(candidates["guide"], settings.isoforms_file)
            candidates = pd.concat([candidates, coverage], axis=1)
            filters = replace(filters, isoform_count=count)
        if settings.conserved_files:
            conserved = conservation(candidates["guide"], list(settings.conserved_files))
            candidates = pd.concat([candidates, conserved], axis=1)
        if settings.variants_file is not None:
            positions = read_variant_positions(settings.variants_file, target.record, filters.variant_max_af)
            filters = replace(filters, variant_positions=positions)
        candidates = pd.concat([candidates, apply_filters(candidates, filters)], axis=1)
        announce("efficacy")
        # Only the candidates that can be ranked need the efficacy features (most of a design's time);
        # rejected ones keep their filter columns and empty efficacy columns unless asked for.
        scored = candidates if settings.score_rejected else candidates[candidates["passed"]]
        table = candidate_table(scored, target.sequence, target.record, target.gene, guide_pattern,
                                passenger_pattern, settings.conditions)
        seed_tm: list[object] = []

        def also_seed_tm() -> None:  # this process's work while the feature processes compute
            seed_tm.append(seed_duplex_tm(candidates["guide"]))
            if meanwhile is not None:
                meanwhile()

        efficacy = score_candidates(table, settings.model, target.record, settings.threads, workers, also_seed_tm,
                                     pool)
    efficacy.index = scored.index  # the table is numbered afresh
    candidates = pd.concat([candidates, efficacy.reindex(candidates.index)], axis=1)
    candidates["seed_tm"] = seed_tm[0]
    candidates["seed_tm_ok"] = candidates["seed_tm"] < SEED_TM_MAX
    summary = None
    if index is not None:
        announce("off-targets")
        try:
            excluded = exclusion_set(index, target.record, target.gene, settings.same_gene)
        except MismatchError:  # the target is not in the transcriptome: exclude its gene's transcripts only
            excluded = exclusion_set(index, None, target.gene, settings.same_gene)
        # Both strands in one search: bowtie loads the transcriptome's index once per call.
        counts = count_off_targets(index, candidates["guide"].tolist() + candidates["passenger"].tolist(),
                                   excluded).drop(columns="strand")
        n = len(candidates)
        for strand, rows in (("guide", counts.iloc[:n]), ("passenger", counts.iloc[n:])):
            candidates = pd.concat([candidates, rows.add_prefix(f"{strand}_").set_axis(candidates.index)], axis=1)
        # siDirect's specificity: at least 2 mismatches to every other transcript, on both strands.
        candidates["specific"] = (candidates[["guide_mm0", "guide_mm1", "passenger_mm0", "passenger_mm1"]].sum(axis=1) == 0)
        summary = {"transcripts": index.n_transcripts, "excluded_as_target_or_isoform": len(excluded),
                   "near_perfect_search": index.near_perfect_search}
    announce("ranking")
    candidates["composite"] = composite_score(candidates, None if index is None else index.n_transcripts)
    candidates["rank"] = rank_candidates(candidates)
    spacing = max(settings.lengths) if settings.spacing is None else settings.spacing
    candidates["chosen"] = choose_top(candidates, settings.top, spacing)
    exons = transcript_exons(settings.gtf_file, target.record, len(target.sequence)) if settings.gtf_file else None
    return Design(target, replace(settings, filters=filters), candidates, funnel(candidates, ambiguous), summary, exons)
