"""Nearest-neighbour free energies of perfectly paired RNA helices (Turner 2004 = Xia 1998).

A helix is given by one strand, 5'→3'; its partner is the Watson–Crick complement. The table
(``rnakit/data/turner2004_wc_stacks.csv``) lists ten stacks; the other six are the same stacks read
from the other strand (5'-UU-3' is 5'-AA-3' on the partner).
"""

from __future__ import annotations

import csv
import functools
import io
import math
from dataclasses import dataclass
from importlib import resources

from rnakit.errors import SequenceError
from rnakit.seq.alphabet import first_invalid_letter, reverse_complement_rna

GAS_CONSTANT = 1.98720425864083e-3  # kcal/(mol·K)
KELVIN = 273.15


@dataclass(frozen=True)
class NNParameter:
    dG37: float  # kcal/mol
    dH: float  # kcal/mol
    dS: float  # cal/(mol·K)


@functools.cache
def parameters() -> dict[str, NNParameter]:
    """All 16 stacks plus ``initiation`` and ``terminal_AU``, keyed by 5'→3' top-strand step."""
    text = resources.files("rnakit").joinpath("data/turner2004_wc_stacks.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(io.StringIO("".join(line for line in text.splitlines(True) if not line.startswith("#"))))
    table = {row["step"]: NNParameter(float(row["dG37"]), float(row["dH"]), float(row["dS"])) for row in rows}
    for step in list(table):
        if len(step) == 2:
            table.setdefault(reverse_complement_rna(step), table[step])
    return table


def _check(helix: str) -> None:
    bad = first_invalid_letter(helix)
    if bad is not None or len(helix) < 2:
        raise SequenceError(f"helix {helix!r} must be ≥ 2 nt of A, C, G, U")


def stack_energies(helix: str) -> list[float]:
    """ΔG37 of each of the len−1 stacks of ``helix`` paired with its complement, 5'→3'."""
    _check(helix)
    table = parameters()
    return [table[helix[i : i + 2]].dG37 for i in range(len(helix) - 1)]


def _terminal_au(helix: str) -> int:
    return sum(base in "AU" for base in (helix[0], helix[-1]))


def helix_dg(helix: str) -> float:
    """Total ΔG37 (kcal/mol) of the bimolecular helix: stacks + initiation + terminal AU penalties."""
    table = parameters()
    return sum(stack_energies(helix)) + table["initiation"].dG37 + _terminal_au(helix) * table["terminal_AU"].dG37


def helix_dh_ds(helix: str) -> tuple[float, float]:
    """Total ΔH (kcal/mol) and ΔS (cal/(mol·K)) of the helix, with initiation and AU ends."""
    _check(helix)
    table = parameters()
    steps = [table[helix[i : i + 2]] for i in range(len(helix) - 1)]
    ends = _terminal_au(helix)
    dh = sum(s.dH for s in steps) + table["initiation"].dH + ends * table["terminal_AU"].dH
    ds = sum(s.dS for s in steps) + table["initiation"].dS + ends * table["terminal_AU"].dS
    return dh, ds


def melting_temperature(helix: str, strand_concentration_m: float = 1e-4, sodium_m: float = 1.0) -> float:
    """Tm (°C) of two non-self-complementary strands at equal concentration.

    Tm = ΔH / (ΔS + R·ln(C_T/4)) − 273.15 + 16.6·log10([Na+]), with C_T the total strand
    concentration (default 100 µM, siDirect's choice for seed duplexes). The parameters are for
    1 M NaCl; the salt term (Ui-Tei et al. 2008 use it at 0.1 M) is 0 there.
    """
    dh, ds = helix_dh_ds(helix)
    return dh / (ds / 1000.0 + GAS_CONSTANT * math.log(strand_concentration_m / 4.0)) - KELVIN + salt_shift(sodium_m)


def salt_shift(sodium_m: float) -> float:
    """Tm shift (°C) from 1 M to ``sodium_m`` Na+: 16.6·log10([Na+]) (−16.6 °C at 0.1 M)."""
    return 16.6 * math.log10(sodium_m)
