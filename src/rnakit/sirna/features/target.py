"""The ``target`` feature group: where the site lies in its transcript and how accessible it is."""

from __future__ import annotations

import bisect
import functools
import logging
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from rnakit.seq.orf import longest_orf
from rnakit.sirna.features.registry import feature_group
from rnakit.sirna.features.site import SITE_LENGTH, locate_rows, target_sequences
from rnakit.thermo.vienna import PLFOLD_WINDOW, unpaired_probabilities

log = logging.getLogger(__name__)

FLANK_GC = 20
SEED_LENGTH = 8  # guide 1–8 face the last 8 nt of the 19-nt site
#: Local folding sees at most PLFOLD_WINDOW nt, so a region this much wider than the site on each
#: side gives the same probabilities as folding the whole transcript, at a fraction of the cost.
REGION_MARGIN = 2 * PLFOLD_WINDOW
COLUMNS = [
    "site_found", "site_exact", "site_mismatches", "site_position", "site_relative_position",
    "distance_to_start_codon", "region_5utr", "region_cds", "region_3utr",
    "flank5_gc", "flank3_gc", "site_unpaired", "seed_unpaired",
]


def _merged_regions(positions: list[int], length: int) -> list[tuple[int, int]]:
    spans = sorted((max(0, p - REGION_MARGIN), min(length, p + SITE_LENGTH + REGION_MARGIN)) for p in positions)
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def site_accessibility(reference: str, positions: tuple[int, ...]) -> dict[int, tuple[float, float]]:
    """RNAplfold unpaired probability of each 19-nt site and of its guide-seed 8 nt, by site start."""
    result = {}
    ordered = sorted(positions)
    for start, end in _merged_regions(ordered, len(reference)):
        probabilities = unpaired_probabilities(reference[start:end], SITE_LENGTH)
        # The sites inside this region only (a long target has many regions and many sites).
        for position in ordered[bisect.bisect_left(ordered, start) : bisect.bisect_right(ordered, end - SITE_LENGTH)]:
            if start <= position and position + SITE_LENGTH <= end:
                last = position - start + SITE_LENGTH  # 1-based end of the site within the region
                result[position] = (probabilities[last, SITE_LENGTH], probabilities[last, SEED_LENGTH])
    return result


def _accessibility_jobs(references: list, sites: pd.DataFrame) -> dict[str, dict[int, tuple[float, float]]]:
    wanted: dict[str, set[int]] = {}
    for reference, position in zip(references, sites["position"].tolist()):
        if isinstance(reference, str) and position == position:  # position == position: not NaN
            wanted.setdefault(reference, set()).add(int(position))
    jobs = list(wanted.items())
    if len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=2) as pool:
            results = pool.map(site_accessibility, [r for r, _ in jobs], [tuple(sorted(p)) for _, p in jobs])
            return {reference: result for (reference, _), result in zip(jobs, results)}
    return {reference: site_accessibility(reference, tuple(sorted(p))) for reference, p in jobs}


_cds = functools.lru_cache(maxsize=4096)(longest_orf)


def _gc_fractions(cumulative: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """:func:`rnakit.seq.composition.gc_fraction` of each ``[start, end)`` stretch from G/C prefix sums:
    the same int / int division, so the same floats (NaN for an empty stretch)."""
    lengths = ends - starts
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(lengths > 0, (cumulative[ends] - cumulative[starts]) / lengths, np.nan)


def _fill_sites(values: dict[str, np.ndarray], rows: np.ndarray, reference: str, where: str,
                sites: pd.DataFrame, access: dict[int, tuple[float, float]]) -> None:
    """The columns of ``rows`` (all with a site in ``reference``, searched there as ``where``)."""
    positions = sites["position"].to_numpy()[rows]
    starts = positions.astype(np.int64)
    length = len(reference)
    values["site_exact"][rows] = sites["status"].to_numpy()[rows] == "exact"
    values["site_mismatches"][rows] = sites["mismatches"].to_numpy()[rows]
    values["site_position"][rows] = positions
    values["site_relative_position"][rows] = positions / length
    cds = _cds(reference) if where == "transcript" else None  # a context window has no start codon
    if cds is not None:
        utr5, utr3 = starts + SITE_LENGTH <= cds[0], starts >= cds[1]
        values["distance_to_start_codon"][rows] = starts - cds[0]
        values["region_5utr"][rows] = utr5
        values["region_3utr"][rows] = utr3
        values["region_cds"][rows] = ~utr5 & ~utr3
    letters = np.frombuffer(reference.encode("ascii", "replace"), dtype=np.uint8)  # one byte per letter
    cumulative = np.concatenate(([0], np.cumsum((letters == ord("G")) | (letters == ord("C")))))
    values["flank5_gc"][rows] = _gc_fractions(cumulative, np.maximum(starts - FLANK_GC, 0), starts)
    after = np.minimum(starts + SITE_LENGTH, length)
    values["flank3_gc"][rows] = _gc_fractions(cumulative, after, np.minimum(starts + SITE_LENGTH + FLANK_GC, length))
    unpaired = np.array([access.get(p, (np.nan, np.nan)) for p in starts.tolist()], dtype=float).reshape(-1, 2)
    values["site_unpaired"][rows], values["seed_unpaired"][rows] = unpaired[:, 0], unpaired[:, 1]


@feature_group(
    "target",
    "site in transcript (exact or ≤ 2 mismatches), position, distance to start codon and region "
    "(longest ORF as CDS), ±20 nt flank GC, RNAplfold unpaired probability of site and seed (W 80, L 40)",
    inputs=("guide", "transcript", "context"),
)
def target(table: pd.DataFrame) -> pd.DataFrame:
    sites = locate_rows(table)
    references = target_sequences(table).tolist()
    accessibility = _accessibility_jobs(references, sites)
    values = {column: np.full(len(table), np.nan) for column in COLUMNS}
    # A row with a target sequence says whether its site was found there; one without has only NaN.
    has_reference = np.array([isinstance(reference, str) for reference in references], dtype=bool)
    found = sites["status"].isin(("exact", "mismatch")).to_numpy(dtype=float)
    values["site_found"] = np.where(has_reference, found, np.nan)
    # Rows with a site, by the sequence it lies in (and how that sequence was chosen): one pass each.
    groups: dict[tuple[str, str], list[int]] = {}
    located = zip(references, sites["reference"].tolist(), sites["position"].tolist())  # lists: quicker than cells
    for row, (reference, where, position) in enumerate(located):
        if position == position and isinstance(reference, str):  # position == position: not NaN
            groups.setdefault((reference, where), []).append(row)
    for (reference, where), rows in groups.items():
        _fill_sites(values, np.array(rows), reference, where, sites, accessibility.get(reference, {}))
    frame = pd.DataFrame(values, index=table.index, columns=COLUMNS, dtype="float64")
    missing = int((sites["reference"].notna() & sites["position"].isna()).sum())
    if missing:
        log.warning("target: %d row(s) with a target sequence have no site there (features NaN)", missing)
    return frame
