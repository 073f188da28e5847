"""The design options' checks beyond :class:`~rnakit.sirna.design.request.DesignRequest`'s own: the
pattern's layout, and the ones reading files (miRNA, isoform and species FASTAs, variants, GTF), which
turn a checked request into the :class:`DesignSettings` of a run.

Every front end (``rnakit sirna design``, the web app, ``rnakit.design``) builds its settings here, so
the same mistake gets the same one-line message from each.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from rnakit.errors import InputFormatError, ValueRangeError
from rnakit.seq.fasta import read_fasta_records
from rnakit.sirna.design.coverage import species_name
from rnakit.sirna.design.design import DesignSettings
from rnakit.sirna.design.efficacy import Conditions
from rnakit.sirna.design.filters import FilterSettings, read_mirna_seeds, read_variant_positions
from rnakit.sirna.design.genome import read_gtf_exons
from rnakit.sirna.design.patterns import parse_pattern
from rnakit.sirna.design.request import DesignRequest
from rnakit.sirna.design.targets import Target

EXAMPLE = "data/examples/NM_002046_GAPDH.fa"


def example_target() -> Path:
    """The bundled example target: human GAPDH mRNA, RefSeq NM_002046."""
    return Path(str(resources.files("rnakit").joinpath(EXAMPLE)))


def check_pattern_layout(pattern: str, lengths: tuple[int, ...], overhang: int) -> None:
    """The pattern's strands fit the candidates: its guide is the guide length; its passenger is as long
    (both with ``overhang``-nt 3' overhangs) or shorter by the overhang (blunt at the guide's 5' end, as
    the 23/21 ESC duplexes)."""
    guide, passenger = parse_pattern(pattern)
    g = guide.nucleotides
    p = g if passenger is None else passenger.nucleotides
    if set(lengths) == {g} and (p == g or p == g - overhang):
        return
    spelt = f"a {g}-nt guide" + ("" if passenger is None else f" and a {p}-nt passenger")
    fix = f" blunt at the guide's 5' end; use --length {g} --overhang {g - p}" if p < g else \
        f"; use --length {g}" if p == g else " (a passenger longer than its guide is not a layout rnakit designs)"
    raise ValueRangeError(f"pattern {pattern!r} spells {spelt}{fix} (asked: --length {','.join(map(str, lengths))} "
                          f"--overhang {overhang})", column="--modification-pattern")


def filter_settings(gc: tuple[float, float], skipped: set[str], *, max_seed_tm: float | None = None,
                    max_af: float | None = None, immune: bool = False, mirna: Path | None = None,
                    all_isoforms: bool = False, conserved_max_mismatches: int | None = None) -> FilterSettings:
    """The filters with the GC range (fractions) and every filter not in ``skipped`` switched on; the
    opt-in ones: the seed-Tm filter with ``max_seed_tm`` (°C), the immune-motif filter with
    ``immune``, the miRNA-seed filter with a ``mirna`` FASTA (read here), the isoform filter with
    ``all_isoforms``, the conservation filter with ``conserved_max_mismatches``; ``max_af`` bounds
    which VCF variants count."""
    seed = {"seed_tm": True, "seed_tm_max": max_seed_tm} if max_seed_tm is not None else {}
    return FilterSettings(gc="gc" not in skipped, gc_min=gc[0], gc_max=gc[1], runs="runs" not in skipped,
                          gc_stretch="gc_stretch" not in skipped, start_codon="start_codon" not in skipped,
                          variants="variants" not in skipped, variant_max_af=max_af, immune=immune,
                          mirna_seeds=read_mirna_seeds(mirna) if mirna is not None else (), all_isoforms=all_isoforms,
                          conserved_max_mismatches=conserved_max_mismatches, **seed)


def check_coverage_options(isoforms: Path | None, species: tuple[Path, ...]) -> None:
    """The isoform and species files are FASTA (read now, before any work) and name distinct species."""
    names = [species_name(path) for path in species]
    if len(set(names)) < len(names):
        raise ValueRangeError(f"two --conserved-in files give one column name ({', '.join(names)})",
                              column="--conserved-in")
    for path in (*([isoforms] if isoforms is not None else []), *species):
        if not read_fasta_records(path):
            raise InputFormatError("no FASTA record", file=str(path))


def design_settings(request: DesignRequest, targets: list[Target]) -> DesignSettings:
    """The settings of a run of checked ``request`` on ``targets``, after the checks that read files (in
    this order: miRNA FASTA, isoform and species FASTAs, variants for the first target, GTF)."""
    skipped = set(request.skip_filters)
    with request.about("require_conserved"):
        filters = filter_settings((request.gc[0] / 100, request.gc[1] / 100), skipped,
                                  max_seed_tm=request.max_seed_tm, max_af=request.max_af, immune=request.immune_motifs,
                                  mirna=request.mirna, all_isoforms=request.require_all_isoforms,
                                  conserved_max_mismatches=request.require_conserved)
    check_coverage_options(request.isoforms, request.conserved_in)
    if request.variants is not None:
        read_variant_positions(request.variants, targets[0].record, request.max_af)  # a bad file fails before any work
    if request.gtf is not None:
        read_gtf_exons(request.gtf)  # likewise (read once: the design reuses it)
    return DesignSettings(lengths=request.length, overhang=request.overhang, top=request.top, spacing=request.spacing,
                          filters=filters, pattern=request.pattern or None,
                          conditions=Conditions(request.conc_nm, request.hours, request.cell_line),
                          same_gene=request.same_gene or None, variants_file=request.variants,
                          aligner=request.aligner, threads=request.threads,  # type: ignore[arg-type]
                          isoforms_file=request.isoforms, conserved_files=request.conserved_in, gtf_file=request.gtf,
                          score_rejected=request.score_rejected)
