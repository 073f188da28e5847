"""Strand checks: does the passenger pair with the guide, and where does the guide hit its target?

Published sets sometimes swap guide and passenger; these checks find that instead of assuming it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from rnakit.seq.alphabet import reverse_complement_rna

#: Guide nucleotides 2..19 must pair with the target. Position 1 is left out (designs often put a
#: U there whatever the target says) and so are 3' overhangs beyond 19.
SITE_START, SITE_END = 1, 19
#: A site with at most this many mismatches over the core still counts as found.
MAX_SITE_MISMATCHES = 2
#: The passenger is "nearly complementary" with at most this many mismatches over ≥ 15 paired nt.
MAX_DUPLEX_MISMATCHES = 3
MIN_DUPLEX_OVERLAP = 15

_CODES = np.full(256, 4, dtype=np.uint8)
for _code, _letter in enumerate("ACGU"):
    _CODES[ord(_letter)] = _code


def _encode(sequence: str) -> np.ndarray:
    return _CODES[np.frombuffer(sequence.encode("ascii", "replace"), dtype=np.uint8)]


@functools.lru_cache(maxsize=256)
def _encoded_transcript(transcript: str) -> np.ndarray:
    return _encode(transcript)


@dataclass(frozen=True)
class SiteMatch:
    """Where the guide's core reverse complement lies in a transcript.

    status: ``exact``, ``mismatch`` (1..MAX_SITE_MISMATCHES), ``swapped`` (not found, but the
    guide itself is: the strands are probably exchanged) or ``absent``.
    position: 0-based start of the 19-nt target site in the transcript (None when not found).
    """

    status: str
    position: int | None
    mismatches: int | None


def best_site(guide: str, transcript: str) -> tuple[int, int]:
    """(0-based position, mismatches) of the best match of the reverse complement of guide 2..19.

    The position is where the 19-nt site starts: the target nucleotide facing guide position 19.
    """
    site = reverse_complement_rna(guide[SITE_START:SITE_END])
    exact = transcript.find(site)
    if exact >= 0:
        return exact, 0
    target = _encoded_transcript(transcript)
    if len(target) < len(site):
        return -1, len(site)
    windows = sliding_window_view(target, len(site))
    mismatches = (windows != _encode(site)).sum(axis=1)
    position = int(mismatches.argmin())
    return position, int(mismatches[position])


def locate_site(guide: str, transcript: str) -> SiteMatch:
    """Classify how the guide's target site appears in ``transcript`` (see :class:`SiteMatch`)."""
    position, mismatches = best_site(guide, transcript)
    if mismatches == 0:
        return SiteMatch("exact", position, 0)
    if mismatches <= MAX_SITE_MISMATCHES:
        return SiteMatch("mismatch", position, mismatches)
    if guide[SITE_START:SITE_END] in transcript:
        return SiteMatch("swapped", None, None)
    return SiteMatch("absent", None, None)


def _pairs(guide_complement: str, passenger: str, shift: int) -> tuple[int, int]:
    """(paired, overlap) when passenger[i] faces guide_complement[i + shift]; G·U wobbles pair."""
    paired = overlap = 0
    for i, base in enumerate(passenger):
        j = i + shift
        if 0 <= j < len(guide_complement):
            overlap += 1
            expected = guide_complement[j]
            # expected C means guide G (G·U wobble if passenger U); expected A means guide U (U·G).
            if base == expected or (expected, base) in (("C", "U"), ("A", "G")):
                paired += 1
    return paired, overlap


def duplex_mismatches(guide: str, passenger: str) -> tuple[int, int]:
    """(mismatches, overlap) of the best antiparallel register of guide and passenger.

    Overhangs are allowed: every register with at least MIN_DUPLEX_OVERLAP facing nucleotides is
    tried and the one with most Watson–Crick or G·U pairs wins.
    """
    complement = reverse_complement_rna(guide)
    best = (-1, 0)
    for shift in range(-len(passenger) + 1, len(complement)):
        paired, overlap = _pairs(complement, passenger, shift)
        if overlap >= MIN_DUPLEX_OVERLAP and paired > best[0]:
            best = (paired, overlap)
    if best[0] < 0:
        return min(len(guide), len(passenger)), 0
    return best[1] - best[0], best[1]


def nearly_complementary(guide: str, passenger: str) -> bool:
    """True when the strands form a duplex with at most MAX_DUPLEX_MISMATCHES mismatches."""
    mismatches, overlap = duplex_mismatches(guide, passenger)
    return overlap >= MIN_DUPLEX_OVERLAP and mismatches <= MAX_DUPLEX_MISMATCHES
