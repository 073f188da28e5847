"""ViennaRNA's Turner 2004 energy tables as numpy arrays, for the hybridisation dynamic programme.

The tables come from ViennaRNA itself (``RNA.params_save`` writes the parameter set it has loaded),
so rnakit evaluates exactly the energies ViennaRNA would: ``tests/hybrid`` checks the programme
against ``RNA.duplexfold``. Energies are integers in dcal/mol, as in ViennaRNA.

Codes follow ViennaRNA: nucleotides 0 = none/N, A = 1, C = 2, G = 3, U = 4; pair types
CG = 1, GC = 2, GU = 3, UG = 4, AU = 5, UA = 6 (0 = no pair).
"""

from __future__ import annotations

import functools
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import RNA

from rnakit.hybrid.options import MAXLOOP  # the light module holds the limit the options check

INF = 10_000_000  # ViennaRNA's "INF": an impossible structure
DEF = -50  # ViennaRNA's "DEF" entries
MAX_NINIO = 300

NUCLEOTIDE_CODES = {"A": 1, "C": 2, "G": 3, "U": 4}
PAIR_TYPES = {"CG": 1, "GC": 2, "GU": 3, "UG": 4, "AU": 5, "UA": 6}


def _pair_matrix() -> np.ndarray:
    pair = np.zeros((5, 5), dtype=np.int8)
    for letters, code in PAIR_TYPES.items():
        pair[NUCLEOTIDE_CODES[letters[0]], NUCLEOTIDE_CODES[letters[1]]] = code
    return pair


PAIR = _pair_matrix()
#: the same pair read from the other strand: CG ↔ GC, GU ↔ UG, AU ↔ UA
REVERSE_TYPE = np.array([0, 2, 1, 4, 3, 6, 5, 7], dtype=np.int8)


@dataclass(frozen=True, eq=False)
class EnergyTables:
    """The loop tables a duplex needs (stacks, bulges, interior loops, exterior ends), in dcal/mol."""

    stack: np.ndarray  # [8, 8]
    bulge: np.ndarray  # [31]
    internal: np.ndarray  # [31]
    int11: np.ndarray  # [8, 8, 5, 5]
    int21: np.ndarray  # [8, 8, 5, 5, 5]
    int22: np.ndarray  # [8, 8, 5, 5, 5, 5]
    mismatch_interior: np.ndarray  # [8, 5, 5]
    mismatch_1n: np.ndarray  # [8, 5, 5]
    mismatch_23: np.ndarray  # [8, 5, 5]
    mismatch_exterior: np.ndarray  # [8, 5, 5]
    dangle5: np.ndarray  # [8, 5]
    dangle3: np.ndarray  # [8, 5]
    ninio: int
    terminal_au: int
    duplex_init: int
    source: str  # which parameter set, for provenance and cache keys

    @functools.cached_property
    def loop_families(self) -> tuple[np.ndarray, np.ndarray]:
        """Per (n1, n2) unpaired nts: the loop's family and the part of its energy set by size alone.

        Families: -1 = small loops with their own tables (stack, 1-nt bulge, 1x1, 1x2, 2x2, 2x3),
        evaluated in full; 0 = bulge ≥ 2; 1 = 1×n interior; 2 = generic interior. For a family the
        rest of the energy is a term of the outer pair plus a term of the inner pair, so the
        programme adds three numbers per candidate loop instead of evaluating ``E_IntLoop``.
        Computed once per table set (a cached property: the dataclass stays frozen).
        """
        family = np.full((MAXLOOP + 1, MAXLOOP + 1), -1, dtype=np.int8)
        size_part = np.zeros((MAXLOOP + 1, MAXLOOP + 1), dtype=np.int32)
        for n1 in range(MAXLOOP + 1):
            for n2 in range(MAXLOOP + 1 - n1):
                nl, ns = max(n1, n2), min(n1, n2)
                if (nl <= 1) or (ns == 1 and nl == 2) or (ns == 2 and nl <= 3):
                    continue
                asymmetry = min(MAX_NINIO, (nl - ns) * self.ninio)
                if ns == 0:
                    family[n1, n2], size_part[n1, n2] = 0, self.bulge[nl]
                elif ns == 1:
                    family[n1, n2], size_part[n1, n2] = 1, self.internal[nl + 1] + asymmetry
                else:
                    family[n1, n2], size_part[n1, n2] = 2, self.internal[nl + ns] + asymmetry
        return family, size_part


