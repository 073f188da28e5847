"""longest_other_helix (the slipped-register check of design's bulk duplex ΔG) against a plain scan of
every register, letter by letter."""

from __future__ import annotations

import random

import numpy as np

from rnakit.hybrid.energy import longest_other_helix
from rnakit.seq.alphabet import reverse_complement_rna

PAIRS = {"AU", "UA", "GC", "CG", "GU", "UG"}  # Watson–Crick and wobble


def scanned(first: str, second: str, paired: int) -> int:
    """The longest run of pairs first[i]·second[s − i] over every register s but the designed paired − 1."""
    longest = 0
    for s in range(len(first) + len(second) - 1):
        if s == paired - 1:
            continue
        run = 0
        for i in range(len(first)):
            j = s - i
            run = run + 1 if 0 <= j < len(second) and first[i] + second[j] in PAIRS else 0
            longest = max(longest, run)
    return longest


def test_longest_other_helix_equals_a_scan_of_every_register() -> None:
    rng = random.Random(19)
    first, second, paired = [], [], []
    for n in range(600):
        length, tail = rng.choice((19, 21, 23)), rng.choice((0, 1, 2, 4))
        if n % 3:
            guide = "".join(rng.choice("ACGU") for _ in range(length))
        else:  # repeats: slipped registers pair as long as the designed one
            unit = "".join(rng.choice("ACGU") for _ in range(rng.choice((1, 2, 3))))
            guide = (unit * length)[:length]
        passenger = reverse_complement_rna(guide[: length - tail]) + "".join(rng.choice("ACGU") for _ in range(tail))
        if n % 5 == 0:  # unrelated strands, a register given at random, an odd letter
            passenger = "".join(rng.choice("ACGUN") for _ in range(rng.choice((19, 21))))
        first.append(guide)
        second.append(passenger)
        paired.append(rng.randint(1, min(len(guide), len(passenger))) if n % 5 == 0 else length - tail)
    got = longest_other_helix(np.array(first, dtype=object), np.array(second, dtype=object), np.array(paired))
    expected = [scanned(f, s, c) for f, s, c in zip(first, second, paired)]
    assert got.tolist() == expected
    assert max(expected) >= 17 and min(expected) <= 4  # both slipped repeats and ordinary duplexes were seen
