"""Candidate filters: each switchable, each rejection counted, the first failing one named.

Defaults follow common practice (siDirect, sirnaforge): GC 30–64 % over the guide's 19-nt core,
no run of ≥ 4 identical bases in the guide, no G/C stretch longer than 9 nt in the covered
target stretch, not within the first 50 nt after the start codon (UTR-proximal region bound by
translation initiation complexes, Elbashir 2002), and no overlap with a known variant (a SNP in
the site breaks pairing in part of the population).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from rnakit.errors import InputFormatError, ValueRangeError
from rnakit.seq.composition import gc_fraction
from rnakit.tabular import open_text

CORE = 19


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
    cds: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.gc_min <= self.gc_max <= 1:
            raise ValueRangeError(f"GC range {self.gc_min:g}–{self.gc_max:g} must satisfy 0 ≤ min ≤ max ≤ 1",
                                  column="--gc")


FILTER_DESCRIPTIONS = {
    "gc": "GC content of guide 1–19 within the range",
    "runs": "no run of identical bases in the guide",
    "gc_stretch": "no G/C stretch longer than the maximum in the covered target stretch",
    "start_codon": "site not within the first nt after the start codon",
    "variants": "site does not overlap a given variant position",
}


def apply_filters(candidates: pd.DataFrame, settings: FilterSettings) -> pd.DataFrame:
    """``pass_<filter>`` per enabled filter, ``passed`` and ``first_failure`` ('' when passed)."""
    checks: dict[str, np.ndarray] = {}
    if settings.gc:
        gc = np.array([gc_fraction(g[:CORE]) for g in candidates["guide"]])
        checks["gc"] = (gc >= settings.gc_min - 1e-9) & (gc <= settings.gc_max + 1e-9)
    if settings.runs:
        run = re.compile(r"([ACGU])\1{%d,}" % (settings.run_length - 1))
        checks["runs"] = np.array([run.search(g) is None for g in candidates["guide"]])
    if settings.gc_stretch:
        stretch = re.compile(r"[GC]{%d,}" % (settings.gc_stretch_max + 1))
        checks["gc_stretch"] = np.array([stretch.search(s) is None for s in candidates["site"]])
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
    frame = pd.DataFrame({f"pass_{name}": values for name, values in checks.items()}, index=candidates.index)
    failure = pd.Series("", index=candidates.index, dtype="object")
    for name in reversed(list(checks)):
        failure = failure.where(checks[name], name)
    frame["passed"] = failure == ""
    frame["first_failure"] = failure
    return frame


def funnel(filtered: pd.DataFrame) -> list[dict[str, int | str]]:
    """The filter funnel: per filter, candidates it rejects, those it rejects first, and those left."""
    rows, left = [], len(filtered)
    for column in [c for c in filtered.columns if c.startswith("pass_")]:
        name = column.removeprefix("pass_")
        first = int((filtered["first_failure"] == name).sum())
        left -= first
        rows.append({"filter": name, "rejects": int((~filtered[column]).sum()), "rejects_first": first, "left": left})
    return rows


def read_variant_positions(path: Path, record: str) -> frozenset[int]:
    """1-based variant positions on ``record`` from a VCF (CHROM = record id) or a list of positions.

    A position list holds one integer per line, or ``record<TAB>position`` lines; '#' lines are skipped.
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
        if chrom is None or chrom == record or chrom.split(".")[0] == record.split(".")[0]:
            positions.add(position)
    return frozenset(positions)
