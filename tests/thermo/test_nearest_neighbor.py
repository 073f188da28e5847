import pandas as pd
import pytest

from rnakit.errors import SequenceError
from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.thermo.nearest_neighbor import helix_dg, helix_dh_ds, melting_temperature, parameters, stack_energies
from rnakit.thermo.vienna import helix_energy
from tests.conftest import shared_data_or_skip


def test_all_sixteen_stacks_are_defined_and_symmetric():
    table = parameters()
    for a in "ACGU":
        for b in "ACGU":
            step = a + b
            assert table[step] == table[reverse_complement_rna(step)]


def test_ggac_by_hand():
    # GG −3.26, GA −2.35, AC (= GU/CA) −2.24 → −7.85; +4.09 initiation; G…C ends: no AU penalty.
    assert stack_energies("GGAC") == [-3.26, -2.35, -2.24]
    assert helix_dg("GGAC") == pytest.approx(-7.85 + 4.09)


def test_augcu_by_hand():
    # AU −1.10, UG (= CA/GU) −2.11, GC −3.42, CU −2.08 → −8.71; +4.09; A…U ends: 2 × 0.45.
    assert helix_dg("AUGCU") == pytest.approx(-8.71 + 4.09 + 0.90)


def test_enthalpy_and_entropy_by_hand():
    # GGAC: ΔH = −13.39 − 12.44 − 11.40 + 3.61; ΔS = −32.7 − 32.5 − 29.5 − 1.5.
    dh, ds = helix_dh_ds("GGAC")
    assert dh == pytest.approx(-13.39 - 12.44 - 11.40 + 3.61)
    assert ds == pytest.approx(-32.7 - 32.5 - 29.5 - 1.5)


@pytest.mark.parametrize("helix", ["GGAC", "AUGCU", "CUAAUAUGUUAAUUGAUUU", "GAUUUAUAC"])
def test_agrees_with_viennarna_evaluation(helix):
    # ViennaRNA stores each stack to 0.1 kcal/mol and the AU penalty as 0.5: allow 0.05 per term.
    vienna = helix_energy(helix, reverse_complement_rna(helix), "(" * len(helix) + ")" * len(helix))
    assert abs(helix_dg(helix) - vienna) <= 0.05 * (len(helix) - 1) + 0.05 * 2 + 0.05


def test_melting_temperature_rises_with_gc_and_concentration():
    assert melting_temperature("GGCGCCG") > melting_temperature("GAUUUAU")
    assert melting_temperature("GAUUUAU", 1e-3) > melting_temperature("GAUUUAU", 1e-5)
    # Salt: 16.6·log10([Na+]) — 0.1 M lowers the 1 M Tm by exactly 16.6 °C.
    assert melting_temperature("GAUUUAU", 1e-4, 0.1) == pytest.approx(melting_temperature("GAUUUAU", 1e-4) - 16.6)


def test_bad_helix():
    with pytest.raises(SequenceError):
        stack_energies("ACNG")


def test_stacks_match_gnn4sirna_published_values():
    # GNN4siRNA's preprocessing computed the 18 stacks of guide 1–19 independently. (Its totals use
    # other end corrections — a 0.43 symmetry term and AU penalties only for a 5' A or a 3' U — so
    # only the stacks are compared.)
    folder = shared_data_or_skip() / "gnn4sirna" / "processed" / "dataset_1"
    published = pd.read_csv(folder / "sirna_target_thermo.csv", header=None, nrows=50)
    guides = {}
    for line in (folder.parent.parent / "raw" / "dataset_1" / "sirna_1.fas").read_text().split(">")[1:]:
        name, sequence = line.split()[:2]
        guides[name] = sequence.upper()
    for _, row in published.iterrows():
        core = guides[row[0]][:19]
        assert stack_energies(core) == pytest.approx(list(row[2:20]), abs=1e-9)
