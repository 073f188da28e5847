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
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np

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


@functools.cache
def _step_values() -> dict[str, np.ndarray]:
    """dG37, dH and dS of each stack, indexed by 4·code(5' nt) + code(3' nt) (A, C, G, U = 0–3)."""
    table = parameters()
    steps = [a + b for a in "ACGU" for b in "ACGU"]
    return {field: np.array([getattr(table[step], field) for step in steps]) for field in ("dG37", "dH", "dS")}


_CODES = np.full(256, -1, dtype=np.intp)
_CODES[[ord(letter) for letter in "ACGU"]] = range(4)


def _steps(helices: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each helix's stack indices, one row each (−1 past its end), and its count of A·U terminal pairs."""
    for helix in helices:
        _check(helix)
    width = max(map(len, helices))
    padded = np.array([helix.encode("ascii") for helix in helices], dtype=f"S{width}")
    codes = _CODES[padded.view(np.uint8).reshape(len(helices), width)]
    steps = np.where((codes[:, :-1] >= 0) & (codes[:, 1:] >= 0), 4 * codes[:, :-1] + codes[:, 1:], -1)
    last = codes[np.arange(len(helices)), [len(helix) - 1 for helix in helices]]
    ends = np.isin(codes[:, 0], (0, 3)).astype(int) + np.isin(last, (0, 3))
    return steps, ends


def _values(steps: np.ndarray, field: str) -> np.ndarray:
    return np.where(steps >= 0, _step_values()[field][steps], np.nan)


def _row_sums(values: np.ndarray) -> np.ndarray:
    # cumsum adds left to right as sum() did (np.sum's pairwise order could change a feature's last bit).
    return np.cumsum(np.nan_to_num(values), axis=1)[:, -1]


def stack_table(helices: Sequence[str], field: str = "dG37") -> np.ndarray:
    """``field`` (dG37, dH or dS) of every stack of each helix paired with its complement, 5'→3':
    shape (len(helices), longest − 1), NaN past each helix's own len − 1 stacks."""
    return _values(_steps(helices)[0], field)


def stack_energies(helix: str) -> list[float]:
    """ΔG37 of each of the len−1 stacks of ``helix`` paired with its complement, 5'→3'."""
    return stack_table([helix])[0].tolist()


def helix_dgs(helices: Sequence[str]) -> np.ndarray:
    """Total ΔG37 (kcal/mol) of each bimolecular helix: stacks + initiation + terminal AU penalties."""
    table = parameters()
    steps, ends = _steps(helices)
    return _row_sums(_values(steps, "dG37")) + table["initiation"].dG37 + ends * table["terminal_AU"].dG37


def helix_dg(helix: str) -> float:
    """:func:`helix_dgs` of one helix."""
    return float(helix_dgs([helix])[0])


def helices_dh_ds(helices: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Total ΔH (kcal/mol) and ΔS (cal/(mol·K)) of each helix, with initiation and AU ends."""
    table = parameters()
    steps, ends = _steps(helices)
    dh = _row_sums(_values(steps, "dH")) + table["initiation"].dH + ends * table["terminal_AU"].dH
    ds = _row_sums(_values(steps, "dS")) + table["initiation"].dS + ends * table["terminal_AU"].dS
    return dh, ds


def helix_dh_ds(helix: str) -> tuple[float, float]:
    """:func:`helices_dh_ds` of one helix."""
    dh, ds = helices_dh_ds([helix])
    return float(dh[0]), float(ds[0])


def melting_temperatures(helices: Sequence[str], strand_concentration_m: float = 1e-4,
                         sodium_m: float = 1.0) -> np.ndarray:
    """Tm (°C) of each helix's two non-self-complementary strands at equal concentration.

    Tm = ΔH / (ΔS + R·ln(C_T/4)) − 273.15 + 16.6·log10([Na+]), with C_T the total strand
    concentration (default 100 µM, siDirect's choice for seed duplexes). The parameters are for
    1 M NaCl; the salt term (Ui-Tei et al. 2008 use it at 0.1 M) is 0 there.
    """
    dh, ds = helices_dh_ds(helices)
    return dh / (ds / 1000.0 + GAS_CONSTANT * math.log(strand_concentration_m / 4.0)) - KELVIN + salt_shift(sodium_m)


def melting_temperature(helix: str, strand_concentration_m: float = 1e-4, sodium_m: float = 1.0) -> float:
    """:func:`melting_temperatures` of one helix."""
    return float(melting_temperatures([helix], strand_concentration_m, sodium_m)[0])


def salt_shift(sodium_m: float) -> float:
    """Tm shift (°C) from 1 M to ``sodium_m`` Na+: 16.6·log10([Na+]) (−16.6 °C at 0.1 M)."""
    return 16.6 * math.log10(sodium_m)
