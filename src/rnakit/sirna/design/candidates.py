"""Every candidate siRNA site of a target transcript.

Convention (siDirect's): for a guide of length L with an overhang of k nt, the duplex covers the
target stretch ``target[p : p + L + k]``. The guide is the reverse complement of
``target[p : p + L]`` (so its 3' overhang still pairs with the target), and the passenger is
``target[p + k : p + L + k]`` (its 3' overhang copies the target). The base-paired core is
``target[p + k : p + L]`` (19 nt for a 21-mer with 2-nt overhangs). Guide positions 1–19 always
face a 19-nt target stretch, which is what the efficacy features read.
"""

from __future__ import annotations

import re

import pandas as pd

from rnakit.errors import SequenceError, ValueRangeError
from rnakit.seq.alphabet import reverse_complement_rna

_AMBIGUOUS = re.compile("[^ACGU]")

GUIDE_LENGTHS = range(19, 24)
DEFAULT_LENGTH = 21
DEFAULT_OVERHANG = 2


def check_lengths(lengths: list[int], overhang: int) -> None:
    """Guide lengths must lie in 19–23 and leave a core of ≥ 15 bp after the overhang."""
    for length in lengths:
        if length not in GUIDE_LENGTHS:
            raise ValueRangeError(f"guide length {length} is outside 19–23", column="--length")
    if not 0 <= overhang <= 4 or min(lengths) - overhang < 15:
        raise ValueRangeError(f"overhang {overhang} must be 0–4 nt and leave a core of at least 15 bp",
                              column="--overhang")


def enumerate_candidates(target: str, lengths: list[int], overhang: int = DEFAULT_OVERHANG,
                         *, record: str = "target") -> pd.DataFrame:
    """One row per (length, start): ``candidate``, ``length``, ``start``/``end`` (1-based, inclusive,
    the stretch the guide pairs with), ``guide``, ``passenger``, ``site`` (the whole covered stretch).

    ``target`` must already be RNA (ACGU). Raises when it is shorter than one duplex.
    """
    check_lengths(lengths, overhang)
    if len(target) < min(lengths) + overhang:
        raise SequenceError(f"target is {len(target)} nt, shorter than one duplex ({min(lengths) + overhang} nt)",
                            row=record)
    rows: dict[str, list] = {k: [] for k in ("candidate", "length", "start", "end", "guide", "passenger", "site")}
    for length in lengths:
        for p in range(0, len(target) - length - overhang + 1):
            rows["candidate"].append(f"{record}:{p + 1}:{length}")
            rows["length"].append(length)
            rows["start"].append(p + 1)
            rows["end"].append(p + length)
            rows["guide"].append(reverse_complement_rna(target[p : p + length]))
            rows["passenger"].append(target[p + overhang : p + length + overhang])
            rows["site"].append(target[p : p + length + overhang])
    return pd.DataFrame(rows)


def drop_ambiguous(candidates: pd.DataFrame, *, record: str = "target") -> tuple[pd.DataFrame, int]:
    """The candidates whose covered stretch is all ACGU, and how many touched an ambiguous base (N, R,
    Y, …). Raises when none is left: the target has no window to design in."""
    clean = ~candidates["site"].str.contains(_AMBIGUOUS)
    if not clean.any():
        raise SequenceError(f"no {candidates['site'].str.len().min()}-nt window free of ambiguous bases "
                            "(N or other IUPAC codes)", row=record)
    return candidates[clean].reset_index(drop=True), int((~clean).sum())
