"""The ``thermo`` feature group: nearest-neighbour stacks, end asymmetry, ViennaRNA energies, seed Tm."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.sirna.features.registry import feature_group, per_unique_bulk
from rnakit.sirna.features.site import SEED, site_regions
from rnakit.thermo.nearest_neighbor import helix_dgs, melting_temperatures, stack_table
from rnakit.hybrid.energy import longest_other_helix, paired_duplex_energies
from rnakit.thermo.vienna import duplex_mfe, fold_mfe

CORE = 19  # guide 1–19 pairs with the passenger (and the target) in 19+2 and 21/23 designs
END_BP = 4  # terminal base pairs whose stability defines the asymmetry
MIN_PAIRED, MAX_TAIL = 15, 4  # duplexes computed in bulk: as designed (≥ 15 bp core, 3' overhangs of 1–4 nt)
SLIPPED_HELIX = 8  # ... and no other register pairs this many nt in a row (slipped duplexes seen to win had ≥ 17)
NN_COLUMNS = [f"nn_step_{i}" for i in range(1, CORE)]


def _guide_energies(guides: list[str]) -> dict[str, np.ndarray]:
    cores = [guide[:CORE] for guide in guides]
    stacks = stack_table(cores)
    stacks = np.pad(stacks, ((0, 0), (0, len(NN_COLUMNS) - stacks.shape[1])), constant_values=np.nan)
    values = dict(zip(NN_COLUMNS, stacks.T))
    values["nn_total"] = helix_dgs(cores)
    # ΔG of the guide's 5'-terminal 4 bp minus that of the passenger's 5'-terminal 4 bp (the
    # duplex's other end): positive when the guide end is the less stable one, as RISC prefers.
    # Each of the three terms is added left to right from 0, as sum() did (same values, bit for bit).
    n = np.array([len(core) - 1 for core in cores])[:, None]
    first = np.where(np.arange(END_BP - 1) < n, stacks[:, : END_BP - 1], 0.0)
    last_index = n - (END_BP - 1) + np.arange(END_BP - 1)
    last = np.where(last_index >= 0, np.take_along_axis(stacks, np.maximum(last_index, 0), axis=1), 0.0)
    values["end_asymmetry"] = np.cumsum(first, axis=1)[:, -1] - np.cumsum(last, axis=1)[:, -1]
    values["guide_fold_mfe"] = np.array([fold_mfe(guide) for guide in guides])
    values["seed_tm"] = melting_temperatures([guide[SEED[0] - 1 : SEED[1]] for guide in guides])
    return values


def _paired_length(guide: str, passenger: str) -> int:
    """c when guide 1..c pair perfectly with passenger c..1: 5' ends paired, a 3' tail on each strand
    (the shorter's of 1–MAX_TAIL nt; a blunt end often frays in the MFE, so it is left to cofold), else 0."""
    if not set(guide + passenger) <= set("ACGU"):
        return 0
    shorter = min(len(guide), len(passenger))
    for c in range(shorter - 1, max(MIN_PAIRED, shorter - MAX_TAIL) - 1, -1):
        if guide[:c] == reverse_complement_rna(passenger[:c]):
            return c
    return 0


def _duplex_energies(pairs: list[str]) -> dict[str, np.ndarray]:
    """Guide–passenger ΔG: the fully paired duplex's energy, in bulk, where the strands pair perfectly and no
    other register holds a helix of SLIPPED_HELIX bp; the full cofold elsewhere. The cofold MFE equals it there:
    over 228,810 distinct designed duplexes (overhangs 1–4 nt; 42 mRNAs, random, biased and repetitive targets)
    only slipped duplexes in repeats, with other helices of ≥ 17 bp, differed (tests/sirna/design/test_bulk_features.py)."""
    guides, passengers = (np.array(strands, dtype=object) for strands in zip(*(pair.split("&") for pair in pairs)))
    paired = np.array([_paired_length(g, p) for g, p in zip(guides, passengers)], dtype=int)
    bulk = np.flatnonzero(paired)
    if len(bulk):
        bulk = bulk[longest_other_helix(guides[bulk], passengers[bulk], paired[bulk]) < SLIPPED_HELIX]
    energies = np.empty(len(pairs))
    if len(bulk):
        energies[bulk] = paired_duplex_energies(guides[bulk], passengers[bulk], paired[bulk])
    for i in np.setdiff1d(np.arange(len(pairs)), bulk):  # mismatched, unusual or repetitive strands
        energies[i] = duplex_mfe(guides[i], passengers[i])
    return {"duplex_mfe": energies}


def _target_energies(pairs: list[str]) -> dict[str, np.ndarray]:
    # Imported here: it loads numba (0.2 CPU s), which a design's process computing the other groups never needs.
    from rnakit.hybrid.search import duplex_energies

    guides, regions = zip(*(pair.split("&") for pair in pairs))
    return {"target_mfe": duplex_energies(guides, regions)}


@feature_group(
    "thermo",
    "nearest-neighbour ΔG of guide 1–19 stacks and total, 5'-end asymmetry, guide–passenger duplex ΔG, ViennaRNA "
    "self-fold and guide–target MFE, seed (2–8) Tm",
    inputs=("guide", "passenger", "transcript", "context"),
    version=2,
)
def thermo(table: pd.DataFrame) -> pd.DataFrame:
    columns = NN_COLUMNS + ["nn_total", "end_asymmetry", "guide_fold_mfe", "seed_tm"]
    guide = per_unique_bulk(table["guide"], _guide_energies, columns)
    pairs = table["guide"].where(table["passenger"].notna()) + "&" + table["passenger"]
    duplex = per_unique_bulk(pairs, _duplex_energies, ["duplex_mfe"])
    # Guide against the target stretch it faces (site ± 4 nt for overhangs), where a target is known.
    regions = site_regions(table)
    keyed = table["guide"].where(regions.notna()) + "&" + regions
    target = per_unique_bulk(keyed, _target_energies, ["target_mfe"])
    return pd.concat([guide, duplex, target], axis=1)


def sense_site(guide: str) -> str:
    """The 19-nt target-sense sequence the guide's 1–19 pair with (design rules are stated on it)."""
    return reverse_complement_rna(guide[:CORE])
