"""Open reading frames on the forward strand of an RNA."""

from __future__ import annotations

STOP_CODONS = frozenset({"UAA", "UAG", "UGA"})


def longest_orf(sequence: str) -> tuple[int, int] | None:
    """0-based ``(start, end)`` of the longest AUG…stop ORF (end exclusive, stop included).

    An ORF running off the end without a stop is not counted. None when there is no ORF; ties go
    to the most 5' one.
    """
    best: tuple[int, int] | None = None
    for frame in range(3):
        start = None
        for i in range(frame, len(sequence) - 2, 3):
            codon = sequence[i : i + 3]
            if start is None and codon == "AUG":
                start = i
            elif start is not None and codon in STOP_CODONS:
                if best is None or (i + 3 - start) > (best[1] - best[0]) or (
                    (i + 3 - start) == (best[1] - best[0]) and start < best[0]
                ):
                    best = (start, i + 3)
                start = None
    return best
