"""The design features computed in bulk equal the straightforward one-call-per-candidate values.

Each reference below is the plain per-candidate call (ViennaRNA's cofold and duplexfold, a loop over
letters), so these tests stand as an independent check of the vectorised and batched paths.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter

import numpy as np
import pytest
import RNA

from rnakit.hybrid.energy import paired_duplex_energies
from rnakit.hybrid.search import duplex_energies
from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.sirna.design.candidates import enumerate_candidates
from rnakit.sirna.design.efficacy import Conditions, candidate_table
from rnakit.sirna.features.energy import thermo
from rnakit.sirna.features.sequence import kmers, position
from rnakit.sirna.features.site import site_regions
from rnakit.thermo.nearest_neighbor import GAS_CONSTANT, KELVIN, parameters

#: The duplex ΔG's method changed (cofold MFE → energy of the fully paired duplex): the README's tolerance.
DUPLEX_TOLERANCE = 0.1


def random_target(rng: random.Random, n: int) -> str:
    # Uniform stretches plus a poly-A and a dinucleotide repeat, where slipped duplexes compete.
    parts = ["".join(rng.choice("ACGU") for _ in range(n)), "A" * 30, "".join(rng.choice("ACGU") for _ in range(n)),
             "CA" * 15, "".join(rng.choice("ACGU") for _ in range(n))]
    return "".join(parts)


def design_tables(seed: int):
    rng = random.Random(seed)
    for lengths, overhang in (([19, 21, 23], 2), ([21], 0), ([23], 4)):
        target = random_target(rng, 60)
        candidates = enumerate_candidates(target, lengths, overhang)
        yield candidate_table(candidates, target, "target", None, None, None, Conditions())


@pytest.mark.parametrize("seed", [1, 2])
def test_thermo_energies_equal_one_viennarna_call_per_candidate(seed: int) -> None:
    for table in design_tables(seed):
        features = thermo(table)
        cofold = [RNA.fold_compound(f"{g}&{p}").mfe_dimer()[1] for g, p in zip(table["guide"], table["passenger"])]
        assert np.abs(features["duplex_mfe"].to_numpy() - cofold).max() <= DUPLEX_TOLERANCE
        # the stretch each guide faces is located as before; the energy is what changed hands
        for guide, region, energy in zip(table["guide"], site_regions(table), features["target_mfe"]):
            assert energy == pytest.approx(RNA.duplexfold(region, guide).energy, abs=1e-9), guide


def per_guide_reference(guide: str) -> dict[str, float]:
    """The thermo group's nearest-neighbour columns as they were computed before, one guide at a time."""
    table = parameters()
    core = guide[:19]
    stacks = [table[core[i : i + 2]].dG37 for i in range(len(core) - 1)]
    au_ends = lambda helix: sum(base in "AU" for base in (helix[0], helix[-1]))  # noqa: E731
    values = {f"nn_step_{i + 1}": stack for i, stack in enumerate(stacks)}
    values["nn_total"] = sum(stacks) + table["initiation"].dG37 + au_ends(core) * table["terminal_AU"].dG37
    values["end_asymmetry"] = sum(stacks[:3]) - sum(stacks[-3:])
    seed = guide[1:8]
    steps = [table[seed[i : i + 2]] for i in range(len(seed) - 1)]
    dh = sum(s.dH for s in steps) + table["initiation"].dH + au_ends(seed) * table["terminal_AU"].dH
    ds = sum(s.dS for s in steps) + table["initiation"].dS + au_ends(seed) * table["terminal_AU"].dS
    values["seed_tm"] = dh / (ds / 1000.0 + GAS_CONSTANT * math.log(1e-4 / 4.0)) - KELVIN
    values["guide_fold_mfe"] = RNA.fold(guide)[1]
    return values


def test_nearest_neighbour_columns_are_identical_to_one_guide_at_a_time() -> None:
    table = next(design_tables(6))
    table.loc[table.index[:2], "guide"] = ["ACGUACGUACGUACG", "UUUUUUUUUUUUUUUUUUUUUUU"]  # 15 nt (NaN steps), 23 nt
    features = thermo(table)
    for row, guide in zip(table.index, table["guide"]):
        for column, expected in per_guide_reference(guide).items():
            assert features.at[row, column] == expected, (guide, column)  # bit for bit, not approximately
        assert features.loc[row, [f"nn_step_{i}" for i in range(len(guide[:19]), 19)]].isna().all()


def test_fully_paired_duplexes_equal_viennarna_evaluation() -> None:
    """Any paired length, blunt ends or 3' tails of 1–4 nt on either strand: identical to ViennaRNA."""
    rng = random.Random(3)
    first, second, paired, expected = [], [], [], []
    for _ in range(400):
        c, tail1, tail2 = rng.randint(15, 23), rng.randint(0, 4), rng.randint(0, 4)
        core = "".join(rng.choice("ACGU") for _ in range(c))
        a = core + "".join(rng.choice("ACGU") for _ in range(tail1))
        b = reverse_complement_rna(core) + "".join(rng.choice("ACGU") for _ in range(tail2))
        first.append(a)
        second.append(b)
        paired.append(c)
        expected.append(RNA.fold_compound(f"{a}&{b}").eval_structure("(" * c + "." * tail1 + ")" * c + "." * tail2))
    assert paired_duplex_energies(first, second, np.array(paired)).tolist() == expected


def test_batched_duplexfold_equals_one_call_per_pair() -> None:
    rng = random.Random(4)
    queries = ["".join(rng.choice("ACGU") for _ in range(rng.randint(6, 23))) for _ in range(60)] + ["AAAA"]
    targets = ["".join(rng.choice("ACGU") for _ in range(rng.randint(6, 40))) for _ in range(60)] + ["AAAA"]
    energies = duplex_energies(queries, targets)
    for query, target, energy in zip(queries, targets, energies):
        expected = RNA.duplexfold(target, query).energy
        assert energy == pytest.approx(0.0 if expected >= 1e5 else expected, abs=1e-9), (query, target)
    assert energies[-1] == 0.0  # nothing pairs


def test_sequence_encodings_equal_a_loop_over_letters() -> None:
    table = next(design_tables(5))
    table.loc[table.index[:3], "guide"] = ["ACGUNACGU", "", "ACGUACGUACGUACGUACGUACGUA"]  # N, empty, > 21 nt
    onehot = position(table)
    spectrum = kmers(table)
    for row, guide in zip(table.index, table["guide"]):
        for i, letter in itertools.product(range(1, 22), "ACGU"):
            assert onehot.at[row, f"guide_p{i}_{letter}"] == float(i <= len(guide) and guide[i - 1] == letter)
        windows = Counter(guide[i : i + k] for k in (1, 2, 3) for i in range(len(guide) - k + 1))
        for column in spectrum.columns:
            assert spectrum.at[row, column] == windows[column.removeprefix("guide_")]
