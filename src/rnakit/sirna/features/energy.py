"""The ``thermo`` feature group: nearest-neighbour stacks, end asymmetry, ViennaRNA energies, seed Tm."""

from __future__ import annotations

import math

import pandas as pd

from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.sirna.features.registry import feature_group, per_unique
from rnakit.sirna.features.site import site_regions
from rnakit.thermo.nearest_neighbor import helix_dg, melting_temperature, stack_energies
from rnakit.hybrid.search import duplex_energy
from rnakit.thermo.vienna import duplex_mfe, fold_mfe

CORE = 19  # guide 1–19 pairs with the passenger (and the target) in 19+2 and 21/23 designs
END_BP = 4  # terminal base pairs whose stability defines the asymmetry
SEED = (2, 8)
NN_COLUMNS = [f"nn_step_{i}" for i in range(1, CORE)]


def _guide_energies(guide: str) -> dict[str, float]:
    core = guide[:CORE]
    stacks = stack_energies(core)
    values = dict(zip(NN_COLUMNS, stacks + [math.nan] * (len(NN_COLUMNS) - len(stacks))))
    values["nn_total"] = helix_dg(core)
    # ΔG of the guide's 5'-terminal 4 bp minus that of the passenger's 5'-terminal 4 bp (the
    # duplex's other end): positive when the guide end is the less stable one, as RISC prefers.
    values["end_asymmetry"] = sum(stacks[: END_BP - 1]) - sum(stacks[-(END_BP - 1):])
    values["guide_fold_mfe"] = fold_mfe(guide)
    values["seed_tm"] = melting_temperature(guide[SEED[0] - 1 : SEED[1]])
    return values


@feature_group(
    "thermo",
    "nearest-neighbour ΔG of guide 1–19 stacks and total, 5'-end asymmetry, ViennaRNA duplex/self-fold/"
    "guide–target MFE, seed (2–8) Tm",
    inputs=("guide", "passenger", "transcript", "context"),
)
def thermo(table: pd.DataFrame) -> pd.DataFrame:
    columns = NN_COLUMNS + ["nn_total", "end_asymmetry", "guide_fold_mfe", "seed_tm"]
    guide = per_unique(table["guide"], _guide_energies, columns)
    pairs = table["guide"].where(table["passenger"].notna()) + "&" + table["passenger"]
    duplex = per_unique(pairs, lambda p: {"duplex_mfe": duplex_mfe(*p.split("&"))}, ["duplex_mfe"])
    # Guide against the target stretch it faces (site ± 4 nt for overhangs), where a target is known.
    regions = site_regions(table)
    keyed = table["guide"].where(regions.notna()) + "&" + regions
    target = per_unique(keyed, lambda p: {"target_mfe": duplex_energy(*p.split("&"))}, ["target_mfe"])
    return pd.concat([guide, duplex, target], axis=1)


def sense_site(guide: str) -> str:
    """The 19-nt target-sense sequence the guide's 1–19 pair with (design rules are stated on it)."""
    return reverse_complement_rna(guide[:CORE])