def _sections(text: str) -> dict[str, list[str]]:
    """``# name`` sections of a ViennaRNA parameter file as flat token lists (comments dropped)."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("# "):
            current = sections.setdefault(line[2:].strip(), [])
        elif current is not None:
            current.extend(line.split())
    return sections


def _numbers(tokens: list[str]) -> list[int]:
    return [INF if v == "INF" else DEF if v == "DEF" else int(float(v)) for v in tokens]


def _blocks(values: list[str], leading: tuple[int, ...], offsets: tuple[int, ...], shape: tuple[int, ...]) -> np.ndarray:
    """Place a section's values into a zero array of ``shape``; ``leading`` are the sizes of the
    dimensions as written in the file, starting at ``offsets`` (pair types are written from 1)."""
    table = np.zeros(shape, dtype=np.int32)
    written = np.asarray(_numbers(values), dtype=np.int32).reshape(leading)
    table[tuple(slice(o, o + n) for o, n in zip(offsets, leading))] = written
    return table


@functools.lru_cache(maxsize=1)
def turner2004() -> EnergyTables:
    """The tables of the parameter set ViennaRNA has loaded (its default: Turner 2004) at 37 °C."""
    with tempfile.TemporaryDirectory(prefix="rnakit-params-") as scratch:
        path = Path(scratch) / "params.par"
        RNA.params_save(str(path))
        sections = _sections(path.read_text())
    p7, p6 = 7, 6
    mismatch = lambda name: _blocks(sections[name], (p7, 5, 5), (1, 0, 0), (8, 5, 5))  # noqa: E731
    dangle5 = _blocks(sections["dangle5"], (p7, 5), (1, 0), (8, 5))
    dangle3 = _blocks(sections["dangle3"], (p7, 5), (1, 0), (8, 5))
    ninio_m, _, _ = _numbers(sections["NINIO"])
    duplex_init, _, terminal_au, _, _, _ = _numbers(sections["Misc"])
    return EnergyTables(
        stack=_blocks(sections["stack"], (p7, p7), (1, 1), (8, 8)),
        bulge=np.asarray(_numbers(sections["bulge"]), dtype=np.int32),
        internal=np.asarray(_numbers(sections["internal"]), dtype=np.int32),
        int11=_blocks(sections["int11"], (p7, p7, 5, 5), (1, 1, 0, 0), (8, 8, 5, 5)),
        int21=_blocks(sections["int21"], (p7, p7, 5, 5, 5), (1, 1, 0, 0, 0), (8, 8, 5, 5, 5)),
        int22=_blocks(sections["int22"], (p6, p6, 4, 4, 4, 4), (1, 1, 1, 1, 1, 1), (8, 8, 5, 5, 5, 5)),
        mismatch_interior=mismatch("mismatch_internal"),
        mismatch_1n=mismatch("mismatch_internal_1n"),
        mismatch_23=mismatch("mismatch_internal_23"),
        mismatch_exterior=mismatch("mismatch_exterior"),
        dangle5=dangle5,
        dangle3=dangle3,
        ninio=ninio_m,
        terminal_au=terminal_au,
        duplex_init=duplex_init,
        source=f"ViennaRNA {RNA.__version__} default parameters (Turner 2004), 37 °C",
    )


_CODE_OF_BYTE = np.zeros(256, dtype=np.int8)  # ACGU → 1–4, any other byte (NUL padding included) → 0
_CODE_OF_BYTE[[ord(letter) for letter in NUCLEOTIDE_CODES]] = list(NUCLEOTIDE_CODES.values())


def encode(sequence: str) -> np.ndarray:
    """ACGU → 1–4 (anything else 0), padded with a 0 at each end so index i is nucleotide i (1-based)."""
    codes = _CODE_OF_BYTE[np.frombuffer(sequence.encode("ascii"), dtype=np.uint8)]
    return np.concatenate(([0], codes, [0])).astype(np.int8)


def encode_joined(sequences: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`encode` of each sequence, concatenated, and where each ends: one pass over their join (each
    sequence's two pads are the NULs around it) instead of one array per sequence."""
    joined = "\0" + "\0\0".join(sequences) + "\0" if len(sequences) else ""
    ends = np.cumsum([len(sequence) + 2 for sequence in sequences], dtype=np.int64)
    return _CODE_OF_BYTE[np.frombuffer(joined.encode("ascii"), dtype=np.uint8)], ends


