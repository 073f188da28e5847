"""RNA alphabet: normalisation (case, whitespace, T→U), validation and reverse complement."""

from __future__ import annotations

from rnakit.errors import SequenceError

RNA_LETTERS = frozenset("ACGU")
_COMPLEMENT = str.maketrans("ACGU", "UGCA")
_WHITESPACE = str.maketrans("", "", " \t\r\n")


def normalise_rna(sequence: str) -> str:
    """Uppercase, drop whitespace and write DNA's T as U: ``'acg t'`` → ``'ACGU'``."""
    return sequence.translate(_WHITESPACE).upper().replace("T", "U")


def first_invalid_letter(sequence: str, letters: frozenset[str] = RNA_LETTERS) -> int | None:
    """0-based index of the first letter outside ``letters``, or None when all are valid."""
    for index, letter in enumerate(sequence):
        if letter not in letters:
            return index
    return None


def validate_rna(
    sequence: str,
    *,
    file: str | None = None,
    row: int | str | None = None,
    column: str | None = None,
) -> str:
    """Return ``sequence`` normalised to RNA; raise SequenceError naming the first bad letter."""
    rna = normalise_rna(sequence)
    if not rna:
        raise SequenceError("empty sequence", file=file, row=row, column=column)
    bad = first_invalid_letter(rna)
    if bad is not None:
        raise SequenceError(
            f"letter {rna[bad]!r} at position {bad + 1} is not a nucleotide (expected A, C, G, U or T)",
            file=file,
            row=row,
            column=column,
        )
    return rna


def reverse_complement_rna(sequence: str) -> str:
    """Reverse complement of an RNA sequence in ACGU (other letters are kept as they are)."""
    return sequence.translate(_COMPLEMENT)[::-1]
