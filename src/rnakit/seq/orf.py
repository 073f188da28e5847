"""Open reading frames on the forward strand of an RNA."""

from __future__ import annotations

STOP_CODONS = frozenset({"UAA", "UAG", "UGA"})


def longest_orf(sequence: str, *, open_end: bool = False) -> tuple[int, int] | None:
    """0-based ``(start, end)`` of the longest AUG…stop ORF (end exclusive, stop included).

    An ORF running off the 3' end without a stop counts only with ``open_end`` (as in CPAT's ORF
    finder: a transcript whose 3' end is missing still shows its reading frame); it then ends at
    its last complete codon. None when there is no ORF; ties go to the most 5' one.
    """
    best: tuple[int, int] | None = None

    def consider(start: int, end: int) -> None:
        nonlocal best
        if best is None or end - start > best[1] - best[0] or (end - start == best[1] - best[0] and start < best[0]):
            best = (start, end)

    for frame in range(3):
        start = None
        for i in range(frame, len(sequence) - 2, 3):
            codon = sequence[i : i + 3]
            if start is None and codon == "AUG":
                start = i
            elif start is not None and codon in STOP_CODONS:
                consider(start, i + 3)
                start = None
        if open_end and start is not None:
            consider(start, start + (len(sequence) - start) // 3 * 3)
    return best
