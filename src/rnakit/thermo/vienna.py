"""ViennaRNA energies used by rnakit, each cached by its input sequences.

Turner 2004 parameters (ViennaRNA's default), 37 °C. Energies in kcal/mol.
"""

from __future__ import annotations

import functools

import numpy as np
import RNA

#: RNAplfold settings for site accessibility (Tafer et al. 2008 used W = 80, L = 40).
PLFOLD_WINDOW = 80
PLFOLD_SPAN = 40


@functools.lru_cache(maxsize=65536)
def duplex_mfe(strand_a: str, strand_b: str) -> float:
    """MFE of the two strands together (``RNA.fold_compound("a&b").mfe_dimer()``), intramolecular pairs allowed."""
    _, energy = RNA.fold_compound(f"{strand_a}&{strand_b}").mfe_dimer()
    return float(energy)


@functools.lru_cache(maxsize=65536)
def fold_mfe(sequence: str) -> float:
    """MFE of one strand folding on itself (``RNA.fold``)."""
    return float(RNA.fold(sequence)[1])


def helix_energy(strand_a: str, strand_b: str, structure: str) -> float:
    """ViennaRNA's evaluation of a given two-strand structure (dot-bracket over both, no '&')."""
    return float(RNA.fold_compound(f"{strand_a}&{strand_b}").eval_structure(structure))


def unpaired_probabilities(sequence: str, max_length: int) -> np.ndarray:
    """RNAplfold: ``p[i, u]`` = probability that the ``u`` nt ending at 1-based position ``i`` are unpaired.

    Local folding with window PLFOLD_WINDOW and span PLFOLD_SPAN; shape (len+1, max_length+1).
    """
    rows = RNA.pfl_fold_up(sequence, max_length, PLFOLD_WINDOW, PLFOLD_SPAN)
    width = max_length + 1
    if all(len(row) == width for row in rows):  # ViennaRNA's usual answer: no row to pad
        return np.array(rows, dtype=float)
    return np.asarray([list(row) + [np.nan] * (width - len(row)) for row in rows], dtype=float)