def _code_matrix(sequences: Sequence[str], width: int) -> np.ndarray:
    """Nucleotide codes of each sequence as one row (0-based), padded with 0 to ``width`` columns."""
    padded = np.array([sequence.encode("ascii") for sequence in sequences], dtype=f"S{width}")
    return _CODE_OF_BYTE[padded.view(np.uint8).reshape(len(sequences), width)]


def paired_duplex_energies(first: Sequence[str], second: Sequence[str], paired: np.ndarray) -> np.ndarray:
    """ViennaRNA's free energy (kcal/mol, 37 °C, dangles on) of each two-strand duplex in which nt
    1..c of ``first`` pair with nt c..1 of ``second`` (c = ``paired[row]``, ≥ 2; both 5' ends paired,
    the 3' tails unpaired), i.e. ``eval_structure`` of that structure, for all rows at one go (float array).

    Duplex initiation + the c − 1 stacks + at each end its terminal AU/GU penalty and the 3' dangle
    of the tail there (a blunt end has none: the other neighbour lies across the strand break).
    The caller ensures the c pairs are Watson–Crick or GU.
    """
    t = turner2004()
    c = np.asarray(paired, dtype=np.intp)
    width = max(max(map(len, first)), max(map(len, second))) + 1  # ≥ 1 zero column: "no tail"
    top, bottom = _code_matrix(first, width), _code_matrix(second, width)
    rows = np.arange(len(c))[:, None]
    k = np.arange(width - 1)[None, :]
    inside = k < c[:, None]
    partner = np.where(inside, c[:, None] - 1 - k, 0)  # bottom nt facing top nt k
    types = np.where(inside, PAIR[top[:, :-1], bottom[rows, partner]], 0)
    stacks = np.where(k[:, :-1] < c[:, None] - 1, t.stack[types[:, :-1], REVERSE_TYPE[types[:, 1:]]], 0)
    outer = types[:, 0]  # first's 5' nt with second's nt c; second's tail dangles 3' of it
    inner = REVERSE_TYPE[types[rows[:, 0], c - 1]]  # second's 5' nt with first's nt c, seen from the tail
    tail_second, tail_first = bottom[rows[:, 0], c], top[rows[:, 0], c]
    ends = (np.where(tail_second > 0, t.dangle3[outer, tail_second], 0)
            + np.where(tail_first > 0, t.dangle3[inner, tail_first], 0)
            + t.terminal_au * ((outer > 2).astype(int) + (inner > 2)))
    # ViennaRNA hands energies back as C floats: rounding the same way keeps values identical to its own
    return ((t.duplex_init + stacks.sum(axis=1, dtype=np.int64) + ends) / 100.0).astype(np.float32).astype(float)


def longest_other_helix(first: Sequence[str], second: Sequence[str], paired: np.ndarray) -> np.ndarray:
    """Per row, the most consecutive Watson–Crick/GU pairs the two strands can form in any register other
    than :func:`paired_duplex_energies`' one (``first`` nt i with ``second`` nt paired − 1 − i, 0-based):
    a long one (repeats) is a slipped duplex that may beat the designed one."""
    width = max(max(map(len, first)), max(map(len, second)))
    top, bottom = _code_matrix(first, width), _code_matrix(second, width)
    c = np.asarray(paired, dtype=np.intp)
    # A register pairs first nt i with second nt j at a fixed i + j: with second reversed (column
    # width − 1 − j) it is a diagonal, so runs grow from one nt of first to the next, every register at once.
    reversed_bottom = bottom[:, ::-1]
    rows = np.arange(len(c))
    run = np.zeros((len(c), width + 1), dtype=np.int16)  # column k + 1: the run ending at reversed column k
    longest = np.zeros(len(c), dtype=np.int16)
    for i in range(width):
        pairs = PAIR[top[:, i : i + 1], reversed_bottom] > 0
        designed = i + width - c  # the designed register's column (i + j = paired − 1): never counted
        inside = (designed >= 0) & (designed < width)
        pairs[rows[inside], designed[inside]] = False
        run[:, 1:] = np.where(pairs, run[:, :-1] + 1, 0)
        np.maximum(longest, run.max(axis=1), out=longest)
    return longest.astype(np.intp)
