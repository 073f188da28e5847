"""Candidate filters: each switchable, each rejection counted, the first failing one named.

Defaults follow common practice (siDirect, sirnaforge): GC 30–64 % over the guide's 19-nt core,
no run of ≥ 4 identical bases in the guide, no G/C stretch longer than 9 nt in the covered
target stretch, not within the first 50 nt after the start codon (UTR-proximal region bound by
translation initiation complexes, Elbashir 2002), and no overlap with a known variant (a SNP in
the site breaks pairing in part of the population; with an allele-frequency bound, only variants
more frequent than it count). Off by default: siDirect 2's seed-duplex Tm bound (guide 2–8 below
21.5 °C limits seed-dependent off-targets, Ui-Tei et al. 2008); immunostimulatory motifs in either
strand (:data:`IMMUNE_MOTIFS`); a guide seed (2–8) equal to a known miRNA's, which would make the
siRNA act as that miRNA on its targets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from rnakit.errors import InputFormatError, SequenceError, ValueRangeError
from rnakit.seq.alphabet import validate_rna
from rnakit.seq.composition import gc_fraction
from rnakit.seq.fasta import read_fasta_records
from rnakit.sirna.features.site import SEED
from rnakit.tabular import open_text
from rnakit.thermo.nearest_neighbor import melting_temperatures, salt_shift

CORE = 19
#: siDirect 2's seed-duplex Tm bound (°C): guide 2–8 with its complement at 100 µM strands and
#: 0.1 M Na+ (Ui-Tei et al. 2008).
SEED_TM_MAX = 21.5
SEED_SODIUM_M = 0.1
#: Sequence motifs of siRNA strands that set off innate immune sensing (TLR7/8), with their source.
IMMUNE_MOTIFS: dict[str, str] = {
    "UGUGU": "Judge et al. 2005, Nat Biotechnol 23:457 (GU-rich motif)",
    "GUCCUUCAA": "Hornung et al. 2005, Nat Med 11:263 (the immunostimulatory motif of siRNA 9.2sense)",
}


@dataclass(frozen=True)
class FilterSettings:
    """Which filters run and their bounds. ``cds`` is the 0-based (start, end) of the CDS, if known."""

    gc: bool = True
    gc_min: float = 0.30
    gc_max: float = 0.64
    runs: bool = True
    run_length: int = 4
    gc_stretch: bool = True
    gc_stretch_max: int = 9
    start_codon: bool = True
    start_codon_window: int = 50
    variants: bool = True
    variant_positions: frozenset[int] = field(default_factory=frozenset)  # 1-based
    variant_max_af: float | None = None  # VCF variants at or below this allele frequency do not count
    cds: tuple[int, int] | None = None
    seed_tm: bool = False  # opt-in (siDirect 2); the seed_tm column is there either way
    seed_tm_max: float = SEED_TM_MAX
    immune: bool = False  # opt-in: no IMMUNE_MOTIFS in guide or passenger
    mirna_seeds: tuple[tuple[str, str], ...] = ()  # (seed 2–8, miRNA name); a guide sharing one fails
    all_isoforms: bool = False  # opt-in: the core site must lie in every isoform (isoform_coverage)
    isoform_count: int = 0  # how many isoforms were given (set per target)
    conserved_max_mismatches: int | None = None  # opt-in: every conserved_* column at most this

    def __post_init__(self) -> None:
        if not 0 <= self.gc_min <= self.gc_max <= 1:
            raise ValueRangeError(f"GC range {self.gc_min:g}–{self.gc_max:g} must satisfy 0 ≤ min ≤ max ≤ 1",
                                  column="--gc")
        if self.variant_max_af is not None and not 0 <= self.variant_max_af <= 1:
            raise ValueRangeError(f"allele frequency {self.variant_max_af:g} must lie in 0–1", column="--max-af")
        if self.conserved_max_mismatches is not None and not 0 <= self.conserved_max_mismatches <= 2:
            raise ValueRangeError(f"{self.conserved_max_mismatches} mismatches: conservation is counted up to 2",
                                  column="--require-conserved")
        if not -50 <= self.seed_tm_max <= 100:  # NaN fails too
            raise ValueRangeError(f"seed Tm {self.seed_tm_max:g} °C must lie in −50–100", column="--max-seed-tm")


def filter_rules(settings: FilterSettings) -> dict[str, str]:
    """Each filter's rule in words with the bounds it ran with (the funnel's 'rule' column)."""
    cds = (f"the first {settings.start_codon_window} nt after the start codon (CDS starts at {settings.cds[0] + 1})"
           if settings.cds is not None else f"the first {settings.start_codon_window} nt after the start codon")
    frequency = (f" more frequent than AF {settings.variant_max_af:g}" if settings.variant_max_af is not None else "")
    return {
        "ambiguous": "window holds no N or other IUPAC ambiguity code",
        "gc": f"GC content of guide 1–{CORE} is {settings.gc_min:.0%}–{settings.gc_max:.0%}",
        "runs": f"no run of {settings.run_length} or more identical bases in the guide",
        "gc_stretch": f"no G/C stretch longer than {settings.gc_stretch_max} nt in the covered target stretch",
        "start_codon": f"site not within {cds}",
        "variants": f"site overlaps none of the {len(settings.variant_positions)} given variant positions{frequency}",
        "seed_tm": f"seed duplex (guide {SEED[0]}–{SEED[1]}) Tm below {settings.seed_tm_max:g} °C",
        "immune": f"no immunostimulatory motif ({', '.join(IMMUNE_MOTIFS)}) in guide or passenger",
        "mirna_seed": f"guide seed ({SEED[0]}–{SEED[1]}) differs from each of {len(settings.mirna_seeds)} given miRNA seeds",
        "isoforms": f"core site in all {settings.isoform_count} given isoforms",
        "conserved": f"core site in every given species with at most {settings.conserved_max_mismatches} mismatches",
    }


def seed_duplex_tm(guides: pd.Series | list[str]) -> np.ndarray:
    """Tm (°C) of each guide's seed (2–8) with its complement at siDirect 2's 0.1 M Na+."""
    # tolist: a design's string columns iterate a cell at a time otherwise (thousands of rows)
    seeds = [g[SEED[0] - 1 : SEED[1]] for g in (guides.tolist() if isinstance(guides, pd.Series) else guides)]
    return np.asarray(melting_temperatures(seeds), dtype=float) + salt_shift(SEED_SODIUM_M)


def apply_filters(candidates: pd.DataFrame, settings: FilterSettings) -> pd.DataFrame:
    """``pass_<filter>`` per enabled filter, ``passed`` and ``first_failure`` ('' when passed)."""
    checks: dict[str, np.ndarray] = {}
    guides = candidates["guide"].tolist()
    if settings.gc:
        gc = np.array([gc_fraction(g[:CORE]) for g in guides])
        checks["gc"] = (gc >= settings.gc_min - 1e-9) & (gc <= settings.gc_max + 1e-9)
    if settings.runs:
        run = re.compile(r"([ACGU])\1{%d,}" % (settings.run_length - 1))
        checks["runs"] = np.array([run.search(g) is None for g in guides])
    if settings.gc_stretch:
        stretch = re.compile(r"[GC]{%d,}" % (settings.gc_stretch_max + 1))
        checks["gc_stretch"] = np.array([stretch.search(s) is None for s in candidates["site"].tolist()])
    start = candidates["start"].to_numpy()
    end = candidates["end"].to_numpy()
    if settings.start_codon and settings.cds is not None:
        # 1-based positions of the first window after the A of AUG: cds_start+1 … cds_start+window.
        first, last = settings.cds[0] + 1, settings.cds[0] + settings.start_codon_window
        checks["start_codon"] = (end < first) | (start > last)
    if settings.variants and settings.variant_positions:
        positions = np.array(sorted(settings.variant_positions))
        # A site overlaps a variant when some position lies in [start, end].
        checks["variants"] = np.searchsorted(positions, start, "left") == np.searchsorted(positions, end, "right")
    if settings.seed_tm:
        checks["seed_tm"] = seed_duplex_tm(candidates["guide"]) < settings.seed_tm_max
    if settings.immune:
        motif = re.compile("|".join(IMMUNE_MOTIFS))
        checks["immune"] = np.array([motif.search(g) is None and motif.search(p) is None
                                     for g, p in zip(candidates["guide"], candidates["passenger"])])
    if settings.all_isoforms:
        checks["isoforms"] = (candidates["isoform_coverage"] == settings.isoform_count).to_numpy()
    if settings.conserved_max_mismatches is not None:
        species = candidates[[c for c in candidates.columns if c.startswith("conserved_")]]
        checks["conserved"] = (species.le(settings.conserved_max_mismatches).fillna(False)).all(axis=1).to_numpy(bool)
    named: dict[str, list[str]] = {}
    if settings.mirna_seeds:
        for seed, name in settings.mirna_seeds:
            named.setdefault(seed, []).append(name)
        checks["mirna_seed"] = ~candidates["guide"].str[SEED[0] - 1 : SEED[1]].isin(named).to_numpy()
    frame = pd.DataFrame({f"pass_{name}": values for name, values in checks.items()}, index=candidates.index)
    if named:
        seeds = candidates["guide"].str[SEED[0] - 1 : SEED[1]]
        frame["mirna_seed_of"] = [",".join(named.get(seed, [])) for seed in seeds]
    failure = pd.Series("", index=candidates.index, dtype="object")
    for name in reversed(list(checks)):
        failure = failure.where(checks[name], name)
    frame["passed"] = failure == ""
    frame["first_failure"] = failure
    return frame


def funnel(filtered: pd.DataFrame, ambiguous: int = 0) -> list[dict[str, int | str]]:
    """The filter funnel: per filter, candidates it rejects, those it rejects first, and those left;
    first the ``ambiguous`` windows (touching N or another IUPAC code) skipped before any filter."""
    rows, left = [], len(filtered)
    if ambiguous:
        rows.append({"filter": "ambiguous", "rejects": ambiguous, "rejects_first": ambiguous, "left": left})
    for column in [c for c in filtered.columns if c.startswith("pass_")]:
        name = column.removeprefix("pass_")
        first = int((filtered["first_failure"] == name).sum())
        left -= first
        rows.append({"filter": name, "rejects": int((~filtered[column]).sum()), "rejects_first": first, "left": left})
    return rows


def read_variant_positions(path: Path, record: str, max_af: float | None = None) -> frozenset[int]:
    """1-based variant positions on ``record`` from a VCF (CHROM = record id) or a list of positions.

    A position list holds one integer per line, or ``record<TAB>position`` lines; '#' lines are skipped.
    With ``max_af``, a VCF variant whose INFO gives ``AF`` (the largest over its alternative alleles)
    or dbSNP's ``CAF`` (the largest alternative frequency) at or below it does not count; a variant
    with no frequency counts, as does every line of a position list.
    """
    positions: set[int] = set()
    try:
        with open_text(path) as handle:
            lines = handle.read().splitlines()
    except OSError as exc:
        raise InputFormatError(f"cannot read variants ({exc.strerror})", file=str(path)) from None
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t") if "\t" in line else line.split()
        chrom, value = (None, fields[0]) if len(fields) == 1 else (fields[0], fields[1])
        try:
            position = int(value)
        except ValueError:
            raise InputFormatError(f"position {value!r} is not an integer", file=str(path), row=number,
                                   column="POS") from None
        if position < 1:
            raise ValueRangeError(f"position {position} must be ≥ 1", file=str(path), row=number, column="POS")
        if max_af is not None and len(fields) >= 8:
            frequency = allele_frequency(fields[7], path, number)
            if frequency is not None and frequency <= max_af:
                continue
        if chrom is None or chrom == record or chrom.split(".")[0] == record.split(".")[0]:
            positions.add(position)
    return frozenset(positions)


def read_mirna_seeds(path: Path) -> tuple[tuple[str, str], ...]:
    """(seed, name) of every mature miRNA in a FASTA (e.g. miRBase's mature.fa): its positions 2–8,
    RNA. A record shorter than 8 nt or with a letter outside ACGU/T is an error naming it."""
    seeds = []
    for record, _, sequence in read_fasta_records(path):
        rna = validate_rna(sequence, file=str(path), row=record, column="sequence")
        if len(rna) < SEED[1]:
            raise SequenceError(f"{len(rna)} nt is too short for a miRNA seed (positions 2–8)", file=str(path),
                                row=record, column="sequence")
        seeds.append((rna[SEED[0] - 1 : SEED[1]], record))
    if not seeds:
        raise InputFormatError("no miRNA in the file", file=str(path))
    return tuple(seeds)


def allele_frequency(info: str, path: Path, row: int) -> float | None:
    """The largest alternative-allele frequency in a VCF INFO field (AF, else dbSNP's CAF); None without one."""
    entries = dict(item.split("=", 1) for item in info.split(";") if "=" in item)
    if "AF" in entries:
        values = entries["AF"].split(",")
    elif "CAF" in entries:
        values = entries["CAF"].split(",")[1:]  # CAF lists the reference allele first
    else:
        return None
    try:
        known = [float(v) for v in values if v not in (".", "")]
    except ValueError:
        raise InputFormatError(f"allele frequency {values!r} is not a number", file=str(path), row=row,
                               column="INFO") from None
    if any(not 0 <= v <= 1 for v in known):
        raise ValueRangeError(f"allele frequency {values!r} is outside 0–1", file=str(path), row=row, column="INFO")
    return max(known) if known else None
