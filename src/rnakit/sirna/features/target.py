"""The ``target`` feature group: where the site lies in its transcript and how accessible it is."""

from __future__ import annotations

import bisect
import functools
import logging
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from rnakit.seq.composition import gc_fraction
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


def _accessibility_jobs(references: pd.Series, sites: pd.DataFrame) -> dict[str, dict[int, tuple[float, float]]]:
    wanted: dict[str, set[int]] = {}
    for reference, position in zip(references, sites["position"]):
        if isinstance(reference, str) and not np.isnan(position):
            wanted.setdefault(reference, set()).add(int(position))
    jobs = list(wanted.items())
    if len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=2) as pool:
            results = pool.map(site_accessibility, [r for r, _ in jobs], [tuple(sorted(p)) for _, p in jobs])
            return {reference: result for (reference, _), result in zip(jobs, results)}
    return {reference: site_accessibility(reference, tuple(sorted(p))) for reference, p in jobs}


_cds = functools.lru_cache(maxsize=4096)(longest_orf)


def _row_features(reference: str, where: str, site: tuple, access: dict) -> dict[str, float]:
    status, position, mismatches = site
    values = dict.fromkeys(COLUMNS, np.nan)
    values["site_found"] = float(status in ("exact", "mismatch"))
    if np.isnan(position):
        return values
    p = int(position)
    values["site_exact"] = float(status == "exact")
    values["site_mismatches"] = mismatches
    values["site_position"] = float(p)
    values["site_relative_position"] = p / len(reference)
    if where == "transcript":  # a context window has no start codon to measure from
        cds = _cds(reference)
        if cds is not None:
            values["distance_to_start_codon"] = float(p - cds[0])
            values["region_5utr"] = float(p + SITE_LENGTH <= cds[0])
            values["region_3utr"] = float(p >= cds[1])
            values["region_cds"] = float(not values["region_5utr"] and not values["region_3utr"])
    upstream = reference[max(0, p - FLANK_GC) : p]
    downstream = reference[p + SITE_LENGTH : p + SITE_LENGTH + FLANK_GC]
    values["flank5_gc"] = gc_fraction(upstream)
    values["flank3_gc"] = gc_fraction(downstream)
    values["site_unpaired"], values["seed_unpaired"] = access.get(p, (np.nan, np.nan))
    return values


@feature_group(
    "target",
    "site in transcript (exact or ≤ 2 mismatches), position, distance to start codon and region "
    "(longest ORF as CDS), ±20 nt flank GC, RNAplfold unpaired probability of site and seed (W 80, L 40)",
    inputs=("guide", "transcript", "context"),
)
def target(table: pd.DataFrame) -> pd.DataFrame:
    sites = locate_rows(table)
    references = target_sequences(table)
    accessibility = _accessibility_jobs(references, sites)
    cache: dict[tuple, dict[str, float]] = {}
    rows = []
    located = zip(sites["status"], sites["position"], sites["mismatches"])
    for reference, where, site in zip(references, sites["reference"], located):
        if not isinstance(reference, str):
            rows.append(dict.fromkeys(COLUMNS, np.nan))
            continue
        key = (reference, where, site)
        if key not in cache:
            cache[key] = _row_features(reference, where, site, accessibility.get(reference, {}))
        rows.append(cache[key])
    frame = pd.DataFrame(rows, index=table.index, columns=COLUMNS, dtype="float64")
    missing = int((sites["reference"].notna() & sites["position"].isna()).sum())
    if missing:
        log.warning("target: %d row(s) with a target sequence have no site there (features NaN)", missing)
    return frame

