"""The design options as users spell them (``21``, ``19..23``, ``30-64``, filter names), checked once.

Both front ends, ``rnakit sirna design`` and the web app (``rnakit serve``), parse and check their
options here, so the same mistake gets the same one-line message from either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from rnakit.errors import InputFormatError, ValueRangeError
from rnakit.seq.fasta import read_fasta_records
from rnakit.sirna.conditions import check_condition_options
from rnakit.sirna.design.candidates import check_lengths
from rnakit.sirna.design.coverage import species_name
from rnakit.sirna.design.filters import FilterSettings, read_mirna_seeds
from rnakit.sirna.design.patterns import parse_pattern

EXAMPLE = "data/examples/NM_002046_GAPDH.fa"
FILTERS = ("gc", "runs", "gc_stretch", "start_codon", "variants")


def example_target() -> Path:
    """The bundled example target: human GAPDH mRNA, RefSeq NM_002046."""
    return Path(str(resources.files("rnakit").joinpath(EXAMPLE)))


def parse_lengths(text: str) -> tuple[int, ...]:
    """``21``, ``19..23`` or ``19,21`` → guide lengths."""
    try:
        if ".." in text:
            low, high = (int(v) for v in text.split(".."))
            lengths = tuple(range(low, high + 1))
        else:
            lengths = tuple(sorted({int(v) for v in text.split(",")}))
    except ValueError:
        raise ValueRangeError(f"{text!r} is not a length, a range like 19..23 or a list like 19,21",
                              column="--length") from None
    if not lengths:
        raise ValueRangeError(f"{text!r} names no length", column="--length")
    return lengths


def parse_range(text: str, option: str) -> tuple[float, float]:
    """``30-64`` (percent) → (0.30, 0.64)."""
    try:
        low, high = (float(v) / 100 for v in text.split("-"))
    except ValueError:
        raise ValueRangeError(f"{text!r} is not a range like 30-64", column=option) from None
    return low, high


def check_options(length: str, overhang: int, skip: Iterable[str], pattern: str | None, spacing: int | None,
                  top: int, *, conc_nm: float, hours: float, same_gene: str | None) -> tuple[tuple[int, ...], set[str]]:
    """The guide lengths and the filters switched off, after checking every option that needs no file."""
    lengths = parse_lengths(length)
    check_lengths(list(lengths), overhang)
    skipped = {s.strip() for s in skip if s.strip()}
    unknown = skipped - set(FILTERS)
    if unknown:
        raise ValueRangeError(f"unknown filter(s) {', '.join(sorted(unknown))} (known: {', '.join(FILTERS)})",
                              column="--skip-filters")
    if pattern:
        check_pattern_layout(pattern, lengths, overhang)
    if spacing is not None and spacing < 0:
        raise ValueRangeError(f"--spacing {spacing} must be ≥ 0", column="--spacing")
    if top < 1:
        raise ValueRangeError(f"--top {top} must be ≥ 1", column="--top")
    check_condition_options(conc_nm, hours, ("--conc-nm", "--hours"))
    if same_gene:
        try:
            re.compile(same_gene)
        except re.error as error:
            raise ValueRangeError(f"{same_gene!r} is not a regular expression ({error})", column="--same-gene") from None
    return lengths, skipped


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


def check_coverage_options(isoforms: Path | None, all_isoforms: bool, species: tuple[Path, ...],
                           require_conserved: int | None) -> None:
    """The isoform and species options agree and their files are FASTA (read now, before any work)."""
    if all_isoforms and isoforms is None:
        raise ValueRangeError("--require-all-isoforms needs --isoforms FASTA", column="--require-all-isoforms")
    if require_conserved is not None and not species:
        raise ValueRangeError("--require-conserved needs --conserved-in FASTA[,FASTA…]", column="--require-conserved")
    names = [species_name(path) for path in species]
    if len(set(names)) < len(names):
        raise ValueRangeError(f"two --conserved-in files give one column name ({', '.join(names)})",
                              column="--conserved-in")
    for path in (*([isoforms] if isoforms is not None else []), *species):
        if not read_fasta_records(path):
            raise InputFormatError("no FASTA record", file=str(path))
